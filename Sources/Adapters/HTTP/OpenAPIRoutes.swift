import Foundation
import Hummingbird
import NIOCore

/// `GET /api/openapi.json` and `/orchestrator/api/openapi.json` (no authentication): the published
/// HTTP contract, byte for byte `Sources/Adapters/HTTP/Resources/openapi.json`. Other methods answer 405.
public struct OpenAPIRoutes: Sendable {
    private let document: OpenAPIDocument

    public init(document: OpenAPIDocument) {
        self.document = document
    }

    public func register(on router: APIRouter) {
        let bytes = document.bytes
        router.api("/openapi.json", .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"], body: .init(byteBuffer: bytes))
        }
    }
}

/// The OpenAPI document, a SwiftPM resource of this target.
///
/// Found next to the executable (`<package>_HTTPAdapter.resources/`, where `swift build` and the
/// Docker image put it) without `Bundle.module`, which would end the process when the bundle is
/// missing: a copied binary without its resources refuses to start with a clear message instead.
public struct OpenAPIDocument: Sendable {
    public static let resourceBundle = "fusiondirectory-orchestrator_HTTPAdapter.resources"
    public let bytes: ByteBuffer

    public init(bytes: ByteBuffer) {
        self.bytes = bytes
    }

    public static func load() throws -> OpenAPIDocument {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(), executable]
            .map { $0.appendingPathComponent(resourceBundle).appendingPathComponent("openapi.json") }
        for candidate in candidates {
            if let data = FileManager.default.contents(atPath: candidate.path) {
                return OpenAPIDocument(bytes: ByteBuffer(bytes: data))
            }
        }
        throw OpenAPIDocumentMissing(searched: candidates.map(\.path))
    }
}

public struct OpenAPIDocumentMissing: Error, CustomStringConvertible {
    public let searched: [String]
    public var description: String {
        "the OpenAPI document is missing: install \(OpenAPIDocument.resourceBundle) next to the executable (searched \(searched.joined(separator: ", ")))"
    }
}
