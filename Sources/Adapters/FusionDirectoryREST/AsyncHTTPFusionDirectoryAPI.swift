import Application
import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// `FusionDirectoryAPI` over AsyncHTTPClient, against FD's rest.php (spec §7 "FD REST client").
///
/// Unlike PHP's WebServiceCall: one session is reused by every call and replaced once when FD
/// answers 401; connecting and every exchange are bounded by `timeout`; TLS certificates are
/// always verified; redirects are not followed (the session token and the password must not
/// travel to another host); FD's status and body are checked. Neither the password nor the
/// token ever appears in an error or a log line.
///
/// It owns its HTTP client: call `shutdown()` when done (Bootstrap does, in the service group).
/// A client left running when the last reference goes is shut down in the background.
public final class AsyncHTTPFusionDirectoryAPI: FusionDirectoryAPI {
    private let settings: FusionDirectoryRESTSettings
    private let client: HTTPClient
    private let logger: Logger
    private let closed = Atomic<Bool>(false)
    private let session: FusionDirectorySession

    /// Answers larger than this are not FD's answer to these calls.
    static let maximumBody = 1 << 20

    public init(settings: FusionDirectoryRESTSettings, logger: Logger = Logger(label: "fusiondirectory-rest")) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile = settings.caFile { tls.additionalTrustRoots = [.file(caFile)] }
        let timeout = TimeAmount.nanoseconds(Int64(settings.timeout / .nanoseconds(1)))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout, write: timeout), decompression: .disabled
        )
        configuration.httpVersion = .http1Only
        // A refused connection or certificate fails the call at once (`.unavailable`, the run
        // retries later) instead of being retried by the pool until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Below Apache's default KeepAliveTimeout (5 s): we drop an idle connection before FD's
        // web server does, rather than sending a call on a connection it is closing.
        configuration.connectionPool.idleTimeout = .seconds(4)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration, backgroundActivityLogger: logger)
        self.settings = settings
        self.client = client
        self.logger = logger
        session = FusionDirectorySession { [settings, logger] in
            await Self.logIn(client: client, settings: settings, logger: logger)
        }
    }

    deinit {
        // Safety net: AsyncHTTPClient traps in debug builds when a running client is released.
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { client.shutdown { _ in } }
    }

    /// Closes the connections; calls made afterwards fail with `.unavailable`.
    public func shutdown() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await client.shutdown()
    }

    public func refreshUser(dn: String) async throws(FusionDirectoryError) {
        try await patch("objects/user/\(rawURLEncode(dn))", body: Array("[]".utf8), call: "refresh_user", what: "refresh of \(dn)")
    }

    public func activateTask(dn: String) async throws(FusionDirectoryError) {
        try await patch("objects/tasks/\(rawURLEncode(dn))", body: Array(#"{"tasks":{"fdSubTasksActivation":"TRUE"}}"#.utf8), call: "activate_task", what: "activation of \(dn)")
    }

    /// One PATCH with the session token; a 401 means the session ended (FD's PHP session
    /// expired, FD restarted): log in again once and repeat, then take the answer as it is.
    private func patch(_ path: String, body: [UInt8], call: String, what: String) async throws(FusionDirectoryError) {
        var token = try await session.current()
        var loggedInAgain = false
        while true {
            let answer = try await Self.exchange(
                client: client, settings: settings, method: .PATCH, path: path, body: body, token: token, call: call, what: what
            )
            if answer.status == 401, !loggedInAgain {
                logger.info("FusionDirectory ended the session, logging in again", metadata: ["call": "\(what)"])
                loggedInAgain = true
                await session.discard(token)
                token = try await session.current()
                continue
            }
            logger.debug("FusionDirectory answered", metadata: ["call": "\(what)", "status": "\(answer.status)"])
            return try Self.check(answer, what: what, secrets: [settings.password, token])
        }
    }

    /// 2xx with a JSON string (the object's DN) is success; the rest becomes a typed failure.
    static func check(_ answer: FusionDirectoryAnswer, what: String, secrets: [String]) throws(FusionDirectoryError) {
        switch answer.status {
        case 200..<300:
            guard answer.jsonString != nil else {
                throw .unexpectedAnswer(redact("\(what): HTTP \(answer.status) with \(FusionDirectoryAnswer.short(String(decoding: answer.body.prefix(200), as: UTF8.self), limit: 120))", secrets))
            }
        case 500..<600:
            throw .unavailable(redact("\(what): HTTP \(answer.status): \(answer.message)", secrets))
        case 300..<400:
            throw .rejected(status: answer.status, message: "\(what): redirected; FUSION_DIRECTORY_API_URL must be the API's final address")
        default:
            throw .rejected(status: answer.status, message: redact(answer.message, secrets))
        }
    }

    /// `POST <url>/login` `{"user","password"}` → the token as a JSON string.
    private static func logIn(client: HTTPClient, settings: FusionDirectoryRESTSettings, logger: Logger) async -> Result<String, FusionDirectoryError> {
        struct Credentials: Encodable { let user: String; let password: String }
        do throws(FusionDirectoryError) {
            let body = (try? JSONEncoder().encode(Credentials(user: settings.login, password: settings.password))).map(Array.init) ?? []
            let answer = try await exchange(client: client, settings: settings, method: .POST, path: "login", body: body, token: nil, call: "login", what: "login")
            let secrets = [settings.password]
            switch answer.status {
            case 200..<300:
                // The body is the token itself: never quote it, even in an error.
                guard let token = answer.jsonString else {
                    throw .unexpectedAnswer("login: HTTP \(answer.status) without a session token (a JSON string)")
                }
                guard isUsableToken(token) else { throw .unexpectedAnswer("login: the session token is not a header value") }
                logger.info("logged in to FusionDirectory", metadata: ["user": "\(settings.login)"])
                return .success(token)
            case 500..<600:
                throw .unavailable(redact("login: HTTP \(answer.status): \(answer.message)", secrets))
            case 300..<400:
                throw .rejected(status: answer.status, message: "login: redirected; FUSION_DIRECTORY_API_URL must be the API's final address")
            default:
                throw .rejected(status: answer.status, message: redact("login as \(settings.login) refused: \(answer.message)", secrets))
            }
        } catch {
            logger.warning("FusionDirectory login failed", metadata: ["error": "\(error.summary)"])
            return .failure(error)
        }
    }

    /// One request and its whole answer, within `settings.timeout` (+200 ms at worst) whatever
    /// happens (a server that accepts and never answers, a body that trickles in).
    private static func exchange(
        client: HTTPClient, settings: FusionDirectoryRESTSettings, method: HTTPMethod, path: String, body: [UInt8], token: String?, call: String,
        what: String
    ) async throws(FusionDirectoryError) -> FusionDirectoryAnswer {
        let started = ContinuousClock.now
        var request = HTTPClientRequest(url: "\(settings.baseURL)/\(path)")
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "fusiondirectory-orchestrator")
        if let token { request.headers.add(name: "session-token", value: token) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let prepared = request
        let timeout = settings.timeout
        let bound = "\(what): no answer from FusionDirectory within \(seconds(timeout)) s"

        let outcome = await withTaskGroup(of: Result<FusionDirectoryAnswer, FusionDirectoryError>?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(prepared, deadline: .now() + TimeAmount.nanoseconds(Int64(timeout / .nanoseconds(1))))
                    let bytes = try await response.body.collect(upTo: maximumBody)
                    return .success(FusionDirectoryAnswer(status: Int(response.status.code), body: Array(buffer: bytes)))
                } catch {
                    return .failure(transportFailure(error, what: what, bound: bound))
                }
            }
            // The backstop, a little after the client's own deadline so that its more precise
            // error (which phase timed out) usually wins.
            group.addTask {
                try? await Task.sleep(for: timeout + .milliseconds(200))
                return Task.isCancelled ? nil : .failure(.unavailable(bound))
            }
            var first: Result<FusionDirectoryAnswer, FusionDirectoryError> = .failure(.unavailable("\(what): cancelled"))
            for await result in group {
                guard let result else { continue }
                first = result
                group.cancelAll()
                break
            }
            return first
        }
        record(call, ok: (try? outcome.get()).map { (200..<300).contains($0.status) } ?? false, since: started)
        return try outcome.get()
    }

    /// How long one call took (2xx: `ok`), on swift-metrics' API directly (a facade like
    /// swift-log: the service's backend records it, tests bootstrap none and stay hermetic).
    private static func record(_ call: String, ok: Bool, since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        CoreMetrics.Timer(label: "orchestrator_fusiondirectory_call_duration_seconds", dimensions: [("call", call), ("result", ok ? "ok" : "error")])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Connection refused, TLS refused, timeouts, a dropped connection: all worth a later retry.
    private static func transportFailure(_ error: any Error, what: String, bound: String) -> FusionDirectoryError {
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout, .writeTimeout].contains(error) { return .unavailable(bound) }
            if error == .alreadyShutdown { return .unavailable("\(what): the HTTP client is shut down") }
            if error == .cancelled { return .unavailable("\(what): cancelled") }
        }
        if error is NIOTooManyBytesError { return .unexpectedAnswer("\(what): answer larger than \(maximumBody) bytes") }
        let short = { (text: String) in FusionDirectoryAnswer.short(text, limit: 300) }
        if let error = error as? NIOSSLError { return .unavailable(short("\(what): TLS: \(error)")) }
        if let error = error as? BoringSSLError { return .unavailable(short("\(what): TLS: \(error)")) }
        return .unavailable(short("\(what): \(String(describing: error))"))
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int64(duration / .milliseconds(1))
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : String(format: "%.3g", Double(milliseconds) / 1000)
    }

    /// Belt and braces: FD's own texts could echo what it was sent.
    static func redact(_ text: String, _ secrets: [String]) -> String {
        secrets.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
