/// Why a directory value or a domain input was rejected.
///
/// Every parser in the Domain layer throws this instead of crashing: the directory schema
/// for tasks is loose (almost everything is a free string, spec §1), so malformed data is
/// an expected condition, not a programmer error.
public enum DomainError: Error, Sendable, Equatable {
    /// A value of `attribute` could not be understood.
    case invalidValue(attribute: String, value: String, reason: String)
    /// A MUST attribute (or a value the operation needs) is absent.
    case missingAttribute(attribute: String)
    /// A distinguished name is not valid RFC 4514 text.
    case invalidDN(dn: String, reason: String)
    /// `fdTimezone` names no known IANA zone.
    case unknownTimeZone(identifier: String)

    /// A stable slug, suitable for logs and for an HTTP error body.
    public var code: String {
        switch self {
        case .invalidValue: "domain.invalid_value"
        case .missingAttribute: "domain.missing_attribute"
        case .invalidDN: "domain.invalid_dn"
        case .unknownTimeZone: "domain.unknown_time_zone"
        }
    }

    /// A one-line, human-readable explanation. Echoed input is truncated and made printable,
    /// so a huge or binary value can never blow up a log line or a JSON body.
    public var message: String {
        switch self {
        case let .invalidValue(attribute, value, reason):
            "\(attribute) value \"\(Self.echo(value))\" is invalid: \(reason)"
        case let .missingAttribute(attribute):
            "\(attribute) is missing"
        case let .invalidDN(dn, reason):
            "distinguished name \"\(Self.echo(dn))\" is invalid: \(reason)"
        case let .unknownTimeZone(identifier):
            "fdTimezone \"\(Self.echo(identifier))\" is not a known IANA time zone"
        }
    }

    /// Longest part of an input value repeated in a message.
    static let echoLimit = 80

    static func echo(_ value: String) -> String {
        var out = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == echoLimit {
                out += "…"
                break
            }
            if scalar.properties.generalCategory == .control {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }
}
