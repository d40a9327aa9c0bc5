import Application
import PostgresNIO

/// How the PostgreSQL adapters report failures: a short `StoreError`, never SQL or server text.
enum PostgresStoreCall {
    @discardableResult
    static func run<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
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
