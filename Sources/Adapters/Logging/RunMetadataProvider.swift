import Application
import Logging

extension Logger.MetadataProvider {
    /// `operation` and `run_id` of the run the logging task belongs to (nothing outside runs).
    public static let runContext = Logger.MetadataProvider {
        guard let context = RunLogContext.current else { return [:] }
        var metadata: Logger.Metadata = ["operation": .string(context.operation)]
        if let runID = context.runID { metadata["run_id"] = .string(runID) }
        return metadata
    }
}
