import Domain
import Foundation
import Testing

@Suite struct NotificationMatchTests {
    static func event(_ action: String, _ attributes: [String]) -> AuditEvent {
        AuditEvent(entry: DirectoryEntry(dn: "fdAuditId=1,ou=audit", stringAttributes: [
            "fdAuditDateTime": ["20261120090512.5Z"], "fdAuditAction": [action], "fdAuditObject": ["uid=u,dc=x"], "fdAuditAttributes": attributes,
        ]))
    }

    static let settings = NotificationsSettings(
        attributes: ["mail", "supannRessourceEtat", "telephoneNumber"],
        trigger: .state(try! SupannResourceState(resource: "COMPTE", state: SupannState("S"), subState: "SupannVerrouille"))
    )

    @Test func modifyKeysAndCreateNamesMatchCaseInsensitivelyOncePerUserInTheTasksOrder() {
        let events = [
            Self.event("modify", [#"{"TelephoneNumber":["+33"],"MAIL":"a@b"}"#]),
            Self.event("modify", [#"{"mail":"c@d"}"#]),
            Self.event("create", ["objectClass", "mail", "cn"]),
            Self.event("remove", ["supannRessourceEtat"]),
        ]
        #expect(NotificationMatch.changedAttributes(settings: Self.settings, events: events) == ["mail", "telephoneNumber"])
    }

    @Test func theSupannTriggerMatchesAValueInsideAModifyEvent() {
        let settings = NotificationsSettings(attributes: ["None"], trigger: Self.settings.trigger)
        let locked = Self.event("modify", [#"{"supannRessourceEtatDate":["{COMPTE}S:SupannVerrouille:20261120:"],"supannRessourceEtat":{"1":"{COMPTE}S:SupannVerrouille"}}"#])
        #expect(NotificationMatch.changedAttributes(settings: settings, events: [locked]) == ["supannRessourceEtat"])
        let active = Self.event("modify", [#"{"supannRessourceEtat":["{COMPTE}A:SupannActif"]}"#])
        #expect(NotificationMatch.changedAttributes(settings: settings, events: [active]).isEmpty)
    }

    @Test func noneAsTriggerAndUnreadableJSONMatchNothing() {
        let settings = NotificationsSettings(attributes: ["mail"], trigger: .none)
        #expect(NotificationMatch.changedAttributes(settings: settings, events: [Self.event("modify", ["{not json"]), Self.event("security", [])]).isEmpty)
    }

    @Test func theDigestIsTheBodyThenOneLinePerUserThenTheSignatureAsPHPWroteIt() {
        let template = MailTemplate(cn: "notify", subject: "s", body: "Hello,\n\nThe following monitored accounts were modified:", signature: "--\nFusionDirectory notifications", readReceipt: false, attachments: [])
        let line = NotificationLine(userDN: "uid=efaure,ou=people,dc=example,dc=org", attributes: ["mail", "supannRessourceEtat"])
        #expect(NotificationDigest.body(template: template, lines: [line, line]) ==
            "Hello,\n\nThe following monitored accounts were modified: \nuid=efaure,ou=people,dc=example,dc=org attrs=[mail, supannRessourceEtat]\n\n--\nFusionDirectory notifications")
    }
}
