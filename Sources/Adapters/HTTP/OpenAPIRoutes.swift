import Hummingbird
import NIOCore

/// `GET /api/openapi.json` and `/orchestrator/api/openapi.json` (no authentication): the published
/// HTTP contract, byte for byte `openapi/openapi.json` of the repository. Other methods answer 405.
///
/// The document is compiled into the executable (`OpenAPIDocument.json` below), so every install
/// serves it with nothing to find at run time: `.build/debug`, `.build/release`, the Docker image
/// (whose build copies only `Sources/`), a copied binary. `openapi/openapi.json` stays the file to
/// edit; `scripts/schemathesis --embed` copies it here, and `OpenAPIContractTests` fails while the
/// two differ.
public struct OpenAPIRoutes: Sendable {
    public init() {}

    public func register(on router: Router<AppRequestContext>) {
        router.api("/openapi.json", .get) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                body: .init(byteBuffer: OpenAPIDocument.bytes)
            )
        }
    }
}

/// The embedded copy of `openapi/openapi.json`.
public enum OpenAPIDocument {
    /// The document's bytes, shared by every response.
    static let bytes = ByteBuffer(string: json)

    // The lines between the markers are written by `scripts/schemathesis --embed`; do not edit them.
    // BEGIN openapi/openapi.json
    public static let json = ##"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "FusionDirectory Orchestrator",
    "version": "1.0.0",
    "summary": "Runs the workflow tasks FusionDirectory stores in LDAP, behind JWT authentication.",
    "description": "A drop-in replacement for the PHP fusiondirectory-orchestrator 1.1: same endpoint paths and login bodies.\n\nEvery API route exists under `/api/…` and, as the PHP service was deployed, under `/orchestrator/api/…`; both answer identically.\n\nEvery response carries `X-Request-Id`. Every error body is `{\"message\": …, \"error\": {\"code\": …, \"message\": …}}` with a stable `code`; unknown paths answer 404 `http.not_found` with that body, and a method a path does not support answers 405 with `Allow` where listed here (404 elsewhere).\n\nProtected routes need `Authorization: Bearer <access_token>` from `POST /api/login`."
  },
  "servers": [
    {
      "url": "/",
      "description": "The service's root."
    }
  ],
  "tags": [
    {
      "name": "auth",
      "description": "Login, token refresh and logout (the PHP orchestrator's bodies and messages)."
    },
    {
      "name": "tasks",
      "description": "Read-only view of FusionDirectory's tasks and sub-tasks."
    },
    {
      "name": "task runs",
      "description": "Runs that send mail and write LDAP (side effects: `scripts/schemathesis` leaves them out)."
    },
    {
      "name": "operations",
      "description": "Health, readiness and this document."
    },
    {
      "name": "method not allowed",
      "description": "Methods a path answers with 405 and `Allow`."
    }
  ],
  "paths": {
    "/health": {
      "parameters": [
        {
          "$ref": "#/components/parameters/RequestId"
        }
      ],
      "get": {
        "tags": [
          "operations"
        ],
        "summary": "Liveness: the process answers",
        "responses": {
          "200": {
            "description": "Alive.",
            "headers": {
              "X-Request-Id": {
                "$ref": "#/components/headers/X-Request-Id"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        }
      }
    },
    "/ready": {
      "parameters": [
        {
          "$ref": "#/components/parameters/RequestId"
        }
      ],
      "get": {
        "tags": [
          "operations"
        ],
        "summary": "Readiness: the directory and the state store answer",
        "responses": {
          "200": {
            "description": "Ready.",
            "headers": {
              "X-Request-Id": {
                "$ref": "#/components/headers/X-Request-Id"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Ready"
                }
              }
            }
          },
          "503": {
            "description": "Not ready.",
            "headers": {
              "X-Request-Id": {
                "$ref": "#/components/headers/X-Request-Id"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/NotReady"
                }
              }
            }
          }
        }
      }
    },
    "/api/login": {
      "$ref": "#/components/pathItems/Login"
    },
    "/api/refresh": {
      "$ref": "#/components/pathItems/Refresh"
    },
    "/api/logout": {
      "$ref": "#/components/pathItems/Logout"
    },
    "/api/session": {
      "$ref": "#/components/pathItems/Session"
    },
    "/api/tasks": {
      "$ref": "#/components/pathItems/Tasks"
    },
    "/api/tasks/{kind}": {
      "$ref": "#/components/pathItems/TasksOfKind"
    },
    "/api/tasks/{kind}/{name}": {
      "$ref": "#/components/pathItems/Task"
    },
    "/api/openapi.json": {
      "$ref": "#/components/pathItems/OpenAPI"
    },
    "/orchestrator/api/login": {
      "$ref": "#/components/pathItems/Login"
    },
    "/orchestrator/api/refresh": {
      "$ref": "#/components/pathItems/Refresh"
    },
    "/orchestrator/api/logout": {
      "$ref": "#/components/pathItems/Logout"
    },
    "/orchestrator/api/session": {
      "$ref": "#/components/pathItems/Session"
    },
    "/orchestrator/api/tasks": {
      "$ref": "#/components/pathItems/Tasks"
    },
    "/orchestrator/api/tasks/{kind}": {
      "$ref": "#/components/pathItems/TasksOfKind"
    },
    "/orchestrator/api/tasks/{kind}/{name}": {
      "$ref": "#/components/pathItems/Task"
    },
    "/orchestrator/api/openapi.json": {
      "$ref": "#/components/pathItems/OpenAPI"
    }
  },
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "description": "Every error body. `message` repeats `error.message` at the top level, as the PHP orchestrator answered and its client prints.",
        "required": [
          "message",
          "error"
        ],
        "properties": {
          "message": {
            "type": "string",
            "description": "For people; never carries internals."
          },
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "properties": {
              "code": {
                "type": "string",
                "description": "Stable slug clients can switch on, e.g. `auth.invalid_credentials`, `task.unknown_kind`, `http.not_found`.",
                "examples": [
                  "auth.missing_credentials"
                ]
              },
              "message": {
                "type": "string"
              }
            }
          }
        }
      },
      "Health": {
        "type": "object",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "const": "ok"
          }
        }
      },
      "ReadinessCheck": {
        "type": "object",
        "description": "One dependency probe.",
        "required": [
          "name",
          "ok"
        ],
        "properties": {
          "name": {
            "type": "string",
            "examples": [
              "ldap",
              "database"
            ]
          },
          "ok": {
            "type": "boolean"
          },
          "code": {
            "type": "string",
            "description": "Stable slug of the failure; present only when the probe reported one.",
            "examples": [
              "ldap.unavailable"
            ]
          },
          "message": {
            "type": "string",
            "description": "Detail of the failure; present only when the probe reported one."
          }
        }
      },
      "Ready": {
        "type": "object",
        "required": [
          "status",
          "checks"
        ],
        "properties": {
          "status": {
            "const": "ready"
          },
          "checks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ReadinessCheck"
            }
          }
        }
      },
      "NotReady": {
        "type": "object",
        "description": "A dependency does not answer. `error` describes the first failing check (no top-level `message`).",
        "required": [
          "status",
          "checks",
          "error"
        ],
        "properties": {
          "status": {
            "const": "unavailable"
          },
          "checks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ReadinessCheck"
            }
          },
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "properties": {
              "code": {
                "type": "string",
                "examples": [
                  "ldap.unavailable"
                ]
              },
              "message": {
                "type": "string"
              }
            }
          }
        }
      },
      "LoginRequest": {
        "type": "object",
        "description": "The PHP orchestrator's login body. Both fields must be non-empty JSON strings (a number, null or a missing field answers 400 `auth.missing_credentials`); `username` is at most 256 and `password` at most 1024 UTF-8 bytes.",
        "required": [
          "username",
          "password"
        ],
        "properties": {
          "username": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "cn of a DSA account under LDAP_OU_DSA."
          },
          "password": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1024,
            "format": "password"
          }
        }
      },
      "TokenRequest": {
        "type": "object",
        "description": "A refresh token from `/api/login` or `/api/refresh`. A missing, empty or non-string `token` answers 400 `auth.missing_token`.",
        "required": [
          "token"
        ],
        "properties": {
          "token": {
            "type": "string",
            "minLength": 1
          }
        }
      },
      "TokenPair": {
        "type": "object",
        "required": [
          "access_token",
          "refresh_token",
          "token_type",
          "expires_in"
        ],
        "properties": {
          "access_token": {
            "type": "string",
            "description": "JWT (HS256) to send as `Authorization: Bearer …`.",
            "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
          },
          "refresh_token": {
            "type": "string",
            "description": "Opaque, single-use: each refresh rotates it; reuse revokes the whole family.",
            "pattern": "^[A-Za-z0-9_-]+$",
            "minLength": 40,
            "maxLength": 128
          },
          "token_type": {
            "const": "Bearer"
          },
          "expires_in": {
            "type": "integer",
            "minimum": 1,
            "description": "Lifetime of the access token in seconds (TOKEN_EXPIRY)."
          }
        }
      },
      "LoggedOut": {
        "type": "object",
        "required": [
          "message"
        ],
        "properties": {
          "message": {
            "const": "logged out"
          }
        }
      },
      "Session": {
        "type": "object",
        "required": [
          "dsa"
        ],
        "properties": {
          "dsa": {
            "type": "string",
            "description": "DN of the authenticated DSA account."
          }
        }
      },
      "Timestamp": {
        "type": [
          "string",
          "null"
        ],
        "description": "Wall-clock time of the directory's zone (fdTimezone) with that zone's UTC offset at that instant, e.g. `2026-11-02T10:00:00+01:00`; null when absent or unreadable (see `problems`).",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$"
      },
      "TaskKind": {
        "type": "string",
        "enum": [
          "mail",
          "lifeCycle",
          "notifications",
          "reminder",
          "audit",
          "unknown"
        ],
        "description": "`unknown` when the entry names no task kind (or several) — see `problems`."
      },
      "SubTaskCounts": {
        "type": "object",
        "required": [
          "scheduled",
          "completed",
          "failed",
          "due"
        ],
        "properties": {
          "scheduled": {
            "type": "integer",
            "minimum": 0
          },
          "completed": {
            "type": "integer",
            "minimum": 0
          },
          "failed": {
            "type": "integer",
            "minimum": 0
          },
          "due": {
            "type": "integer",
            "minimum": 0,
            "description": "Among `scheduled`, those whose time has come."
          }
        }
      },
      "TaskSummary": {
        "type": "object",
        "description": "A main task with the counts of its sub-tasks.",
        "required": [
          "dn",
          "cn",
          "name",
          "kind",
          "schedule",
          "repeatable",
          "repeatSchedule",
          "lastExec",
          "problems",
          "subtasks"
        ],
        "properties": {
          "dn": {
            "type": "string"
          },
          "cn": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "maxItems": 1,
            "description": "The cn as a one-element list (empty when missing): the PHP client prints `cn[0]`."
          },
          "name": {
            "type": [
              "string",
              "null"
            ],
            "description": "The cn; null when missing."
          },
          "kind": {
            "$ref": "#/components/schemas/TaskKind"
          },
          "schedule": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "repeatable": {
            "type": "boolean"
          },
          "repeatSchedule": {
            "type": [
              "string",
              "null"
            ],
            "description": "`Yearly`, `Monthly`, `Weekly`, `Daily`, `Hourly`, or the unrecognised stored text (listed in `problems`).",
            "examples": [
              "Daily"
            ]
          },
          "lastExec": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "problems": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Values that were missing or could not be read, as sentences."
          },
          "subtasks": {
            "$ref": "#/components/schemas/SubTaskCounts"
          }
        }
      },
      "MailSettings": {
        "type": "object",
        "required": [
          "template",
          "senders",
          "bcc",
          "users",
          "emails",
          "mailType"
        ],
        "properties": {
          "template": {
            "type": [
              "string",
              "null"
            ],
            "description": "cn of the mail template (fdTasksMailObject)."
          },
          "senders": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "bcc": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "users": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "DNs chosen in FusionDirectory."
          },
          "emails": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Addresses FusionDirectory computed from `users`."
          },
          "mailType": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "LifeCycleSettings": {
        "type": "object",
        "required": [
          "pre",
          "post",
          "postEndDays",
          "members",
          "listOfDN"
        ],
        "properties": {
          "pre": {
            "type": [
              "string",
              "null"
            ],
            "description": "SupAnn resource state the users must be in (`{RESOURCE}STATE:SubState`); null when unusable."
          },
          "post": {
            "type": [
              "string",
              "null"
            ],
            "description": "SupAnn resource state to write; null when unusable."
          },
          "postEndDays": {
            "type": "integer"
          },
          "members": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "listOfDN": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "NotificationsSettings": {
        "type": "object",
        "required": [
          "attributes",
          "recipientMembers",
          "recipientMails",
          "monitoredMembers",
          "template",
          "senders",
          "trigger"
        ],
        "properties": {
          "attributes": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Monitored attribute names, without FusionDirectory's `None` placeholder."
          },
          "recipientMembers": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "recipientMails": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "monitoredMembers": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "template": {
            "type": [
              "string",
              "null"
            ]
          },
          "senders": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "trigger": {
            "type": [
              "string",
              "null"
            ],
            "description": "SupAnn state whose appearance also notifies; null when none or invalid."
          }
        }
      },
      "ReminderSettings": {
        "type": "object",
        "required": [
          "firstCallDays",
          "secondCallDays",
          "template",
          "senders",
          "monitored",
          "accountProlongation",
          "posix",
          "next",
          "newEndDays",
          "members",
          "recipientMembers",
          "recipientMails"
        ],
        "properties": {
          "firstCallDays": {
            "type": [
              "integer",
              "null"
            ]
          },
          "secondCallDays": {
            "type": [
              "integer",
              "null"
            ]
          },
          "template": {
            "type": [
              "string",
              "null"
            ]
          },
          "senders": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "monitored": {
            "type": [
              "string",
              "null"
            ],
            "description": "SupAnn state whose end date is watched; null means shadowExpire (or an invalid setting)."
          },
          "accountProlongation": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "posix": {
            "type": "boolean"
          },
          "next": {
            "type": [
              "string",
              "null"
            ]
          },
          "newEndDays": {
            "type": [
              "integer",
              "null"
            ]
          },
          "members": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "recipientMembers": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "recipientMails": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "AuditSettings": {
        "type": "object",
        "required": [
          "retentionDays"
        ],
        "properties": {
          "retentionDays": {
            "type": [
              "integer",
              "null"
            ]
          }
        }
      },
      "SubTask": {
        "type": "object",
        "description": "A sub-task (fdTasksGranular). Mail sub-tasks add `recipients`, `from`, `bcc`, `template`; notifications add `auditEvents`; reminders add `days`.",
        "required": [
          "dn",
          "cn",
          "master",
          "type",
          "kind",
          "status",
          "error",
          "schedule",
          "due",
          "target",
          "problems"
        ],
        "properties": {
          "dn": {
            "type": "string"
          },
          "cn": {
            "type": [
              "string",
              "null"
            ]
          },
          "master": {
            "type": [
              "string",
              "null"
            ],
            "description": "DN of the main task."
          },
          "type": {
            "type": [
              "string",
              "null"
            ],
            "description": "fdTasksGranularType as stored.",
            "examples": [
              "Mail Object"
            ]
          },
          "kind": {
            "$ref": "#/components/schemas/TaskKind"
          },
          "status": {
            "type": "string",
            "enum": [
              "scheduled",
              "completed",
              "failed"
            ]
          },
          "error": {
            "type": [
              "string",
              "null"
            ],
            "description": "The failure text when `status` is `failed`, else null."
          },
          "schedule": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "due": {
            "type": "boolean"
          },
          "target": {
            "type": [
              "string",
              "null"
            ],
            "description": "Target DN, or the first recipient."
          },
          "problems": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "recipients": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "mail only."
          },
          "from": {
            "type": [
              "string",
              "null"
            ],
            "description": "mail only."
          },
          "bcc": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "mail only."
          },
          "template": {
            "type": [
              "string",
              "null"
            ],
            "description": "mail only."
          },
          "auditEvents": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "notifications only: DNs of the audit events."
          },
          "days": {
            "type": [
              "integer",
              "null"
            ],
            "description": "reminder only: days before expiry of this call."
          }
        },
        "allOf": [
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "mail"
                }
              }
            },
            "then": {
              "required": [
                "recipients",
                "from",
                "bcc",
                "template"
              ]
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "notifications"
                }
              }
            },
            "then": {
              "required": [
                "auditEvents"
              ]
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "reminder"
                }
              }
            },
            "then": {
              "required": [
                "days"
              ]
            }
          }
        ]
      },
      "TaskDetail": {
        "type": "object",
        "description": "A main task with its kind's settings, the counts of all its sub-tasks and (a page of) the sub-tasks themselves.",
        "required": [
          "dn",
          "cn",
          "name",
          "kind",
          "schedule",
          "repeatable",
          "repeatSchedule",
          "lastExec",
          "problems",
          "settings",
          "counts",
          "subtasks"
        ],
        "properties": {
          "dn": {
            "type": "string"
          },
          "cn": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "maxItems": 1,
            "description": "The cn as a one-element list (empty when missing): the PHP client prints `cn[0]`."
          },
          "name": {
            "type": [
              "string",
              "null"
            ],
            "description": "The cn; null when missing."
          },
          "kind": {
            "$ref": "#/components/schemas/TaskKind"
          },
          "schedule": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "repeatable": {
            "type": "boolean"
          },
          "repeatSchedule": {
            "type": [
              "string",
              "null"
            ],
            "description": "`Yearly`, `Monthly`, `Weekly`, `Daily`, `Hourly`, or the unrecognised stored text (listed in `problems`).",
            "examples": [
              "Daily"
            ]
          },
          "lastExec": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "problems": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Values that were missing or could not be read, as sentences."
          },
          "settings": {
            "description": "The kind's attributes (shape by `kind`); null when the kind is `unknown`.",
            "anyOf": [
              {
                "$ref": "#/components/schemas/MailSettings"
              },
              {
                "$ref": "#/components/schemas/LifeCycleSettings"
              },
              {
                "$ref": "#/components/schemas/NotificationsSettings"
              },
              {
                "$ref": "#/components/schemas/ReminderSettings"
              },
              {
                "$ref": "#/components/schemas/AuditSettings"
              },
              {
                "type": "null"
              }
            ]
          },
          "counts": {
            "$ref": "#/components/schemas/SubTaskCounts"
          },
          "subtasks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SubTask"
            }
          }
        },
        "allOf": [
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "mail"
                }
              }
            },
            "then": {
              "properties": {
                "settings": {
                  "$ref": "#/components/schemas/MailSettings"
                }
              }
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "lifeCycle"
                }
              }
            },
            "then": {
              "properties": {
                "settings": {
                  "$ref": "#/components/schemas/LifeCycleSettings"
                }
              }
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "notifications"
                }
              }
            },
            "then": {
              "properties": {
                "settings": {
                  "$ref": "#/components/schemas/NotificationsSettings"
                }
              }
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "reminder"
                }
              }
            },
            "then": {
              "properties": {
                "settings": {
                  "$ref": "#/components/schemas/ReminderSettings"
                }
              }
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "audit"
                }
              }
            },
            "then": {
              "properties": {
                "settings": {
                  "$ref": "#/components/schemas/AuditSettings"
                }
              }
            }
          },
          {
            "if": {
              "properties": {
                "kind": {
                  "const": "unknown"
                }
              }
            },
            "then": {
              "properties": {
                "settings": {
                  "type": "null"
                }
              }
            }
          }
        ]
      },
      "KindListing": {
        "type": "object",
        "required": [
          "kind",
          "timezone",
          "tasks",
          "orphanSubtasks",
          "page"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "mail",
              "lifeCycle",
              "notifications",
              "reminder",
              "audit"
            ],
            "description": "The kind's canonical spelling, whatever case the path used."
          },
          "timezone": {
            "type": "string",
            "description": "IANA zone of the directory (fdTimezone).",
            "examples": [
              "Europe/Paris"
            ]
          },
          "tasks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TaskDetail"
            },
            "description": "Every main task of the kind, each with the sub-tasks of this page that belong to it; `counts` always cover all its sub-tasks."
          },
          "orphanSubtasks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SubTask"
            },
            "description": "Sub-tasks of this page whose master is not a main task of this kind."
          },
          "page": {
            "type": "object",
            "required": [
              "limit",
              "returned",
              "next"
            ],
            "properties": {
              "limit": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10000
              },
              "returned": {
                "type": "integer",
                "minimum": 0,
                "description": "Sub-tasks in this page (under `tasks` and `orphanSubtasks`)."
              },
              "next": {
                "type": [
                  "string",
                  "null"
                ],
                "description": "Pass as `cursor` for the next page; null on the last page."
              }
            }
          }
        }
      },
      "RunReport": {
        "type": "object",
        "description": "What a run did, item by item.",
        "required": [
          "runId",
          "kind",
          "startedAt",
          "endedAt",
          "summary",
          "skippedReason",
          "items"
        ],
        "properties": {
          "runId": {
            "type": "string",
            "description": "Also in the service log of the run."
          },
          "kind": {
            "type": "string",
            "enum": [
              "mail",
              "lifeCycle",
              "notifications",
              "reminder",
              "audit"
            ],
            "description": "The kind's canonical spelling."
          },
          "startedAt": {
            "type": "string",
            "format": "date-time",
            "description": "UTC, with fractional seconds.",
            "examples": [
              "2026-11-22T18:36:03.512Z"
            ]
          },
          "endedAt": {
            "type": "string",
            "format": "date-time"
          },
          "summary": {
            "type": "object",
            "required": [
              "due",
              "sent",
              "failed",
              "deferred",
              "skipped",
              "unknown"
            ],
            "properties": {
              "due": {
                "type": "integer",
                "minimum": 0,
                "description": "Due sub-tasks when the run started."
              },
              "sent": {
                "type": "integer",
                "minimum": 0
              },
              "failed": {
                "type": "integer",
                "minimum": 0
              },
              "deferred": {
                "type": "integer",
                "minimum": 0
              },
              "skipped": {
                "type": "integer",
                "minimum": 0
              },
              "unknown": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "skippedReason": {
            "type": [
              "string",
              "null"
            ],
            "description": "Why the whole run did nothing on purpose (e.g. the anti-spam interval); else null."
          },
          "items": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "subtask",
                "recipient",
                "outcome",
                "detail"
              ],
              "properties": {
                "subtask": {
                  "type": "string",
                  "description": "DN of the sub-task."
                },
                "recipient": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "outcome": {
                  "type": "string",
                  "enum": [
                    "sent",
                    "failed",
                    "deferred",
                    "skipped",
                    "unknown",
                    "alreadySent"
                  ],
                  "description": "`sent`: accepted by the server in this run; `failed`: refused for good (the sub-task carries the reason); `deferred`: transient failure, a later run retries; `skipped`: not attempted in this run (anti-spam limit, another run holds it…); `unknown`: a crashed run may or may not have sent it, so it is not resent automatically; `alreadySent`: sent by an earlier run, only its LDAP status was completed now."
                },
                "detail": {
                  "type": [
                    "string",
                    "null"
                  ]
                }
              }
            }
          }
        }
      },
      "OpenAPIDocument": {
        "type": "object",
        "description": "This document.",
        "required": [
          "openapi",
          "info",
          "paths"
        ],
        "properties": {
          "openapi": {
            "type": "string",
            "pattern": "^3\\.1\\.[0-9]+$"
          }
        }
      }
    },
    "responses": {
      "Unauthorized": {
        "description": "Missing, malformed, expired, foreign or revoked access token.",
        "headers": {
          "X-Request-Id": {
            "$ref": "#/components/headers/X-Request-Id"
          },
          "WWW-Authenticate": {
            "$ref": "#/components/headers/WWW-Authenticate"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "missing": {
                "value": {
                  "message": "missing or malformed authorization header",
                  "error": {
                    "code": "auth.missing_bearer",
                    "message": "missing or malformed authorization header"
                  }
                }
              },
              "signature": {
                "value": {
                  "message": "invalid signature",
                  "error": {
                    "code": "auth.invalid_signature",
                    "message": "invalid signature"
                  }
                }
              },
              "expired": {
                "value": {
                  "message": "token has expired",
                  "error": {
                    "code": "auth.token_expired",
                    "message": "token has expired"
                  }
                }
              },
              "malformed": {
                "value": {
                  "message": "invalid token",
                  "error": {
                    "code": "auth.malformed_token",
                    "message": "invalid token"
                  }
                }
              },
              "revoked": {
                "value": {
                  "message": "token has been revoked",
                  "error": {
                    "code": "auth.token_revoked",
                    "message": "token has been revoked"
                  }
                }
              }
            }
          }
        }
      },
      "ServiceUnavailable": {
        "description": "The directory or the state store does not answer; retry later.",
        "headers": {
          "X-Request-Id": {
            "$ref": "#/components/headers/X-Request-Id"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "ldap": {
                "value": {
                  "message": "the directory does not answer",
                  "error": {
                    "code": "ldap.unavailable",
                    "message": "the directory does not answer"
                  }
                }
              }
            }
          }
        }
      },
      "InternalError": {
        "description": "Unexpected failure; details are in the service log under the response's `X-Request-Id`.",
        "headers": {
          "X-Request-Id": {
            "$ref": "#/components/headers/X-Request-Id"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "internal": {
                "value": {
                  "message": "internal error; see the service log for request 0f8e…",
                  "error": {
                    "code": "internal",
                    "message": "internal error; see the service log for request 0f8e…"
                  }
                }
              }
            }
          }
        }
      },
      "PayloadTooLarge": {
        "description": "The request body is larger than 64 KiB.",
        "headers": {
          "X-Request-Id": {
            "$ref": "#/components/headers/X-Request-Id"
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "tooLarge": {
                "value": {
                  "message": "request body too large",
                  "error": {
                    "code": "http.body_too_large",
                    "message": "request body too large"
                  }
                }
              }
            }
          }
        }
      },
      "MethodNotAllowedPost": {
        "description": "Only POST is supported here.",
        "headers": {
          "X-Request-Id": {
            "$ref": "#/components/headers/X-Request-Id"
          },
          "Allow": {
            "description": "The one method the resource supports.",
            "required": true,
            "schema": {
              "const": "POST"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "method": {
                "value": {
                  "message": "method not allowed; use POST",
                  "error": {
                    "code": "http.method_not_allowed",
                    "message": "method not allowed; use POST"
                  }
                }
              }
            }
          }
        }
      },
      "MethodNotAllowedGet": {
        "description": "Only GET is supported here.",
        "headers": {
          "X-Request-Id": {
            "$ref": "#/components/headers/X-Request-Id"
          },
          "Allow": {
            "description": "The one method the resource supports.",
            "required": true,
            "schema": {
              "const": "GET"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            },
            "examples": {
              "method": {
                "value": {
                  "message": "method not allowed; use GET",
                  "error": {
                    "code": "http.method_not_allowed",
                    "message": "method not allowed; use GET"
                  }
                }
              }
            }
          }
        }
      }
    },
    "parameters": {
      "RequestId": {
        "name": "X-Request-Id",
        "in": "header",
        "required": false,
        "description": "Optional correlation id, echoed in the response and the logs when it is 1–128 characters of `[A-Za-z0-9._-]` (anything else is replaced).",
        "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9._-]{1,128}$"
        }
      },
      "Kind": {
        "name": "kind",
        "in": "path",
        "required": true,
        "description": "Task kind, case-insensitive (`MAIL`, `lifecycle` work): mail, lifeCycle, notifications, reminder or audit. Anything else answers 404 `task.unknown_kind`.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "examples": [
            "mail",
            "lifeCycle",
            "notifications",
            "reminder",
            "audit"
          ]
        },
        "examples": {
          "mail": {
            "value": "mail"
          },
          "lifeCycle": {
            "value": "lifeCycle"
          },
          "notifications": {
            "value": "notifications"
          },
          "reminder": {
            "value": "reminder"
          },
          "audit": {
            "value": "audit"
          }
        }
      },
      "Name": {
        "name": "name",
        "in": "path",
        "required": true,
        "description": "cn of the main task (percent-encoded; may contain spaces and DN-special characters).",
        "schema": {
          "type": "string",
          "minLength": 1
        },
        "example": "welcome-mail"
      },
      "Status": {
        "name": "status",
        "in": "query",
        "required": false,
        "description": "Only sub-tasks in this state (case-insensitive).",
        "schema": {
          "type": "string",
          "enum": [
            "scheduled",
            "completed",
            "failed"
          ]
        }
      },
      "Due": {
        "name": "due",
        "in": "query",
        "required": false,
        "description": "Only sub-tasks that are (true) or are not (false) due now. `1`/`0` and any letter case are accepted too.",
        "schema": {
          "type": "boolean"
        }
      },
      "Limit": {
        "name": "limit",
        "in": "query",
        "required": false,
        "description": "Sub-tasks per page.",
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 10000,
          "default": 1000
        }
      },
      "Cursor": {
        "name": "cursor",
        "in": "query",
        "required": false,
        "description": "Opaque `page.next` of the previous page.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 4096
        }
      }
    },
    "headers": {
      "X-Request-Id": {
        "description": "On every response: the request's id, also in every log line of the request. A client's own `X-Request-Id` is echoed when it is 1–128 characters of `[A-Za-z0-9._-]`; otherwise a new lower-case UUID is used.",
        "required": true,
        "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9._-]{1,128}$"
        }
      },
      "WWW-Authenticate": {
        "description": "RFC 6750 challenge; `error=\"invalid_token\"` unless the header was missing or malformed.",
        "required": true,
        "schema": {
          "type": "string",
          "pattern": "^Bearer realm=\"fusiondirectory-orchestrator\"(, error=\"invalid_token\")?$"
        }
      },
      "Retry-After": {
        "description": "Seconds until a login for this username or from this address may be tried again.",
        "required": true,
        "schema": {
          "type": "integer",
          "minimum": 1
        }
      },
      "Allow": {
        "description": "The one method the resource supports.",
        "required": true,
        "schema": {
          "type": "string",
          "enum": [
            "GET",
            "POST"
          ]
        }
      }
    },
    "securitySchemes": {
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The `access_token` of `POST /api/login` or `/api/refresh` (HS256, short-lived). Refresh tokens are opaque and never accepted here."
      }
    },
    "pathItems": {
      "Login": {
        "summary": "Log in as a DSA account",
        "description": "Other methods answer 405 with `Allow: POST`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "post": {
          "tags": [
            "auth"
          ],
          "summary": "Exchange a DSA's credentials for a token pair",
          "description": "The directory checks the password (a bind as the DSA). Unknown account, wrong password, disabled or locked account and an ambiguous name all answer the same 401. After 5 failed logins for one username or from one address within 60 s, logins for it answer 429 until the oldest failure is 60 s old.",
          "requestBody": {
            "required": true,
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LoginRequest"
                },
                "example": {
                  "username": "orchestrator",
                  "password": "secret"
                }
              }
            },
            "description": "A JSON object; the Content-Type header is not checked."
          },
          "responses": {
            "200": {
              "description": "Logged in.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/TokenPair"
                  }
                }
              }
            },
            "400": {
              "description": "Missing credentials: the body is not a JSON object, or a field is missing, empty, too long or not a string.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "missing": {
                      "value": {
                        "message": "missing login credentials",
                        "error": {
                          "code": "auth.missing_credentials",
                          "message": "missing login credentials"
                        }
                      }
                    }
                  }
                }
              }
            },
            "401": {
              "description": "Invalid credentials.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                },
                "WWW-Authenticate": {
                  "$ref": "#/components/headers/WWW-Authenticate"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "invalid": {
                      "value": {
                        "message": "invalid authentication",
                        "error": {
                          "code": "auth.invalid_credentials",
                          "message": "invalid authentication"
                        }
                      }
                    }
                  }
                }
              }
            },
            "413": {
              "$ref": "#/components/responses/PayloadTooLarge"
            },
            "429": {
              "description": "Too many failed logins for this username or from this address.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                },
                "Retry-After": {
                  "$ref": "#/components/headers/Retry-After"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "throttled": {
                      "value": {
                        "message": "too many failed logins; retry in 42 s",
                        "error": {
                          "code": "auth.throttled",
                          "message": "too many failed logins; retry in 42 s"
                        }
                      }
                    }
                  }
                }
              }
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        },
        "get": {
          "tags": [
            "method not allowed"
          ],
          "summary": "GET is not supported (login is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "put": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PUT is not supported (login is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "patch": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PATCH is not supported (login is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "delete": {
          "tags": [
            "method not allowed"
          ],
          "summary": "DELETE is not supported (login is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        }
      },
      "Refresh": {
        "summary": "Rotate a refresh token",
        "description": "Other methods answer 405 with `Allow: POST`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "post": {
          "tags": [
            "auth"
          ],
          "summary": "Exchange a refresh token for a new pair",
          "description": "The presented refresh token is spent. Presenting a spent token again revokes its whole family (every refresh and access token descended from the same login).",
          "requestBody": {
            "required": true,
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenRequest"
                },
                "example": {
                  "token": "hQ3tV0p7rL2yqgk3d5m0Zc1sWf9uJx8bE4nA6iKoTqY"
                }
              }
            },
            "description": "A JSON object; the Content-Type header is not checked."
          },
          "responses": {
            "200": {
              "description": "A new pair.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/TokenPair"
                  }
                }
              }
            },
            "400": {
              "description": "Missing token, or a token that is unknown, spent, revoked or expired.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "missing": {
                      "value": {
                        "message": "missing token",
                        "error": {
                          "code": "auth.missing_token",
                          "message": "missing token"
                        }
                      }
                    },
                    "invalid": {
                      "value": {
                        "message": "invalid token",
                        "error": {
                          "code": "auth.invalid_token",
                          "message": "invalid token"
                        }
                      }
                    }
                  }
                }
              }
            },
            "401": {
              "description": "The token's DSA account no longer exists or may no longer log in.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                },
                "WWW-Authenticate": {
                  "$ref": "#/components/headers/WWW-Authenticate"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "invalid": {
                      "value": {
                        "message": "invalid authentication",
                        "error": {
                          "code": "auth.invalid_credentials",
                          "message": "invalid authentication"
                        }
                      }
                    }
                  }
                }
              }
            },
            "413": {
              "$ref": "#/components/responses/PayloadTooLarge"
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        },
        "get": {
          "tags": [
            "method not allowed"
          ],
          "summary": "GET is not supported (refresh is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "put": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PUT is not supported (refresh is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "patch": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PATCH is not supported (refresh is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "delete": {
          "tags": [
            "method not allowed"
          ],
          "summary": "DELETE is not supported (refresh is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        }
      },
      "Logout": {
        "summary": "Log out",
        "description": "Other methods answer 405 with `Allow: POST`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "post": {
          "tags": [
            "auth"
          ],
          "summary": "Revoke a refresh token's family",
          "description": "Revokes the refresh token's family and, within seconds on every replica, the access tokens issued to it. An unknown or already revoked token also answers 200 (RFC 7009 §2.2).",
          "requestBody": {
            "required": true,
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenRequest"
                },
                "example": {
                  "token": "hQ3tV0p7rL2yqgk3d5m0Zc1sWf9uJx8bE4nA6iKoTqY"
                }
              }
            },
            "description": "A JSON object; the Content-Type header is not checked."
          },
          "responses": {
            "200": {
              "description": "Logged out (or nothing to do).",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/LoggedOut"
                  }
                }
              }
            },
            "400": {
              "description": "Missing token.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "missing": {
                      "value": {
                        "message": "missing token",
                        "error": {
                          "code": "auth.missing_token",
                          "message": "missing token"
                        }
                      }
                    }
                  }
                }
              }
            },
            "413": {
              "$ref": "#/components/responses/PayloadTooLarge"
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        },
        "get": {
          "tags": [
            "method not allowed"
          ],
          "summary": "GET is not supported (logout is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "put": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PUT is not supported (logout is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "patch": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PATCH is not supported (logout is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        },
        "delete": {
          "tags": [
            "method not allowed"
          ],
          "summary": "DELETE is not supported (logout is POST)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedPost"
            }
          }
        }
      },
      "Session": {
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "get": {
          "tags": [
            "auth"
          ],
          "summary": "Who the bearer is",
          "security": [
            {
              "bearerAuth": []
            }
          ],
          "responses": {
            "200": {
              "description": "The authenticated DSA.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Session"
                  }
                }
              }
            },
            "401": {
              "$ref": "#/components/responses/Unauthorized"
            }
          }
        }
      },
      "Tasks": {
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "get": {
          "tags": [
            "tasks"
          ],
          "summary": "Every main task with its sub-task counts",
          "description": "A JSON array, as the PHP client expects; ordered by name.",
          "security": [
            {
              "bearerAuth": []
            }
          ],
          "responses": {
            "200": {
              "description": "The main tasks of every kind.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/TaskSummary"
                    }
                  }
                }
              }
            },
            "401": {
              "$ref": "#/components/responses/Unauthorized"
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        }
      },
      "TasksOfKind": {
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "$ref": "#/components/parameters/Kind"
          }
        ],
        "get": {
          "tags": [
            "tasks"
          ],
          "summary": "The main tasks of one kind with settings, and one page of their sub-tasks",
          "description": "Sub-tasks are ordered by DN and filtered by `status` and `due`; a page holds at most `limit` of them, grouped under their main task (or in `orphanSubtasks`).",
          "security": [
            {
              "bearerAuth": []
            }
          ],
          "parameters": [
            {
              "$ref": "#/components/parameters/Status"
            },
            {
              "$ref": "#/components/parameters/Due"
            },
            {
              "$ref": "#/components/parameters/Limit"
            },
            {
              "$ref": "#/components/parameters/Cursor"
            }
          ],
          "responses": {
            "200": {
              "description": "One page.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/KindListing"
                  }
                }
              }
            },
            "400": {
              "description": "A query parameter is invalid.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "status": {
                      "value": {
                        "message": "status must be scheduled, completed or failed",
                        "error": {
                          "code": "task.invalid_query",
                          "message": "status must be scheduled, completed or failed"
                        }
                      }
                    },
                    "due": {
                      "value": {
                        "message": "due must be true or false",
                        "error": {
                          "code": "task.invalid_query",
                          "message": "due must be true or false"
                        }
                      }
                    },
                    "limit": {
                      "value": {
                        "message": "limit must be an integer in 1...10000",
                        "error": {
                          "code": "task.invalid_query",
                          "message": "limit must be an integer in 1...10000"
                        }
                      }
                    },
                    "cursor": {
                      "value": {
                        "message": "invalid cursor",
                        "error": {
                          "code": "task.invalid_query",
                          "message": "invalid cursor"
                        }
                      }
                    }
                  }
                }
              }
            },
            "401": {
              "$ref": "#/components/responses/Unauthorized"
            },
            "404": {
              "description": "Unknown task kind.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "kind": {
                      "value": {
                        "message": "unknown task kind; use one of mail, lifeCycle, notifications, reminder, audit",
                        "error": {
                          "code": "task.unknown_kind",
                          "message": "unknown task kind; use one of mail, lifeCycle, notifications, reminder, audit"
                        }
                      }
                    }
                  }
                }
              }
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        },
        "patch": {
          "tags": [
            "task runs"
          ],
          "summary": "Run the due sub-tasks of a kind",
          "description": "Sends every due sub-task of the kind, exactly once even across concurrent runs, replicas and crashes, writes their LDAP status and answers the report. Only `mail` runs in this version; the other kinds and the PHP service's `removeSubTasks` and `activateCyclicTasks` answer 404 `task.not_implemented`. The request body is ignored.",
          "security": [
            {
              "bearerAuth": []
            }
          ],
          "responses": {
            "200": {
              "description": "The run's report.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/RunReport"
                  }
                }
              }
            },
            "401": {
              "$ref": "#/components/responses/Unauthorized"
            },
            "404": {
              "description": "Unknown task kind, or a kind this version cannot run yet.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "kind": {
                      "value": {
                        "message": "unknown task kind; use one of mail, lifeCycle, notifications, reminder, audit",
                        "error": {
                          "code": "task.unknown_kind",
                          "message": "unknown task kind; use one of mail, lifeCycle, notifications, reminder, audit"
                        }
                      }
                    },
                    "notImplemented": {
                      "value": {
                        "message": "running reminder tasks is not available in this version yet",
                        "error": {
                          "code": "task.not_implemented",
                          "message": "running reminder tasks is not available in this version yet"
                        }
                      }
                    }
                  }
                }
              }
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        }
      },
      "Task": {
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "$ref": "#/components/parameters/Kind"
          },
          {
            "$ref": "#/components/parameters/Name"
          }
        ],
        "get": {
          "tags": [
            "tasks"
          ],
          "summary": "One main task with all its sub-tasks",
          "security": [
            {
              "bearerAuth": []
            }
          ],
          "responses": {
            "200": {
              "description": "The task.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/TaskDetail"
                  }
                }
              }
            },
            "400": {
              "description": "The name is not valid percent-encoding.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "name": {
                      "value": {
                        "message": "malformed task name",
                        "error": {
                          "code": "task.invalid_name",
                          "message": "malformed task name"
                        }
                      }
                    }
                  }
                }
              }
            },
            "401": {
              "$ref": "#/components/responses/Unauthorized"
            },
            "404": {
              "description": "Unknown task kind, or no task of that kind with that name.",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Error"
                  },
                  "examples": {
                    "kind": {
                      "value": {
                        "message": "unknown task kind; use one of mail, lifeCycle, notifications, reminder, audit",
                        "error": {
                          "code": "task.unknown_kind",
                          "message": "unknown task kind; use one of mail, lifeCycle, notifications, reminder, audit"
                        }
                      }
                    },
                    "task": {
                      "value": {
                        "message": "no mail task named welcome",
                        "error": {
                          "code": "task.not_found",
                          "message": "no mail task named welcome"
                        }
                      }
                    }
                  }
                }
              }
            },
            "500": {
              "$ref": "#/components/responses/InternalError"
            },
            "503": {
              "$ref": "#/components/responses/ServiceUnavailable"
            }
          }
        }
      },
      "OpenAPI": {
        "summary": "This document",
        "description": "Other methods answer 405 with `Allow: GET`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "get": {
          "tags": [
            "operations"
          ],
          "summary": "The OpenAPI document of the service (no authentication)",
          "responses": {
            "200": {
              "description": "This document, as kept in the repository (openapi/openapi.json).",
              "headers": {
                "X-Request-Id": {
                  "$ref": "#/components/headers/X-Request-Id"
                }
              },
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/OpenAPIDocument"
                  }
                }
              }
            }
          }
        },
        "post": {
          "tags": [
            "method not allowed"
          ],
          "summary": "POST is not supported (openapi.json is GET)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedGet"
            }
          }
        },
        "put": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PUT is not supported (openapi.json is GET)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedGet"
            }
          }
        },
        "patch": {
          "tags": [
            "method not allowed"
          ],
          "summary": "PATCH is not supported (openapi.json is GET)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedGet"
            }
          }
        },
        "delete": {
          "tags": [
            "method not allowed"
          ],
          "summary": "DELETE is not supported (openapi.json is GET)",
          "responses": {
            "405": {
              "$ref": "#/components/responses/MethodNotAllowedGet"
            }
          }
        }
      }
    }
  }
}

"""##
    // END openapi/openapi.json
}
