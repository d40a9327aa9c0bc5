@testable import SMTPAdapter
@testable import Bootstrap
import Application
import Foundation
import Testing

extension LiveServices {
    /// The libcurl SMTP adapter against the real aiosmtpd sink; the received MIME is parsed back.
    @Suite struct CurlMailTransportTests {
        let services = TestServices.shared

        func settings(_ security: SMTPSettings.Security = .none, authenticate: Bool = false) throws -> SMTPSettings {
            let port: String
            switch security {
            case .none, .opportunisticStartTLS: port = try services.require("ORCH_TEST_SMTP_PORT", for: "the SMTP sink")
            case .startTLS: port = try services.require("ORCH_TEST_SMTP_STARTTLS_PORT", for: "the SMTP sink")
            case .implicitTLS: port = try services.require("ORCH_TEST_SMTP_TLS_PORT", for: "the SMTP sink")
            }
            return SMTPSettings(
                host: security == .none || security == .opportunisticStartTLS ? try services.require("ORCH_TEST_SMTP_HOST", for: "the SMTP sink") : "localhost",
                port: Int(port)!, security: security, verifyCertificates: security != .opportunisticStartTLS,
                caFile: security == .none || security == .opportunisticStartTLS ? nil : try services.require("ORCH_TEST_SMTP_CA", for: "the SMTP sink"),
                user: authenticate ? try services.require("ORCH_TEST_SMTP_USER", for: "the SMTP sink") : nil,
                password: authenticate ? try services.require("ORCH_TEST_SMTP_PASS", for: "the SMTP sink") : nil,
                connectTimeout: .seconds(5), messageTimeout: .seconds(20)
            )
        }

        func mail(to recipient: String, id: String = UUID().uuidString) -> OutgoingMail {
            OutgoingMail(
                from: "orchestrator@example.org", recipient: recipient, bcc: ["audit@example.org"],
                subject: "Réunion d'équipe — ordre du jour", body: "Bonjour,\nligne deux\n\n-- \nSignature",
                readReceiptTo: "orchestrator@example.org",
                attachments: [.init(fileName: "charter.txt", contentType: "text/plain", content: Array("charte\n".utf8))],
                messageID: "\(id)@orchestrator.test", date: Date(timeIntervalSince1970: 1_795_345_828)
            )
        }

        @Test func aMessageArrivesWithItsHeadersAndParts() async throws {
            let sink = try SMTPSink(services: services)
            let recipient = "alice-\(UUID().uuidString.prefix(8))@example.org"
            try await CurlMailTransport(settings: settings()).send(mail(to: recipient, id: "fixed-id"))
            let message = try #require(try sink.messages(to: recipient).first)
            #expect(message.envelopeTo.sorted() == ["audit@example.org", recipient].sorted())
            #expect(message.header("To") == "<\(recipient)>")
            #expect(message.header("From") == "<orchestrator@example.org>")
            #expect(message.header("Bcc") == nil)
            #expect(message.header("Message-ID") == "<fixed-id@orchestrator.test>")
            #expect(message.header("Disposition-Notification-To") == "<orchestrator@example.org>")
            #expect(message.header("Date") == "Sun, 22 Nov 2026 11:10:28 +0000")
            #expect(message.decodedSubject == "Réunion d'équipe — ordre du jour")
            #expect(message.raw.contains("Content-Type: multipart/mixed"))
            #expect(message.raw.contains("filename=\"charter.txt\""))
        }

        @Test func oneConnectionServesConsecutiveMessages() async throws {
            let transport = CurlMailTransport(settings: try settings())
            for index in 0..<5 { try await transport.send(mail(to: "reuse-\(index)@example.org")) }
            #expect(await transport.connectionsOpened() == 1)
        }

        @Test func startTLSAndImplicitTLSWithAuthenticationDeliver() async throws {
            let sink = try SMTPSink(services: services)
            for security in [SMTPSettings.Security.startTLS, .implicitTLS] {
                let recipient = "tls-\(UUID().uuidString.prefix(8))@example.org"
                try await CurlMailTransport(settings: settings(security, authenticate: true)).send(mail(to: recipient))
                #expect(try sink.messages(to: recipient).count == 1, "\(security)")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func refusedCredentialsAreAnAuthenticationErrorNotARefusalOfTheMessage() async throws {
            var wrong = try settings(.startTLS, authenticate: true)
            wrong.password = "not-the-password"
            let recipient = "auth-\(UUID().uuidString.prefix(8))@example.org"
            await #expect { try await CurlMailTransport(settings: wrong).send(mail(to: recipient)) } throws: { error in
                guard case .authentication(let text) = error as? MailError else { return false }
                return text.hasPrefix("535")
            }
            #expect(try SMTPSink(services: services).messages(to: recipient).isEmpty)
        }

        /// PHP's meaning of the sample config (MAIL_SEC="tls", MAIL_SEC_VERIFY="FALSE") and of the
        /// upstream placeholder: a relay without STARTTLS gets the mail in plain text, one with
        /// STARTTLS and an unverifiable (self-signed) certificate gets it over TLS.
        @Test(.timeLimit(.minutes(1)), arguments: [["MAIL_SEC": "tls", "MAIL_SEC_VERIFY": "FALSE"], ["MAIL_SEC": "<ssl/tls>"]])
        func phpMailSettingsDeliverOpportunistically(changes: [String: String]) async throws {
            let sink = try SMTPSink(services: services)
            let plain = try Composition.smtpSettings(services.settings(changes))
            #expect(plain.security == .opportunisticStartTLS && !plain.verifyCertificates)
            let recipient = "php-\(UUID().uuidString.prefix(8))@example.org"
            try await CurlMailTransport(settings: plain).send(mail(to: recipient))
            #expect(try sink.messages(to: recipient).count == 1)

            let offered = try Composition.smtpSettings(services.settings(changes.merging([
                "MAIL_HOST": "localhost", "MAIL_PORT": try services.require("ORCH_TEST_SMTP_STARTTLS_PORT", for: "the SMTP sink"),
                "MAIL_AUTH": "TRUE", "MAIL_USER": try services.require("ORCH_TEST_SMTP_USER", for: "the SMTP sink"),
                "MAIL_PASS": try services.require("ORCH_TEST_SMTP_PASS", for: "the SMTP sink"),
            ]) { $1 }))
            let overTLS = "php-tls-\(UUID().uuidString.prefix(8))@example.org"
            try await CurlMailTransport(settings: offered).send(mail(to: overTLS))
            #expect(try sink.messages(to: overTLS).count == 1)
        }

        @Test func strictStartTLSStillRefusesARelayWithoutIt() async throws {
            var strict = try settings(.none)
            strict.security = .startTLS
            await #expect(throws: MailError.self) { try await CurlMailTransport(settings: strict).send(mail(to: "strict@example.org")) }
        }

        @Test func aPermanentRejectionCarriesTheServerReply() async throws {
            await #expect(throws: MailError.rejected("550 5.1.1 <reject550-x@example.org>: user unknown")) {
                try await CurlMailTransport(settings: settings()).send(mail(to: "reject550-x@example.org"))
            }
        }

        @Test func aTemporaryFailureIsTransient() async throws {
            await #expect {
                try await CurlMailTransport(settings: settings()).send(mail(to: "defer451-x@example.org"))
            } throws: { error in
                guard let error = error as? MailError, case .deferred(let text) = error else { return false }
                return error.isTransient && text.hasPrefix("451")
            }
        }

        @Test func anUnreachableServerIsAConnectionFailure() async throws {
            await #expect {
                try await CurlMailTransport(settings: SMTPSettings(host: "127.0.0.1", port: 1, connectTimeout: .seconds(2))).send(mail(to: "x@example.org"))
            } throws: { error in
                guard let error = error as? MailError, case .connection = error else { return false }
                return true
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func aConnectionClosedAfterTheDataLeavesTheOutcomeUnknown() async throws {
            let sink = try SMTPSink(services: services)
            let transport = CurlMailTransport(settings: try settings())
            let recipient = "dropped-\(UUID().uuidString.prefix(8))@example.org"
            try services.setSinkMode("drop-after-data")
            defer { try? services.setSinkMode("accept") }
            await #expect {
                try await transport.send(mail(to: recipient))
            } throws: { error in
                guard let error = error as? MailError, case .outcomeUnknown = error else { return false }
                return !error.isTransient && error.mayHaveBeenDelivered && error.summary.hasPrefix("no reply after the message data: ")
            }
            #expect(try sink.messages(to: recipient).count == 1)

            // The same transport opens a new connection and delivers the next message.
            try services.setSinkMode("accept")
            let next = "after-drop-\(UUID().uuidString.prefix(8))@example.org"
            try await transport.send(mail(to: next))
            #expect(try sink.messages(to: next).count == 1)
            #expect(await transport.connectionsOpened() == 2)
        }

        @Test(.timeLimit(.minutes(1)))
        func noReplyToTheDataBeforeTheTimeoutLeavesTheOutcomeUnknown() async throws {
            let sink = try SMTPSink(services: services)
            var slow = try settings()
            slow.messageTimeout = .milliseconds(1500)
            let transport = CurlMailTransport(settings: slow)
            // A message first, so the failure comes on a reused connection.
            try await transport.send(mail(to: "before-timeout@example.org"))
            let recipient = "timeout-\(UUID().uuidString.prefix(8))@example.org"
            try services.setSinkMode("delay:5000")
            defer { try? services.setSinkMode("accept") }
            let started = ContinuousClock.now
            await #expect {
                try await transport.send(mail(to: recipient))
            } throws: { error in
                guard let error = error as? MailError, case .outcomeUnknown = error else { return false }
                return true
            }
            #expect(try sink.messages(to: recipient).count == 1)

            // The next message goes out on a new connection without waiting for the late reply.
            try services.setSinkMode("accept")
            try await transport.send(mail(to: "after-timeout@example.org"))
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(await transport.connectionsOpened() == 2)
        }

        @Test(.timeLimit(.minutes(1)))
        func aFailureBeforeTheDataOnAReusedConnectionIsNotAnUnknownOutcome() async throws {
            let transport = CurlMailTransport(settings: try settings())
            try await transport.send(mail(to: "before-defer@example.org"))
            await #expect {
                try await transport.send(mail(to: "defer451-reused@example.org"))
            } throws: { error in
                guard let error = error as? MailError, case .deferred = error else { return false }
                return error.isTransient && !error.mayHaveBeenDelivered
            }
        }

        @Test func aBodyNeedingEscapesArrivesIntactAndNoLineStartsWithADot() async throws {
            let sink = try SMTPSink(services: services)
            let recipient = "qp-\(UUID().uuidString.prefix(8))@example.org"
            let body = ".leading dot\n..two\n.\ntrailing space \nequals = sign, tab\there\n"
                + String(repeating: "é", count: 60) + "\n" + String(repeating: "x", count: 75) + ".\nend"
            var message = mail(to: recipient)
            message.body = body
            message.attachments = []
            try await CurlMailTransport(settings: settings()).send(message)
            let received = try #require(try sink.messages(to: recipient).first)
            let content = received.raw.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            #expect(!content.components(separatedBy: "\r\n").contains { $0.hasPrefix(".") || $0.utf8.count > 76 })
            let text = try #require(MIMEParts(received).parts.first { $0.contentType.hasPrefix("text/plain") })
            #expect(text.headers["content-transfer-encoding"] == "quoted-printable")
            // MIMEParts reads the message with LF line ends.
            #expect(String(decoding: text.decoded, as: UTF8.self) == body)
        }

        @Test(arguments: ["", "no-at-sign", "a b@example.org", "x@example.org>\r\nRCPT TO:<evil@example.org", "a@b", "<a@example.org>"])
        func invalidAddressesAreRefusedBeforeAnythingIsSent(address: String) async throws {
            await #expect(throws: MailError.invalidAddress(address)) {
                try await CurlMailTransport(settings: settings()).send(mail(to: address))
            }
        }
    }
}
