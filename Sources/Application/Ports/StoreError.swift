/// Failures of the service's own state store (PostgreSQL or the embedded one).
public enum StoreError: CodedError, Equatable {
    case unavailable(String)
    case failed(String)

    public var code: String {
        switch self {
        case .unavailable: "store.unavailable"
        case .failed: "store.error"
        }
    }

    public var message: String {
        switch self {
        case .unavailable(let why): "state store unavailable: \(why)"
        case .failed(let why): "state store error: \(why)"
        }
    }
}
