@testable import Application
import Foundation
import Logging
import LoggingAdapter
import Testing

/// Every log line written during a run carries its operation and run id (the service's log
/// handler reads them through `Logger.MetadataProvider.runContext`); lines outside runs do not.
@Suite struct RunLogContextTests {
    @Test func linesWrittenDuringARunCarryItsOperationAndThenItsID() async throws {
        let seen = try await RunLogContext.scope("mail") { () async throws(ServiceError) -> [Logger.Metadata] in
            let before = Logger.MetadataProvider.runContext.get()
            RunLogContext.started("run-42")
            // Child tasks (a run's batches, its heartbeat) inherit the context.
            let child = await Task { Logger.MetadataProvider.runContext.get() }.value
            return [before, Logger.MetadataProvider.runContext.get(), child]
        }
        #expect(seen[0] == ["operation": "mail"])
        #expect(seen[1] == ["operation": "mail", "run_id": "run-42"])
        #expect(seen[2] == seen[1])
        #expect(Logger.MetadataProvider.runContext.get().isEmpty)
    }
}
