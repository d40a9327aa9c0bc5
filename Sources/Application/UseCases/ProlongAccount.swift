import Domain
import Foundation

/// The prolongation page the service serves itself (PROLONGATION_MODE=orchestrator, beyond PHP).
///
/// `GET` only looks (link scanners open every URL): it says what a confirmation would do and
/// changes nothing. `POST` redeems the single-use grant, applies FusionDirectory's prolongation
/// rule (`ProlongationRule`) in one LDAP modify that deletes the exact old values, then asks FD to
/// refresh the user. A failure that changed nothing gives the grant back.
public struct ProlongAccount: Sendable {
    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let accounts: any UserAccounts
        public let writer: any AccountProlongations
        public let grants: any ProlongationGrants
        public let fusionDirectory: any FusionDirectoryAPI
        public let crypto: any TokenCrypto
        public let clock: any WallClock

        public init(
            directory: any TaskDirectory, accounts: any UserAccounts, writer: any AccountProlongations, grants: any ProlongationGrants,
            fusionDirectory: any FusionDirectoryAPI, crypto: any TokenCrypto, clock: any WallClock
        ) {
            self.directory = directory
            self.accounts = accounts
            self.writer = writer
            self.grants = grants
            self.fusionDirectory = fusionDirectory
            self.crypto = crypto
            self.clock = clock
        }
    }

    /// What the page says.
    public enum Page: Sendable, Equatable {
        /// GET of a usable link: what confirming would do.
        case confirm(user: String, newEnd: CalendarDate)
        case prolonged(user: String, newEnd: CalendarDate, note: String?)
        /// Unknown, used, expired, or not applicable; the HTTP status to answer with.
        case refused(status: Int, reason: String)
    }

    private let deps: Dependencies

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func preview(token: String) async -> Page {
        do {
            guard let grant = try await deps.grants.grant(tokenHash: deps.crypto.storageHash(of: token)) else { return Self.unknown }
            if let refusal = Self.unusable(grant, now: deps.clock.now()) { return refusal }
            switch try await prolongation(for: grant) {
            case .success(let change): return .confirm(user: grant.userDN, newEnd: change.newEnd)
            case .failure(let refusal): return .refused(status: 409, reason: refusal.reason)
            }
        } catch {
            return .refused(status: 503, reason: "the service cannot check the link right now; try again later")
        }
    }

    public func confirm(token: String) async -> Page {
        let hash = deps.crypto.storageHash(of: token)
        let grant: ProlongationGrant
        do {
            guard let redeemed = try await deps.grants.redeem(tokenHash: hash, now: deps.clock.now()) else {
                guard let known = try await deps.grants.grant(tokenHash: hash) else { return Self.unknown }
                return Self.unusable(known, now: deps.clock.now()) ?? .refused(status: 409, reason: "this link was just used")
            }
            grant = redeemed
        } catch {
            return .refused(status: 503, reason: "the service cannot check the link right now; try again later")
        }
        do {
            switch try await prolongation(for: grant) {
            case .failure(let refusal):
                try? await deps.grants.release(tokenHash: hash)
                return .refused(status: 409, reason: refusal.reason)
            case .success(let change):
                guard try await deps.writer.apply(change, to: grant.userDN) else {
                    try? await deps.grants.release(tokenHash: hash)
                    return .refused(status: 409, reason: "the account changed since the reminder; nothing was done")
                }
                do {
                    try await deps.fusionDirectory.refreshUser(dn: grant.userDN)
                    return .prolonged(user: grant.userDN, newEnd: change.newEnd, note: nil)
                } catch {
                    return .prolonged(user: grant.userDN, newEnd: change.newEnd, note: "FusionDirectory was not refreshed: \(error.summary)")
                }
            }
        } catch {
            try? await deps.grants.release(tokenHash: hash)
            return .refused(status: 503, reason: "the directory cannot be reached right now; nothing was done, try again later")
        }
    }

    static let unknown = Page.refused(status: 404, reason: "this link is not valid")

    static func unusable(_ grant: ProlongationGrant, now: Date) -> Page? {
        if grant.usedAt != nil { return .refused(status: 410, reason: "this link was already used") }
        if grant.expiresAt <= now { return .refused(status: 410, reason: "this link has expired") }
        return nil
    }

    func prolongation(for grant: ProlongationGrant) async throws -> Result<AccountProlongation, ProlongationRefusal> {
        let task = try await deps.directory.mainTasks(kind: .reminder).first { task in
            task.distinguishedName != nil && task.distinguishedName == (try? DistinguishedName(parsing: grant.taskDN))
        }
        guard let task, case .reminder(let settings) = task.settings else { return .failure(.init("the reminder task does not exist any more")) }
        guard let account = try await deps.accounts.reminderAccount(at: grant.userDN) else { return .failure(.init("the account does not exist any more")) }
        return ProlongationRule.prolongation(settings: settings, account: account)
    }
}
