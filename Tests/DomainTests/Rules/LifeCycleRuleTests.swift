import Testing
@testable import Domain

@Suite("Life Cycle rule")
struct LifeCycleRuleTests {
    static func rule(pre: String = "{COMPTE}A:SupannActif", post: String = "{COMPTE}I:SupannExpire", days: Int = 30) throws -> LifeCycleRule {
        LifeCycleRule(pre: try Fixtures.state(pre), post: try Fixtures.state(post), postEndDays: days)
    }

    @Test func expiredAccountMovesToThePostStateWithTheEndDateExtended() throws {
        let decision = try Self.rule().decide(
            values: ["{MAIL}A:SupannActif::", "{COMPTE}A:SupannActif:20250901:20261031"],
            today: Fixtures.date("20261122")
        )
        guard case let .rewrite(newValues, changed) = decision else {
            Issue.record("expected a rewrite, got \(decision)")
            return
        }
        #expect(changed == 1)
        #expect(newValues.map(\.ldapValue) == ["{MAIL}A:SupannActif::", "{COMPTE}I:SupannExpire:20261031:20261130"])
    }

    @Test func endDateOfTodayIsDue() throws {
        let decision = try Self.rule().decide(values: ["{COMPTE}A:SupannActif:20250901:20261031"], today: Fixtures.date("20261031"))
        #expect(decision == .rewrite(newValues: [try SupannResourceStateDate(parsing: "{COMPTE}I:SupannExpire:20261031:20261130")], changed: 0))
    }

    @Test(arguments: [
        ["{COMPTE}A:SupannActif:20250901:20261101"],  // ends tomorrow
        ["{COMPTE}A:SupannSursis:20250901:20261001"], // other sub-state
        ["{COMPTE}I:SupannActif:20250901:20261001"],  // other state
        ["{MAIL}A:SupannActif:20250901:20261001"],    // other resource
        ["{compte}A:SupannActif:20250901:20261001"],  // exact comparison, as FD writes keys verbatim
        [],
        ["garbage"],
    ])
    func nothingToDoWhenNoValueMatchesTheExpiredPreState(values: [String]) throws {
        #expect(try Self.rule().decide(values: values, today: Fixtures.date("20261031")) == .noChangeNeeded)
    }

    @Test(arguments: [
        "{COMPTE}A:SupannActif:20250901:",          // in the pre-state, no end date
        "{COMPTE}A:SupannActif:20250901:20261399",  // an end that is not a date
    ])
    func aPreStateValueWhoseEndCannotBeKnownIsAFailureReason(value: String) throws {
        let decision = try Self.rule().decide(values: [value, "{MAIL}A:::"], today: Fixtures.date("20261031"))
        guard case .cannotApply = decision else {
            Issue.record("expected cannotApply, got \(decision)")
            return
        }
    }

    @Test func preStateWithoutSubStateMatchesAnySubState() throws {
        let decision = try Self.rule(pre: "{COMPTE}A").decide(values: ["{COMPTE}A:SupannSursis:20250901:20261001"], today: Fixtures.date("20261031"))
        #expect(decision == .rewrite(newValues: [try SupannResourceStateDate(parsing: "{COMPTE}I:SupannExpire:20261001:20261031")], changed: 0))
    }

    @Test func postWithoutSubStateWritesAnEmptyField() throws {
        let decision = try Self.rule(post: "{COMPTE}I", days: 0).decide(values: ["{COMPTE}A:SupannActif:20250901:20261001"], today: Fixtures.date("20261031"))
        guard case let .rewrite(newValues, _) = decision else {
            Issue.record("expected a rewrite")
            return
        }
        #expect(newValues.map(\.ldapValue) == ["{COMPTE}I::20261001:20261001"])
    }

    @Test func resourceKeysWithHyphensWork() throws {
        let decision = try Self.rule(pre: "{WIFI-EDU}A", post: "{WIFI-EDU}I", days: 7)
            .decide(values: ["{WIFI-EDU}A::20250101:20251231"], today: Fixtures.date("20260101"))
        #expect(decision == .rewrite(newValues: [try SupannResourceStateDate(parsing: "{WIFI-EDU}I::20251231:20260107")], changed: 0))
    }

    @Test func missingPostResourceIsAFailureReasonNotAnEmptyStatus() throws {
        let decision = try Self.rule(post: "{MAIL}I:SupannExpire").decide(values: ["{COMPTE}A:SupannActif:20250901:20261001"], today: Fixtures.date("20261031"))
        guard case let .cannotApply(reason) = decision else {
            Issue.record("expected cannotApply, got \(decision)")
            return
        }
        #expect(reason.contains("{MAIL}"))
        #expect(SubTaskStatus.failure(reason).ldapValue == reason)
    }

    @Test func postValueWithoutEndDateIsAFailureReasonNotACrash() throws {
        let decision = try Self.rule(post: "{MAIL}I").decide(
            values: ["{MAIL}A:SupannActif::", "{COMPTE}A:SupannActif:20250901:20261001"], today: Fixtures.date("20261031")
        )
        guard case let .cannotApply(reason) = decision else {
            Issue.record("expected cannotApply, got \(decision)")
            return
        }
        #expect(reason.contains("no end date"))
    }

    @Test func unreadableNeighbourValueIsNeverSilentlyDropped() throws {
        let decision = try Self.rule().decide(values: ["{COMPTE}A:SupannActif:20250901:20261001", "{MAIL}A:x:2025:"], today: Fixtures.date("20261031"))
        guard case let .cannotApply(reason) = decision else {
            Issue.record("expected cannotApply, got \(decision)")
            return
        }
        #expect(reason.contains("{MAIL}A:x:2025:"))
    }

    @Test func theExpiredValueItselfIsRewrittenWhenItHasThePostResource() throws {
        let decision = try Self.rule().decide(
            values: ["{COMPTE}S:SupannVerrouille:20240101:20241231", "{COMPTE}A:SupannActif:20250901:20261001"],
            today: Fixtures.date("20261031")
        )
        #expect(decision == .rewrite(newValues: [
            try SupannResourceStateDate(parsing: "{COMPTE}S:SupannVerrouille:20240101:20241231"),
            try SupannResourceStateDate(parsing: "{COMPTE}I:SupannExpire:20261001:20261031"),
        ], changed: 1))
    }

    @Test func otherwiseTheFirstValueWithThePostResourceIsRewritten() throws {
        let decision = try Self.rule(pre: "{MAIL}A", post: "{COMPTE}I:SupannExpire").decide(
            values: ["{MAIL}A::20250901:20261001", "{COMPTE}A:SupannActif:20250901:20261231", "{COMPTE}S::20240101:20241231"],
            today: Fixtures.date("20261031")
        )
        #expect(decision == .rewrite(newValues: [
            try SupannResourceStateDate(parsing: "{MAIL}A::20250901:20261001"),
            try SupannResourceStateDate(parsing: "{COMPTE}I:SupannExpire:20261231:20270130"),
            try SupannResourceStateDate(parsing: "{COMPTE}S::20240101:20241231"),
        ], changed: 1))
    }

    @Test func settingsProvideTheRule() throws {
        let settings = LifeCycleSettings(pre: try Fixtures.state("{COMPTE}A"), post: try Fixtures.state("{COMPTE}I"), postEndDays: 5)
        #expect(settings.rule == LifeCycleRule(pre: try Fixtures.state("{COMPTE}A"), post: try Fixtures.state("{COMPTE}I"), postEndDays: 5))
        #expect(LifeCycleSettings(pre: nil, post: try Fixtures.state("{COMPTE}I")).rule == nil)
    }
}

@Suite("Life Cycle rule in a zone")
struct LifeCycleRuleZoneTests {
    @Test func todayIsTakenInTheDirectoryZone() throws {
        let rule = try LifeCycleRuleTests.rule()
        let values = ["{COMPTE}A:SupannActif:20250901:20261031"]
        // 23:30Z on 10-30 is already 10-31 in Paris.
        let now = try Fixtures.instant("2026-10-30T23:30:00Z")
        #expect(rule.decide(values: values, now: now, in: try Fixtures.utc) == .noChangeNeeded)
        #expect(rule.decide(values: values, now: now, in: try Fixtures.paris) != .noChangeNeeded)
    }
}
