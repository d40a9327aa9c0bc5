import Application
import SQLiteNIO

/// How the SQLite adapters report failures: a short `StoreError`, never SQL or SQLite's text.
enum SQLiteStoreCall {
    static func run<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as SQLiteError {
            switch error.reason {
            case .busy, .busyTimeout, .locked, .cantOpen, .ioError, .full, .readOnly, .notADatabase, .corrupt, .noMemory:
                throw StoreError.unavailable("\(what) (\(error.reason))")
            default:
                throw StoreError.failed("\(what) (\(error.reason))")
            }
        } catch {
            throw StoreError.failed(what)
        }
    }
}
