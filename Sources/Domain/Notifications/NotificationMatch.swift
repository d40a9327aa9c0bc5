import Foundation

/// Which monitored attributes one user's audit events changed (spec §8.3 c–e, bug §10 #37 fixed).
///
/// - `modify` events carry one JSON object of the changed attributes: its keys are the changes.
/// - `create` events list attribute names, one per value: each is a change (PHP ignored them).
/// - Names are compared case-insensitively (LDAP attribute names are), and each monitored
///   attribute is listed once per user, spelled as the task lists it, in the task's order.
/// - The SupAnn trigger (`{R}S` or `{R}S:SUB`) matches when that exact text is one of the values
///   inside a `modify` event; it adds `supannRessourceEtat` to the list.
public enum NotificationMatch {
    public static func changedAttributes(settings: NotificationsSettings, events: [AuditEvent]) -> [String] {
        var changed = Set<String>()
        var values = Set<String>()
        for event in events {
            switch event.action?.lowercased() {
            case "modify":
                for raw in event.attributes {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: [.fragmentsAllowed]) as? [String: Any] else { continue }
                    for (name, value) in object {
                        changed.insert(name.lowercased())
                        collectScalars(value, into: &values)
                    }
                }
            case "create":
                for name in event.attributes { changed.insert(name.trimmingCharacters(in: .whitespaces).lowercased()) }
            default:
                continue
            }
        }
        var seen = Set<String>()
        var matched: [String] = []
        for name in settings.monitoredAttributes where changed.contains(name.lowercased()) && seen.insert(name.lowercased()).inserted {
            matched.append(name)
        }
        if let trigger = settings.trigger.resourceState, values.contains(trigger.description),
           seen.insert("supannressourceetat").inserted {
            matched.append("supannRessourceEtat")
        }
        return matched
    }

    private static func collectScalars(_ value: Any, into values: inout Set<String>) {
        switch value {
        case let text as String: values.insert(text)
        case let list as [Any]: for element in list { collectScalars(element, into: &values) }
        case let object as [String: Any]: for element in object.values { collectScalars(element, into: &values) }
        default: break
        }
    }
}

/// One user's line in a notification digest.
public struct NotificationLine: Sendable, Equatable {
    public let userDN: String
    public let attributes: [String]

    public init(userDN: String, attributes: [String]) {
        self.userDN = userDN
        self.attributes = attributes
    }

    /// `<user DN> attrs=[a, b]` (spec §8.3 g).
    public var text: String { "\(userDN) attrs=[\(attributes.joined(separator: ", "))]" }
}

/// The digest a main task's recipients receive: the template body, then one line per user, then
/// the signature, as PHP wrote it (spec §8.3: body + `" "` + the lines, each after a newline).
public enum NotificationDigest {
    public static func body(template: MailTemplate, lines: [NotificationLine]) -> String {
        var seen = Set<String>()
        let unique = lines.map(\.text).filter { seen.insert($0).inserted }
        var text = template.body + " " + unique.map { "\n" + $0 }.joined(separator: " ")
        if let signature = template.signature { text += "\n\n" + signature }
        return text
    }
}
