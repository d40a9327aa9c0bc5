@testable import LDAPAdapter
import Application
import Domain
import Foundation
import Testing

extension LiveServices {
    /// The LDAP adapter against the real slapd started by the harness.
    @Suite struct LDAPClientTests {
        let services = TestServices.shared

        func client(pageSize: Int = 500, maxConnections: Int = 4, maxWaiting: Int = 256) throws -> LDAPClient {
            LDAPClient(configuration: .init(
                url: try services.ldapURL, bindDN: try services.ldapAdmin, password: try services.ldapPassword,
                maxConnections: maxConnections, connectTimeout: .seconds(3), operationTimeout: .seconds(10),
                checkoutTimeout: .seconds(30), maxWaiting: maxWaiting, pageSize: pageSize
            ))
        }

        var base: String { get throws { try services.ldapBase } }

        @Test func readsTheFusionDirectoryConfigurationEntry() async throws {
            let entry = try await client().read("cn=config,ou=fusiondirectory,\(try base)")
            #expect(entry?.string("fdTimezone") == "Europe/Paris")
            #expect(entry?.strings("objectClass").contains { $0.caseInsensitiveCompare("fdTasksConf") == .orderedSame } == true)
        }

        @Test func readingAMissingEntryGivesNil() async throws {
            #expect(try await client().read("cn=nobody-here,\(try base)") == nil)
        }

        @Test func pagedSearchDeliversEveryEntryInPagesOfAtMostThePageSize() async throws {
            let client = try client(pageSize: 100)
            let container = "ou=paging-\(UUID().uuidString.prefix(8)),\(try base)"
            try await client.add(container, attributes: [("objectClass", ["organizationalUnit"]), ("ou", [String(container.dropFirst(3).prefix(15))])])
            let total = 1_250
            try await withThrowingTaskGroup(of: Void.self) { group in
                for start in stride(from: 0, to: total, by: 250) {
                    group.addTask {
                        for index in start..<(start + 250) {
                            try await client.add("cn=role-\(index),\(container)", attributes: [("objectClass", ["organizationalRole"]), ("cn", ["role-\(index)"])])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let pages = PageLog()
            try await client.forEachPage(base: container, scope: .oneLevel, filter: .objectClass("organizationalRole"), attributes: ["cn"]) { page in
                await pages.record(page.count)
            }
            let sizes = await pages.sizes
            #expect(sizes.reduce(0, +) == total)
            #expect(sizes.count >= 13)
            #expect(sizes.allSatisfy { $0 <= 100 })
            #expect(try await client.search(base: container, scope: .oneLevel, filter: .present("cn")).count == total)

            for index in 0..<total { try await client.delete("cn=role-\(index),\(container)") }
            try await client.delete(container)
        }

        @Test func writesRoundTripAndReportTypedErrors() async throws {
            let client = try client()
            let dn = "cn=roundtrip-\(UUID().uuidString.prefix(8)),ou=tasks,\(try base)"
            let attributes: [(String, [String])] = [
                ("objectClass", ["fdTasksGranular"]), ("cn", [String(dn.dropFirst(3).prefix { $0 != "," })]),
                ("fdTasksGranularMaster", ["cn=none,ou=tasks,\(try base)"]), ("fdTasksGranularType", ["Mail Object"]),
                ("fdTasksGranularSchedule", ["20261102100000"]), ("fdTasksGranularStatus", ["1"]),
                ("fdTasksGranularMail", ["émile@example.org"]),
            ]
            try await client.add(dn, attributes: attributes)
            try await client.modify(dn, [.replace("fdTasksGranularStatus", ["2"]), .add("fdTasksGranularMail", ["b@example.org"])])
            var entry = try #require(try await client.read(dn))
            #expect(entry.strings("fdTasksGranularStatus") == ["2"])
            #expect(Set(entry.strings("fdTasksGranularMail")) == ["émile@example.org", "b@example.org"])

            try await client.modify(dn, [.delete("fdTasksGranularMail", ["b@example.org"])])
            entry = try #require(try await client.read(dn))
            #expect(entry.strings("fdTasksGranularMail") == ["émile@example.org"])

            await #expect(throws: DirectoryError.alreadyExists(dn: dn)) {
                try await client.add(dn, attributes: attributes)
            }
            // fdTasksGranularMaster is single-valued: slapd refuses, nothing is half-written.
            await #expect {
                try await client.modify(dn, [.add("fdTasksGranularMaster", ["cn=other,\(try base)"]), .replace("fdTasksGranularStatus", ["1"])])
            } throws: { error in
                guard case .rejected = error as? DirectoryError else { return false }
                return true
            }
            #expect(try await client.read(dn)?.strings("fdTasksGranularStatus") == ["2"])

            try await client.delete(dn)
            #expect(try await client.read(dn) == nil)
            await #expect(throws: DirectoryError.noSuchObject(dn: dn)) { try await client.delete(dn) }
        }

        @Test func aThousandConcurrentSearchesThroughAPoolOfFourAllSucceed() async throws {
            let client = try client(maxConnections: 4, maxWaiting: 1_000)
            let configDN = "cn=config,ou=fusiondirectory,\(try base)"
            let started = ContinuousClock.now
            let found = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<1_000 {
                    group.addTask { try await client.read(configDN, attributes: ["fdTimezone"])?.string("fdTimezone") == "Europe/Paris" }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(found == 1_000)
            let statistics = await client.poolStatistics()
            #expect(statistics.open <= 4)
            print("1000 concurrent searches through a pool of 4: \(ContinuousClock.now - started)")
        }

        /// Past the queue bound (LDAP_POOL_QUEUE) a caller is refused at once, not after a wait;
        /// those in the queue are all served.
        @Test func callersBeyondTheQueueAreRefusedAtOnceAsBusy() async throws {
            let client = try client(maxConnections: 2, maxWaiting: 10)
            let configDN = "cn=config,ou=fusiondirectory,\(try base)"
            let outcomes = await withTaskGroup(of: Result<Bool, DirectoryError>.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        do throws(DirectoryError) {
                            return .success(try await client.read(configDN, attributes: ["fdTimezone"]) != nil)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: [Result<Bool, DirectoryError>]()) { $0.append($1) }
            }
            let served = outcomes.filter { (try? $0.get()) == true }.count
            let busy = outcomes.filter { if case .failure(.busy) = $0 { true } else { false } }.count
            #expect(served + busy == 200)
            #expect(served >= 12, "the connections and the queue are served")
            #expect(busy > 0, "200 callers on 2 connections and 10 places must overflow")
        }

        @Test func filterInjectionUsernamesMatchNothing() async throws {
            let client = try client()
            let dsaBase = "ou=dsa,\(try base)"
            #expect(try await client.search(base: dsaBase, filter: .present("cn")).count >= 2)
            for hostile in ["*", "orch*", "*)(cn=*", ")(", "\\", "orchestrator)(|(cn=*"] {
                #expect(try await client.search(base: dsaBase, filter: .and([.objectClass("simpleSecurityObject"), .equal("cn", hostile)])).isEmpty, "\(hostile)")
            }
            #expect(try await client.search(base: dsaBase, filter: .equal("cn", "orchestrator")).count == 1)
        }

        @Test func passwordsAreCheckedByTheDirectoryWhateverTheHashScheme() async throws {
            let client = try client()
            let base = try base
            #expect(try await client.verifyPassword(dn: "cn=orchestrator,ou=dsa,\(base)", password: "orchestrator-pass"))
            #expect(try await client.verifyPassword(dn: "cn=cryptdsa,ou=dsa,\(base)", password: "crypt-pass"))
            #expect(try await !client.verifyPassword(dn: "cn=orchestrator,ou=dsa,\(base)", password: "wrong"))
            #expect(try await !client.verifyPassword(dn: "cn=orchestrator,ou=dsa,\(base)", password: ""))
            #expect(try await !client.verifyPassword(dn: "cn=ghost,ou=dsa,\(base)", password: "anything"))
        }

        @Test func anUnreachableServerIsReportedAsUnavailable() async throws {
            let client = LDAPClient(configuration: .init(url: "ldap://127.0.0.1:1", bindDN: "cn=x", password: "y", connectTimeout: .seconds(1)))
            await #expect {
                _ = try await client.read("dc=example,dc=org")
            } throws: { error in
                (error as? DirectoryError)?.isConnectivity == true
            }
        }
    }
}

private actor PageLog {
    var sizes: [Int] = []
    func record(_ size: Int) { sizes.append(size) }
}
