import Foundation
import Hummingbird

/// Reads a small JSON object body; nil when the body is not a JSON object.
enum JSONRequest {
    static func object(_ request: Request, context: AppRequestContext) async throws -> [String: Any]? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any]
    }
}
