import Application
import Logging

/// Progress of long runs as info lines tagged with the operation and the run id.
public struct LoggingRunProgressLog: RunProgressLog {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func progress(_ operation: String, runID: String, _ message: String) {
        logger.info("\(message)", metadata: ["operation": .string(operation), "run_id": .string(runID)])
    }
}
