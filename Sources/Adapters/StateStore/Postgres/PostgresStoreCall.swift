import Application
import PostgresNIO

/// How the PostgreSQL adapters report failures: a short `StoreError`, never SQL or server text.
enum PostgresStoreCall {
    /// Runs one store call within `timeout` (STORE_TIMEOUT_SECONDS): a database that is down or
    /// does not answer costs that bound, then a 503, never a hang.
    static func run<T: Sendable>(_ what: String, timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw StoreError.unavailable("\(what): no answer within \(timeout)")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw StoreError.failed(what) }
                return first
            }
        } catch {
            throw storeError(error, what)
        }
    }
    static func storeError(_ error: any Error, _ what: String) -> any Error {
        switch error {
        case let error as StoreError:
            return error
        case is CancellationError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError {
                return storeError(inner, what)
            }
            return StoreError.failed(what)
        case let error as PSQLError:
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return StoreError.failed(what + state)
            case .messageDecodingFailure, .unexpectedBackendMessage, .invalidCommandTag, .tooManyParameters:
                return StoreError.failed(what)
            default:
                return StoreError.unavailable("\(what): \(error.code)")
            }
        default:
            return StoreError.failed(what)
        }
    }
}
