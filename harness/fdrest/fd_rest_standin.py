#!/usr/bin/python3
"""Stand-in for FusionDirectory's REST API (rest.php/v1) in the orchestrator's test harness.

Standard library only (Debian's /usr/bin/python3); it talks to the harness slapd through the
ldap-utils command-line tools (ldapsearch, ldapmodify), never through a Python LDAP module.
It answers the three calls the orchestrator makes, the way FusionDirectory 1.5 does:

  POST  <prefix>/login                {"user","password"}  -> 200 "<session token>" (a JSON string)
  PATCH <prefix>/objects/user/<dn>    []                   -> 200 "<dn>": supannRessourceEtat is
        recomputed from supannRessourceEtatDate, as FD does when it saves a user
  PATCH <prefix>/objects/tasks/<dn>   {"tasks":{"fdSubTasksActivation":"TRUE"}}
                                                            -> 200 "<dn>": fdTasksLastExec = now and
        the task's sub-tasks are created (spec §4.1, §4.2)

<prefix> is empty or /rest.php/v1; <dn> is rawurlencoded.  Like FD: a refused login or a call
without a valid `session-token` header answers 401 with the JSON string "Authentication required"
(FD's authenticateHeader); other errors answer a JSON list [{"message","line","file"}] (404 for an
unknown DN, 400 for a bad body).

Control directory (--control-dir), files re-read on every request:
  mode     ok (default; also a missing or unknown value) | fail500 (every PATCH answers 500 with a
           JSON error) | fail401 (every call, login included, answers 401) | hang (the request is
           read, then never answered; the connection stays open until the client gives up) |
           unexpected200 (every PATCH with a valid session answers 200 with a JSON object, not
           the DN, and changes nothing) | delay:<ms> (as ok, each answer that many ms late)
  revoke   sessions issued while this file had another content are invalid (401), as when FD's
           PHP session expires; write anything new to it to end every open session

Every request is appended to --calls-file as one JSON line:
  {"time","method","path" (raw, still encoded),"dn" (decoded, object calls),"body" (parsed JSON,
   or the raw text; the login password is replaced by "***"),"session" (12 hex digits of the
   SHA-256 of the session-token header, or null),"status" (null for a request left hanging)}

fdTasksLastExec is written as `Y-m-d H:i:s` in the directory's fdTimezone (cn=config,
ou=fusiondirectory,<base>), as FD does; UTC when fdTimezone is absent or unknown.

Prints "fdrest up port=<p> [tls-port=<p>] pid=<pid>" once it accepts connections; SIGTERM/SIGINT
stop it cleanly (exit status 0).
"""
from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import select
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9
    zoneinfo = None

PREFIXES = ("/rest.php/v1", "")
STOP = threading.Event()


def log(msg: str) -> None:
    sys.stdout.write(time.strftime("%Y-%m-%dT%H:%M:%S ") + msg + "\n")
    sys.stdout.flush()


class HTTPError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ------------------------------------------------------------------ LDAP through ldap-utils

class LDAP:
    def __init__(self, url: str, base: str, admin: str, password: str):
        self.url = url
        self.base = base
        self.admin = admin
        # -y keeps the password out of the process list; the file must not end with a newline.
        fd, self.password_file = tempfile.mkstemp(prefix="fdrest-ldap-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(password)

    def close(self) -> None:
        try:
            os.unlink(self.password_file)
        except OSError:
            pass

    def _auth(self) -> list[str]:
        return ["-x", "-H", self.url, "-D", self.admin, "-y", self.password_file]

    def search(self, base: str, scope: str = "base", filt: str = "(objectClass=*)",
               attrs: list[str] | None = None) -> list[tuple[str, dict[str, list[str]]]]:
        """Entries as (dn, {attribute: [values]}); [] when the base does not exist."""
        cmd = ["ldapsearch", *self._auth(), "-LLL", "-o", "ldif-wrap=no", "-s", scope, "-b", base, filt]
        cmd += attrs or []
        done = subprocess.run(cmd, capture_output=True, timeout=30)
        if done.returncode in (32, 34):  # noSuchObject, invalidDNSyntax: FD cannot open it either
            return []
        if done.returncode != 0:
            raise HTTPError(500, "LDAP search failed: " + done.stderr.decode("utf-8", "replace").strip())
        return parse_ldif(done.stdout.decode("utf-8"))

    def read(self, dn: str, attrs: list[str] | None = None) -> dict[str, list[str]] | None:
        entries = self.search(dn, "base", "(objectClass=*)", attrs)
        return entries[0][1] if entries else None

    def _change(self, ldif: str, add: bool = False) -> None:
        cmd = ["ldapmodify", *self._auth()] + (["-a"] if add else [])
        done = subprocess.run(cmd, input=ldif.encode("utf-8"), capture_output=True, timeout=30)
        if done.returncode != 0:
            raise HTTPError(500, "LDAP write failed: " + done.stderr.decode("utf-8", "replace").strip())

    def replace(self, dn: str, attribute: str, values: list[str]) -> None:
        lines = [ldif_line("dn", dn), "changetype: modify", f"replace: {attribute}"]
        lines += [ldif_line(attribute, v) for v in values]
        self._change("\n".join(lines + ["-", ""]))

    def add(self, dn: str, attributes: list[tuple[str, list[str]]]) -> None:
        lines = [ldif_line("dn", dn), "changetype: add"]
        for name, values in attributes:
            lines += [ldif_line(name, v) for v in values]
        self._change("\n".join(lines + [""]), add=True)


def ldif_line(name: str, value: str) -> str:
    # Always base64: no LDIF escaping rule to get wrong (leading space, colon, non-ASCII...).
    return f"{name}:: " + base64.b64encode(value.encode("utf-8")).decode("ascii")


def parse_ldif(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        dn, attrs = None, {}
        for line in block.splitlines():
            if not line or line.startswith("#") or ":" not in line:
                continue
            name, rest = line.split(":", 1)
            if rest.startswith(":"):
                value = base64.b64decode(rest[1:].strip()).decode("utf-8")
            else:
                value = rest[1:] if rest.startswith(" ") else rest
            if name == "dn":
                dn = value
            else:
                attrs.setdefault(name, []).append(value)
        if dn is not None:
            entries.append((dn, attrs))
    return entries


def filter_escape(value: str) -> str:
    """RFC 4515 value escaping."""
    out = []
    for ch in value:
        if ch in "*()\\\0":
            out.append("\\%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def first(attrs: dict[str, list[str]], name: str, default: str = "") -> str:
    values = get(attrs, name)
    return values[0] if values else default


def get(attrs: dict[str, list[str]], name: str) -> list[str]:
    for key, values in attrs.items():
        if key.lower() == name.lower():
            return values
    return []


def unique(values: list[str]) -> list[str]:
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


# ------------------------------------------------------------------ FusionDirectory's rules

ETAT_DATE = re.compile(r"^\{(?P<resource>[^}]*)\}(?P<state>[^:]*):(?P<sub>[^:]*):(?P<start>[^:]*):(?P<end>[^:]*)$")


def etats_from_dates(dates: list[str]) -> list[str]:
    """FD's rule when a user is saved: {R}S:SUB:START:END -> {R}S, plus :SUB when SUB is not empty."""
    etats = []
    for value in dates:
        m = ETAT_DATE.match(value)
        if not m:
            continue
        etat = "{%s}%s" % (m["resource"], m["state"])
        if m["sub"]:
            etat += ":" + m["sub"]
        etats.append(etat)
    return unique(etats)


def php_microtime_string() -> str:
    """PHP's (string)microtime(true) with '.' -> '_': 14 significant digits, trailing zeros dropped."""
    return ("%.14G" % time.time()).replace(".", "_")


class SubTaskNamer:
    """Gives every sub-task its own <t>: FD's 0.1 ms resolution could repeat within one activation."""

    def __init__(self):
        self.last = None
        self.lock = threading.Lock()

    def next(self) -> str:
        with self.lock:
            while True:
                t = php_microtime_string()
                if t != self.last:
                    self.last = t
                    return t
                time.sleep(0.0001)


def parse_generalized(value: str) -> datetime.datetime | None:
    m = re.match(r"^(\d{10,14})(?:[.,](\d+))?(Z|[+-]\d{4})?$", value)
    if not m:
        return None
    digits = m[1].ljust(14, "0")
    try:
        moment = datetime.datetime.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    if m[2]:
        moment += datetime.timedelta(microseconds=int(m[2][:6].ljust(6, "0")))
    zone = m[3] or "Z"
    if zone == "Z":
        return moment.replace(tzinfo=datetime.timezone.utc)
    offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    return moment.replace(tzinfo=datetime.timezone(offset if zone[0] == "+" else -offset))


class FusionDirectory:
    def __init__(self, ldap: LDAP):
        self.ldap = ldap
        self.namer = SubTaskNamer()
        self.write_lock = threading.Lock()

    def timezone(self) -> datetime.tzinfo:
        config = self.ldap.read(f"cn=config,ou=fusiondirectory,{self.ldap.base}", ["fdTimezone"]) or {}
        name = first(config, "fdTimezone")
        if name and zoneinfo is not None:
            try:
                return zoneinfo.ZoneInfo(name)
            except Exception:  # unknown zone: fall back to UTC
                pass
        return datetime.timezone.utc

    def expand(self, members: list[str]) -> list[str]:
        """FD's UsersGroupsRolesAttribute: a DN containing ou=groups stands for its member values."""
        out = []
        for dn in members:
            if "ou=groups" in dn.lower():
                group = self.ldap.read(dn, ["member"]) or {}
                out += get(group, "member")
            else:
                out.append(dn)
        return unique(out)

    def refresh_user(self, dn: str) -> str:
        entries = self.ldap.search(dn, "base", "(objectClass=*)", ["objectClass", "supannRessourceEtatDate"])
        if not entries:
            raise HTTPError(404, f"Could not open dn {dn}: no such object")
        real_dn, attrs = entries[0]
        classes = {c.lower() for c in get(attrs, "objectClass")}
        if not classes & {"inetorgperson", "person", "organizationalperson"}:
            raise HTTPError(400, f"Object {dn} is not of type user")
        with self.write_lock:
            etats = etats_from_dates(get(attrs, "supannRessourceEtatDate"))
            self.ldap.replace(real_dn, "supannRessourceEtat", etats)
        return real_dn

    def activate_task(self, dn: str) -> str:
        entries = self.ldap.search(dn, "base", "(objectClass=*)")
        if not entries:
            raise HTTPError(404, f"Could not open dn {dn}: no such object")
        task_dn, task = entries[0]
        classes = {c.lower() for c in get(task, "objectClass")}
        if "fdtasks" not in classes:
            raise HTTPError(400, f"Object {dn} is not of type tasks")
        with self.write_lock:
            zone = self.timezone()
            previous = first(task, "fdTasksLastExec")
            now = datetime.datetime.now(zone)
            self.ldap.replace(task_dn, "fdTasksLastExec", [now.strftime("%Y-%m-%d %H:%M:%S")])
            for values, key, fields in self.sub_tasks(task_dn, task, classes, previous, zone, now):
                self.create_slave_tasks(task_dn, task, values, key, fields)
        return task_dn

    def sub_tasks(self, task_dn, task, classes, previous, zone, now):
        """(list, attribute compared for "only new members", fields of one value) per createSlaveTasks call."""
        if "fdtasksmail" in classes:
            fixed = [("fdTasksGranularType", ["Mail Object"]),
                     ("fdTasksGranularRef", [first(task, "fdTasksMailObject")]),
                     ("fdTasksGranularMailFrom", [first(task, "fdTasksEmailSender")])]
            bcc = first(task, "fdTasksEmailBCC")
            if bcc:
                fixed.append(("fdTasksGranularMailBCC", [bcc]))
            yield (unique(get(task, "fdTasksEmailsFromDN")), "fdTasksGranularMail",
                   lambda address: fixed + [("fdTasksGranularMail", [address])])
        elif "fdtaskslifecycle" in classes:
            yield (unique(get(task, "fdTasksLifeCycleListOfDN")), "fdTasksGranularDN",
                   lambda user: [("fdTasksGranularType", ["Life Cycle"]), ("fdTasksGranularDN", [user])])
        elif "fdtasksreminder" in classes:
            members = self.expand(get(task, "fdTasksReminderMembers"))
            calls = [first(task, "fdTasksReminderFirstCall", "30")]
            second = first(task, "fdTasksReminderSecondCall")
            if first(task, "fdTasksReminderAccountProlongation").upper() == "TRUE" and second:
                calls.append(second)
            for helper in calls:
                yield (members, "fdTasksGranularDN",
                       lambda user, helper=helper: [("fdTasksGranularType", ["Reminder"]),
                                                    ("fdTasksGranularDN", [user]),
                                                    ("fdTasksGranularHelper", [helper])])
        elif "fdaudittasks" in classes:
            yield (["auditRetentionTask"], "fdTasksGranularDN",
                   lambda literal: [("fdTasksGranularType", ["Audit"]), ("fdTasksGranularDN", [literal])])
        elif "fdtasksnotifications" in classes:
            since = now
            if previous:
                try:
                    since = datetime.datetime.strptime(previous, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
                except ValueError:
                    pass
            events = {}
            for user in self.expand(get(task, "fdTasksNotificationsMonitoredMembers")):
                found = self.ldap.search(
                    f"ou=audit,{self.ldap.base}", "one",
                    f"(&(objectClass=fdAuditEvent)(fdAuditObject={filter_escape(user)}))", ["fdAuditDateTime"])
                refs = [edn for edn, attrs in found
                        if (when := parse_generalized(first(attrs, "fdAuditDateTime"))) and when >= since]
                if refs:
                    events[user] = refs
            yield (list(events), "fdTasksGranularDN",
                   lambda user: [("fdTasksGranularType", ["Notifications"]), ("fdTasksGranularDN", [user]),
                                 ("fdTasksGranularRef", events[user])])

    def create_slave_tasks(self, task_dn, task, values, key, fields) -> None:
        if first(task, "fdTasksUpdatable").upper() == "TRUE":
            existing = self.ldap.search(
                self.ldap.base, "sub",
                f"(&(objectClass=fdTasksGranular)(fdTasksGranularMaster={filter_escape(task_dn)}))", [key])
            present = {v for _, attrs in existing for v in get(attrs, key)}
            values = [v for v in values if v not in present]
        main_cn = first(task, "cn")
        schedule = first(task, "fdTasksScheduleDate")
        container = parent_dn(task_dn)
        for value in values:
            cn = f"{main_cn}-SubTask-{self.namer.next()}"
            attributes = [("objectClass", ["fdTasksGranular"]), ("cn", [cn]),
                          ("fdTasksGranularMaster", [task_dn]), ("fdTasksGranularStatus", ["1"])]
            if schedule:
                attributes.append(("fdTasksGranularSchedule", [schedule]))
            attributes += [(name, vals) for name, vals in fields(value) if any(vals)]
            self.ldap.add(f"cn={rdn_escape(cn)},{container}", attributes)


def parent_dn(dn: str) -> str:
    """The DN without its first RDN (the first comma that is not escaped)."""
    escaped = False
    for i, ch in enumerate(dn):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            return dn[i + 1:]
    return ""


def rdn_escape(value: str) -> str:
    """RFC 4514 escaping of an attribute value inside a DN."""
    out = []
    for i, ch in enumerate(value):
        if ch in ',+"\\<>;=' or (i == 0 and ch in " #") or (i == len(value) - 1 and ch == " "):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# ------------------------------------------------------------------ HTTP

class State:
    def __init__(self, args, fd: FusionDirectory):
        self.user = args.user
        self.password = args.password
        self.control_dir = args.control_dir
        self.calls_file = args.calls_file
        self.fd = fd
        self.sessions: dict[str, str] = {}  # token -> revoke-file content at login
        self.lock = threading.Lock()

    def control(self, name: str) -> str:
        try:
            with open(os.path.join(self.control_dir, name), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return ""

    def mode(self) -> str:
        value = self.control("mode").lower()
        if value.startswith("delay:") and value[6:].isdigit():
            return value
        return value if value in ("ok", "fail500", "fail401", "hang", "unexpected200") else "ok"

    def login(self) -> str:
        token = secrets.token_hex(16)
        with self.lock:
            self.sessions[token] = self.control("revoke")
        return token

    def valid(self, token: str | None) -> bool:
        with self.lock:
            issued = self.sessions.get(token) if token else None
        return issued is not None and issued == self.control("revoke")

    def record(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self.lock:
            with open(self.calls_file, "a", encoding="utf-8") as f:
                f.write(line)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FusionDirectory-standin/1.0"
    state: State  # set on the class by main()

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        log("%s %s" % (self.address_string(), format % args))

    def do_POST(self):
        self.handle_call()

    def do_PATCH(self):
        self.handle_call()

    def do_GET(self):
        self.handle_call()

    def handle_call(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if text.strip() else None
            parsed = True
        except ValueError:
            body, parsed = text, False
        token = self.headers.get("session-token")
        entry = {
            "time": time.time(), "method": self.command, "path": self.path, "dn": None,
            "body": body, "session": hashlib.sha256(token.encode()).hexdigest()[:12] if token else None,
            "status": None,
        }
        route = self.route()
        if route and route[0] == "login" and isinstance(body, dict) and "password" in body:
            entry["body"] = dict(body, password="***")
        if route and route[0] in ("user", "tasks"):
            entry["dn"] = route[1]

        mode = self.state.mode()
        if mode == "hang":
            self.state.record(entry)
            # Read, never answer: the client's own timeout is what ends this.
            while not STOP.wait(0.2) and not self.client_gone():
                pass
            self.close_connection = True
            return
        if mode.startswith("delay:"):
            # A slow FD: answer like `ok`, that many milliseconds late.
            STOP.wait(int(mode[6:]) / 1000)
            mode = "ok"
        try:
            status, answer = self.dispatch(route, mode, body, parsed, token)
        except HTTPError as e:
            status, answer = e.status, self.error_body(e)
        except Exception as e:  # a stand-in bug: say so, as FD would with a PHP error
            status, answer = 500, [{"message": f"stand-in error: {e}", "line": 0, "file": __file__}]
        entry["status"] = status
        self.state.record(entry)
        self.send_json(status, answer)

    def client_gone(self) -> bool:
        """The client closed its end (plain sockets only: TLS ones cannot peek)."""
        if isinstance(self.connection, ssl.SSLSocket):
            return False
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def route(self):
        path = self.path.split("?", 1)[0]
        for prefix in PREFIXES:
            if prefix and not path.startswith(prefix + "/"):
                continue
            rest = path[len(prefix):]
            parts = rest.strip("/").split("/")
            if parts == ["login"]:
                return ("login", None)
            if len(parts) == 3 and parts[0] == "objects" and parts[1] in ("user", "tasks"):
                # Split first, decode after: a DN may hold an encoded '/'.
                return (parts[1], urllib.parse.unquote(parts[2]))
        return None

    def dispatch(self, route, mode, body, parsed, token):
        if mode == "fail401":
            return 401, "Authentication required"
        if route is None:
            raise HTTPError(404, f"Unknown endpoint {self.command} {self.path}")
        kind, dn = route
        if kind == "login":
            if self.command != "POST":
                raise HTTPError(405, "Invalid request for endpoint login")
            if not parsed or not isinstance(body, dict):
                raise HTTPError(400, "Error while decoding input JSON: Syntax error")
            if body.get("user") != self.state.user or body.get("password") != self.state.password:
                return 401, "Login failed: invalid user or password"
            return 200, self.state.login()
        if not self.state.valid(token):
            return 401, "Authentication required"
        if self.command != "PATCH":
            raise HTTPError(405, f"Invalid request for endpoint objects: {self.command}")
        if mode == "fail500":
            raise HTTPError(500, "stand-in: FusionDirectory failed (mode fail500)")
        if mode == "unexpected200":
            return 200, {"dn": dn, "note": "stand-in mode unexpected200: not the DN as a JSON string"}
        if not parsed:
            raise HTTPError(400, "Error while decoding input JSON: Syntax error")
        if kind == "user":
            if body != []:
                raise HTTPError(400, "stand-in: a user refresh expects the body []")
            return 200, self.state.fd.refresh_user(dn)
        if body != {"tasks": {"fdSubTasksActivation": "TRUE"}}:
            raise HTTPError(400, 'stand-in: an activation expects {"tasks":{"fdSubTasksActivation":"TRUE"}}')
        return 200, self.state.fd.activate_task(dn)

    @staticmethod
    def error_body(e: HTTPError):
        if e.status == 401:
            return e.message
        return [{"message": e.message, "line": 0, "file": "rest.php"}]

    def send_json(self, status: int, answer) -> None:
        data = (json.dumps(answer, ensure_ascii=False) + "\n").encode("utf-8")
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="FusionDirectory"')
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class TLSServer(Server):
    """HTTPS: the handshake runs in the request's own thread, so a stalled client blocks only itself."""

    def __init__(self, address, handler, context: ssl.SSLContext):
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request, client_address):
        request.settimeout(10)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log(f"{client_address[0]} TLS handshake failed: {e}")
            return
        tls.settimeout(None)
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="plain HTTP port (0 = any free port)")
    p.add_argument("--tls-port", type=int, default=-1, help="HTTPS port (-1 = none, 0 = any free port)")
    p.add_argument("--cert"), p.add_argument("--key")
    p.add_argument("--user", required=True, help="the only login FD accepts")
    p.add_argument("--password", required=True)
    p.add_argument("--ldap-url", required=True)
    p.add_argument("--ldap-base", required=True)
    p.add_argument("--ldap-admin", required=True)
    p.add_argument("--ldap-password", required=True)
    p.add_argument("--control-dir", required=True)
    p.add_argument("--calls-file", required=True)
    args = p.parse_args()

    os.makedirs(args.control_dir, exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.calls_file)), exist_ok=True)
    open(args.calls_file, "a").close()
    ldap = LDAP(args.ldap_url, args.ldap_base, args.ldap_admin, args.ldap_password)
    Handler.state = State(args, FusionDirectory(ldap))

    servers = [Server((args.host, args.port), Handler)]
    if args.tls_port >= 0:
        if not (args.cert and args.key):
            p.error("--tls-port needs --cert and --key")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        servers.append(TLSServer((args.host, args.tls_port), Handler, context))
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True) for s in servers]
    for t in threads:
        t.start()

    def stop(signum, frame):
        STOP.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A parent whose thread blocked SIGTERM (a Swift test spawning scripts/services) must not
    # leave `stop` without effect.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    ports = f"port={servers[0].server_address[1]}"
    if len(servers) > 1:
        ports += f" tls-port={servers[1].server_address[1]}"
    log(f"fdrest up {ports} pid={os.getpid()}")
    while not STOP.wait(0.5):
        pass
    for s in servers:
        s.shutdown()
        s.server_close()
    ldap.close()
    log("fdrest stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
