import Application
import Domain
import Foundation
import Hummingbird

/// `GET /api/prolongation?token=…` shows what confirming would do and changes nothing (mail link
/// scanners open every URL); `POST /api/prolongation` (form field `token`) prolongs the account.
/// Small HTML pages, no authentication but the single-use token (PROLONGATION_MODE=orchestrator).
public struct ProlongationRoutes: Sendable {
    private let prolongation: ProlongAccount

    public init(prolongation: ProlongAccount) {
        self.prolongation = prolongation
    }

    public func register(on router: APIRouter) {
        for prefix in router.prefixes.paths {
            router.router.get(RouterPath(prefix + "/prolongation")) { request, _ in
                let token = request.uri.queryParameters.get("token") ?? ""
                return Self.page(Self.isWellFormed(token) ? await prolongation.preview(token: token) : Self.malformed, token: token)
            }
            router.router.post(RouterPath(prefix + "/prolongation")) { request, _ in
                let body = try await request.body.collect(upTo: 4_096)
                let token = URLEncodedForm.fields(String(buffer: body))?["token"] ?? ""
                return Self.page(Self.isWellFormed(token) ? await prolongation.confirm(token: token) : Self.malformed, token: token)
            }
        }
        router.rejectMethods(on: "/prolongation", allowing: [.get, .post])
    }

    static let malformed = ProlongAccount.Page.refused(status: 400, reason: "this link is not valid")

    /// The service's tokens: 43 base64url characters.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    static func page(_ page: ProlongAccount.Page, token: String) -> Response {
        let (status, title, text, form): (HTTPResponse.Status, String, String, Bool) = switch page {
        case .confirm(let user, let end):
            (.ok, "Prolong your account", "Confirm to prolong the account \(user) until \(end).", true)
        case .prolonged(let user, let end, let note):
            (.ok, "Account prolonged", "The account \(user) is prolonged until \(end)." + (note.map { " (\($0))" } ?? ""), false)
        case .refused(let code, let reason):
            (HTTPResponse.Status(code: code), "Not possible", reason.prefix(1).uppercased() + reason.dropFirst() + ".", false)
        }
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>\(escape(title))</title></head><body><h1>\(escape(title))</h1><p>\(escape(text))</p>"
        if form {
            html += "<form method=\"post\"><input type=\"hidden\" name=\"token\" value=\"\(escape(token))\"><button type=\"submit\">Prolong my account</button></form>"
        }
        html += "</body></html>\n"
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("Referrer-Policy")!: "no-referrer"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
