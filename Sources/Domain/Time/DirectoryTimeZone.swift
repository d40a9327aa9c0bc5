import Foundation

/// The zone every task wall-clock value is read in, from `fdTimezone` (spec §3.1).
///
/// PHP answered 500 to every task request when fdTimezone was missing or wrong
/// (spec §10 #43). Here a missing value is a documented default (UTC, with a note the
/// caller can log or report) and an invalid one is an error the caller decides about.
public struct DirectoryTimeZone: Sendable, Equatable {
    public let zone: TimeZone
    /// Set when the zone is a default rather than what the directory says.
    public let note: String?

    public init(zone: TimeZone, note: String? = nil) {
        self.zone = zone
        self.note = note
    }

    /// UTC (Foundation always has it; the fallback only satisfies the type checker).
    public static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// Reads an `fdTimezone` value: nil or empty → UTC with a note; a known IANA identifier
    /// → that zone; anything else → `DomainError.unknownTimeZone`.
    ///
    /// The value is IA5String/caseExactIA5Match and FD offers only IANA names, so it is used
    /// verbatim (no trimming, no case folding): `europe/paris` is rejected rather than guessed.
    public init(fdTimezone value: String?) throws(DomainError) {
        guard let value, !value.isEmpty else {
            self.init(zone: Self.utc, note: "fdTimezone is not set; task dates are read in UTC")
            return
        }
        let shape = value.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || "/_+-".utf8.contains(byte)
        }
        guard shape, value.utf8.count <= 64, let zone = TimeZone(identifier: value) else {
            throw .unknownTimeZone(identifier: value)
        }
        self.init(zone: zone)
    }
}
