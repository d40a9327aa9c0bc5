import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One HTTP exchange's answer.
struct Answer: Sendable {
    let status: Int
    let body: Data
    let location: String?

    /// `{"error":{"code","message"}}` (this service) or `{"message"}` (the PHP one).
    var error: (code: String?, message: String?) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return (nil, nil) }
        if let error = object["error"] as? [String: Any] { return (error["code"] as? String, error["message"] as? String) }
        return (nil, object["message"] as? String)
    }
}

/// The HTTP side of the client: one AsyncHTTPClient for the invocation, TLS and proxy as
/// configured, redirects never followed (a bearer token must not travel to another address).
final class ServerConnection: Sendable {
    private let http: HTTPClient
    let base: APIBase
    let timeoutSeconds: Int
    private let trace: @Sendable (String) -> Void

    /// Answers larger than this are not the orchestrator's.
    static let maximumBody = 256 << 20

    init(settings: ClientSettings, trace: @escaping @Sendable (String) -> Void) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            // Read now: a bad file is a configuration error (2), not an unreachable server (4).
            do {
                _ = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw ClientFailure.configuration("--cacert \(caFile): cannot read PEM certificates from it")
            }
            tls.additionalTrustRoots = [.file(caFile)]
        }
        if settings.insecure { tls.certificateVerification = .none }
        let timeout = TimeAmount.seconds(Int64(settings.timeoutSeconds))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout, write: timeout)
        )
        // A refused connection or certificate fails at once rather than being retried until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let proxy = settings.proxy {
            let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        base = settings.api
        timeoutSeconds = settings.timeoutSeconds
        self.trace = trace
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// One exchange; a transport failure (refused, DNS, TLS, timeout) is `ClientFailure` 4.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: [String: String]? = nil, bearer: String? = nil) async throws -> Answer {
        var url = base.url(path)
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.queryEncode($0.0))=\(Self.queryEncode($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "fusiondirectory-orchestrator-client")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
            request.body = .bytes(ByteBuffer(bytes: Array(data)))
        } else if method == .PATCH || method == .POST {
            // The PHP client sent this header with no body; the service ignores the body of a run.
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let started = ContinuousClock.now
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
            let body = try await response.body.collect(upTo: Self.maximumBody)
            let answer = Answer(status: Int(response.status.code), body: Data(body.readableBytesView), location: response.headers.first(name: "Location"))
            trace("\(method.rawValue) \(url) → \(answer.status) in \(Self.milliseconds(since: started)) ms")
            return answer
        } catch {
            trace("\(method.rawValue) \(url) → \(error) after \(Self.milliseconds(since: started)) ms")
            throw ClientFailure(status: .unreachable, code: "client.unreachable", message: "\(base): \(describe(error))")
        }
    }

    private func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return "no answer within \(timeoutSeconds) s (--timeout)" }
            if error == .connectTimeout { return "could not connect within \(timeoutSeconds) s (--timeout)" }
            if error == .remoteConnectionClosed { return "the server closed the connection before answering" }
        }
        if let error = error as? NIOSSLError { return "TLS failed: \(error) (see --cacert)" }
        if let error = error as? BoringSSLError { return "TLS failed: \(error) (see --cacert)" }
        if let error = error as? NIOSSLExtraError { return "TLS failed: \(error) (see --cacert)" }
        let text = String(describing: error)
        if text.contains("connection refused") || text.contains("Connection refused") { return "connection refused (is the service running?)" }
        return "cannot reach the server: \(text)"
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    static func queryEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func pathSegment(_ text: String) -> String { queryEncode(text) }
}
