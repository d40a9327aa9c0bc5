/// The `FusionDirectoryAPI` of a service without FUSION_DIRECTORY_API_URL: every call fails
/// with `.notConfigured` at once, and nothing is sent anywhere.
public struct UnconfiguredFusionDirectoryAPI: FusionDirectoryAPI {
    public init() {}

    public func refreshUser(dn: String) async throws(FusionDirectoryError) { throw .notConfigured }

    public func activateTask(dn: String) async throws(FusionDirectoryError) { throw .notConfigured }
}
