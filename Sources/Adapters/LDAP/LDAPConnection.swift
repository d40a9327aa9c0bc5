import AdapterSupport
import CLDAP
import Domain
import Foundation

/// One libldap handle, owned by an actor that runs on its own serial queue.
///
/// libldap handles must not be used by two threads at once and every `_s` call blocks; running
/// the actor on a dedicated queue keeps the blocking off Swift's cooperative pool. All isolated
/// methods are synchronous, so each runs start to finish on that queue.
actor LDAPConnection {
    private let executor: QueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    // Only isolated methods and deinit (which runs last) touch the handle.
    private nonisolated(unsafe) let ld: OpaquePointer
    private let operationTimeout: Duration
    /// Set after an error that leaves the handle unusable; the pool then discards the connection.
    private(set) var isBroken = false

    private let security: LDAPTransportSecurity
    private var tlsStarted = false
    /// ldaps:// (TLS from the first byte).
    private let usesTLS: Bool
    private var readsBuffered = false

    init(url: String, connectTimeout: Duration, operationTimeout: Duration, security: LDAPTransportSecurity = .none) throws(LDAPResultError) {
        var handle: OpaquePointer?
        let rc = ldap_initialize(&handle, url)
        guard rc == LDAP_SUCCESS, let handle else {
            throw LDAPResultError(code: rc, diagnostic: "bad LDAP URL", operation: "initialize")
        }
        ld = handle
        self.operationTimeout = operationTimeout
        executor = QueueExecutor(label: "ldap-connection")
        self.security = security
        usesTLS = url.lowercased().hasPrefix("ldaps:")
        _ = cldap_set_option_int(ld, LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3)
        _ = cldap_set_option_bool(ld, LDAP_OPT_REFERRALS, 0)
        _ = cldap_set_option_bool(ld, LDAP_OPT_RESTART, 1)
        _ = cldap_set_option_timeval(ld, LDAP_OPT_NETWORK_TIMEOUT, connectTimeout.milliseconds)
        _ = cldap_set_option_timeval(ld, LDAP_OPT_TIMEOUT, operationTimeout.milliseconds)
        // Options of this handle, not libldap's global ones: other handles in the process keep
        // theirs. NEWCTX builds the handle's TLS context from them (it reads the CA file now).
        // A throw below still unbinds the handle: deinit runs once every property is set.
        if security.startTLS || security.caFile != nil {
            _ = cldap_set_option_int(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, LDAP_OPT_X_TLS_DEMAND)
            if let caFile = security.caFile {
                let rc = cldap_set_option_string(ld, LDAP_OPT_X_TLS_CACERTFILE, caFile)
                guard rc == LDAP_OPT_SUCCESS else {
                    throw LDAPResultError(code: LDAP_LOCAL_ERROR, diagnostic: "cannot use LDAP_CA_FILE \(caFile)", operation: LDAPResultError.startTLS)
                }
            }
            let rc = cldap_set_option_int(ld, LDAP_OPT_X_TLS_NEWCTX, 0)
            guard rc == LDAP_OPT_SUCCESS else {
                throw LDAPResultError(code: rc, diagnostic: "cannot set up TLS with LDAP_CA_FILE \(security.caFile ?? "(none)")", operation: LDAPResultError.startTLS)
            }
        }
    }

    deinit {
        ldap_unbind_ext_s(ld, nil, nil)
    }

    /// Simple bind (RFC 4513). An empty password is refused here: servers may treat it as an
    /// unauthenticated bind and answer success.
    func bind(dn: String, password: String) throws(LDAPResultError) {
        guard !password.isEmpty else {
            throw LDAPResultError(code: LDAP_INVALID_CREDENTIALS, diagnostic: "empty password", operation: "bind")
        }
        try startTLSIfRequired()
        var bytes = Array(password.utf8)
        let rc = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var credential = berval(bv_len: ber_len_t(buffer.count), bv_val: UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
            return ldap_sasl_bind_s(ld, dn, cldap_sasl_simple(), &credential, nil, nil, nil)
        }
        try check(rc, "bind")
        bufferReads()
    }

    /// Once connected: a read-ahead buffer under libldap's reader, so a page of 500 entries costs
    /// a few dozen read(2) calls instead of 1,500 system calls (see `cldap_add_readahead`).
    /// Plain connections only; TLS has its own buffering.
    private func bufferReads() {
        guard !readsBuffered, !security.startTLS, !usesTLS else { return }
        readsBuffered = cldap_add_readahead(ld, 64 * 1024) == 0
    }

    /// One page of a search. With `pageSize` > 0 the RFC 2696 control is sent and `cursor`
    /// carries the server's cookie to the next call on this same connection.
    func searchPage(
        base: String, scope: LDAPScope, filter: String, attributes: [String],
        pageSize: Int, cursor previous: PageCursor
    ) throws(LDAPResultError) -> (entries: [DirectoryEntry], cursor: PageCursor) {
        var cursor = previous
        var control: UnsafeMutablePointer<LDAPControl>?
        if pageSize > 0 {
            // libldap copies the cookie into the control, so a temporary buffer is enough.
            let cookie = UnsafeMutablePointer<CChar>.allocate(capacity: max(cursor.cookie.count, 1))
            defer { cookie.deallocate() }
            for (index, byte) in cursor.cookie.enumerated() { cookie[index] = CChar(bitPattern: byte) }
            var value = berval(bv_len: ber_len_t(cursor.cookie.count), bv_val: cursor.cookie.isEmpty ? nil : cookie)
            try check(ldap_create_page_control(ld, ber_int_t(pageSize), &value, 1, &control), "search")
        }
        defer { if let control { ldap_control_free(control) } }
        cursor.started = true

        var timeout = timeval(tv_sec: Int(operationTimeout.milliseconds / 1000), tv_usec: Int(operationTimeout.milliseconds % 1000) * 1000)
        let attributeList = CStringArray(attributes)
        let controls = UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>.allocate(capacity: 2)
        controls[0] = control
        controls[1] = nil
        defer { controls.deallocate() }
        var result: OpaquePointer?
        let rc = ldap_search_ext_s(ld, base, scope.raw, filter, attributeList.pointer, 0, control == nil ? nil : controls, nil, &timeout, 0, &result)
        defer { if let result { ldap_msgfree(result) } }
        if rc != LDAP_SUCCESS {
            throw failure(rc, "search", detail: rc == LDAP_NO_SUCH_OBJECT ? base : nil)
        }
        guard let result else { return ([], PageCursor(cookie: [], started: true)) }
        let entries = readEntries(result)
        cursor.cookie = pageSize > 0 ? try nextCookie(result) : []
        return (entries, cursor)
    }

    /// Sends the request for one page of a search (RFC 2696 control with `cookie` when
    /// `pageSize` > 0) and returns its message id at once; `receivePage` waits for the answer.
    /// (It builds the page control as `searchPage` does: a shared generic helper taking the search
    /// as a closure, with typed throws, crashed Swift 6.3.1's release build — signal 11 in LLVM's
    /// CoroSplit — so the few lines stay twice.)
    func requestPage(
        base: String, scope: LDAPScope, filter: String, attributes: [String], pageSize: Int, cookie: [UInt8]
    ) throws(LDAPResultError) -> Int32 {
        var control: UnsafeMutablePointer<LDAPControl>?
        if pageSize > 0 {
            // libldap copies the cookie into the control, so a temporary buffer is enough.
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(cookie.count, 1))
            defer { buffer.deallocate() }
            for (index, byte) in cookie.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            var value = berval(bv_len: ber_len_t(cookie.count), bv_val: cookie.isEmpty ? nil : buffer)
            try check(ldap_create_page_control(ld, ber_int_t(pageSize), &value, 1, &control), "search")
        }
        defer { if let control { ldap_control_free(control) } }
        var timeout = timeval(tv_sec: Int(operationTimeout.milliseconds / 1000), tv_usec: Int(operationTimeout.milliseconds % 1000) * 1000)
        let attributeList = CStringArray(attributes)
        let controls = UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>.allocate(capacity: 2)
        controls[0] = control
        controls[1] = nil
        defer { controls.deallocate() }
        var messageID: Int32 = 0
        let rc = ldap_search_ext(ld, base, scope.raw, filter, attributeList.pointer, 0, control == nil ? nil : controls, nil, &timeout, 0, &messageID)
        if rc != LDAP_SUCCESS { throw failure(rc, "search", detail: nil) }
        return messageID
    }

    /// Waits for the page requested as `messageID`. When the server says more follow, the
    /// request for the next page goes out *before* this page's entries are read: the server
    /// prepares it while the service reads and maps this one (RFC 2696 needs only the cookie,
    /// which comes with the result). `next` is that request's id; nil on the last page.
    /// A caller that stops before the last page must `abandon` the pending request.
    func receivePage(
        _ messageID: Int32, base: String, scope: LDAPScope, filter: String, attributes: [String], pageSize: Int
    ) throws(LDAPResultError) -> (entries: [DirectoryEntry], next: Int32?) {
        var timeout = timeval(tv_sec: Int(operationTimeout.milliseconds / 1000), tv_usec: Int(operationTimeout.milliseconds % 1000) * 1000)
        var result: OpaquePointer?
        let type = ldap_result(ld, messageID, LDAP_MSG_ALL, &timeout, &result)
        defer { if let result { ldap_msgfree(result) } }
        guard type != 0 else {
            // As ldap_search_ext_s does on a timeout.
            ldap_abandon_ext(ld, messageID, nil, nil)
            throw failure(LDAP_TIMEOUT, "search", detail: nil)
        }
        guard type > 0, let result else { throw failure(resultCode(), "search", detail: nil) }
        let (code, cookie) = try parseSearchResult(result, paged: pageSize > 0)
        if code != LDAP_SUCCESS { throw failure(code, "search", detail: code == LDAP_NO_SUCH_OBJECT ? base : nil) }
        let next = cookie.isEmpty ? nil : try requestPage(base: base, scope: scope, filter: filter, attributes: attributes, pageSize: pageSize, cookie: cookie)
        return (readEntries(result), next)
    }

    /// Drops a page request whose answer is no longer wanted (RFC 4511 §4.11).
    func abandon(_ messageID: Int32) {
        ldap_abandon_ext(ld, messageID, nil, nil)
    }

    func modify(dn: String, _ modifications: [LDAPModification]) throws(LDAPResultError) {
        let rc = withLDAPMods(modifications.map { ($0.operation.raw, $0.attribute, $0.values) }) { mods in
            ldap_modify_ext_s(ld, dn, mods, nil, nil)
        }
        if rc != LDAP_SUCCESS { throw failure(rc, "modify", detail: rc == LDAP_NO_SUCH_OBJECT ? dn : nil) }
    }

    func add(dn: String, attributes: [(String, [[UInt8]])]) throws(LDAPResultError) {
        let rc = withLDAPMods(attributes.map { (LDAP_MOD_ADD, $0.0, $0.1) }) { mods in
            ldap_add_ext_s(ld, dn, mods, nil, nil)
        }
        if rc != LDAP_SUCCESS { throw failure(rc, "add", detail: rc == LDAP_ALREADY_EXISTS || rc == LDAP_NO_SUCH_OBJECT ? dn : nil) }
    }

    func delete(dn: String) throws(LDAPResultError) {
        let rc = ldap_delete_ext_s(ld, dn, nil, nil)
        if rc != LDAP_SUCCESS { throw failure(rc, "delete", detail: rc == LDAP_NO_SUCH_OBJECT ? dn : nil) }
    }

    /// Deletes each DN in turn, in one hop onto this connection's queue; one error (or nil) per
    /// DN. With `assertion` (RFC 4528) an entry is deleted only while it still matches the
    /// filter; otherwise its result is LDAP_ASSERTION_FAILED. Stops trying once the connection
    /// broke: the rest fail with that error.
    func deleteEach(_ dns: [String], assertion: String?) -> [LDAPResultError?] {
        var control: UnsafeMutablePointer<LDAPControl>?
        if let assertion {
            var filter = Array(assertion.utf8CString)
            let (rc, created) = filter.withUnsafeMutableBufferPointer { buffer -> (Int32, UnsafeMutablePointer<LDAPControl>?) in
                var out: UnsafeMutablePointer<LDAPControl>?
                let rc = ldap_create_assertion_control(ld, buffer.baseAddress, 1, &out)
                return (rc, out)
            }
            control = created
            if rc != LDAP_SUCCESS {
                let error = failure(rc, "delete", detail: "assertion control")
                return dns.map { _ in error }
            }
        }
        defer { if let control { ldap_control_free(control) } }
        let controls = UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>.allocate(capacity: 2)
        controls[0] = control
        controls[1] = nil
        defer { controls.deallocate() }
        var results: [LDAPResultError?] = []
        results.reserveCapacity(dns.count)
        var broken: LDAPResultError?
        for dn in dns {
            if let broken {
                results.append(broken)
                continue
            }
            let rc = ldap_delete_ext_s(ld, dn, control == nil ? nil : controls, nil)
            guard rc != LDAP_SUCCESS else {
                results.append(nil)
                continue
            }
            let error = failure(rc, "delete", detail: rc == LDAP_NO_SUCH_OBJECT ? dn : nil)
            if error.breaksConnection { broken = error }
            results.append(error)
        }
        return results
    }

    /// StartTLS before the first bind, so no password crosses in clear; a failure (a certificate
    /// that does not verify, a server without TLS) ends the connection, never falls back to plain.
    private func startTLSIfRequired() throws(LDAPResultError) {
        guard security.startTLS, !tlsStarted else { return }
        let rc = ldap_start_tls_s(ld, nil, nil)
        guard rc == LDAP_SUCCESS else {
            isBroken = true
            let diagnostic = diagnosticMessage()
            let reason = diagnostic.isEmpty || diagnostic == "(unknown error code)"
                ? "TLS handshake failed: the server's certificate may not verify against LDAP_CA_FILE, or the server does not offer StartTLS"
                : diagnostic
            throw LDAPResultError(code: rc, diagnostic: reason, operation: LDAPResultError.startTLS)
        }
        tlsStarted = true
    }

    // MARK: - result handling

    private func check(_ rc: Int32, _ operation: String) throws(LDAPResultError) {
        if rc != LDAP_SUCCESS { throw failure(rc, operation, detail: nil) }
    }

    private func failure(_ rc: Int32, _ operation: String, detail: String?) -> LDAPResultError {
        let error = LDAPResultError(code: rc, diagnostic: detail ?? diagnosticMessage(), operation: operation)
        if error.breaksConnection { isBroken = true }
        return error
    }

    private func diagnosticMessage() -> String {
        var message: UnsafeMutablePointer<CChar>?
        guard ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message) == LDAP_SUCCESS, let message else { return "" }
        defer { ldap_memfree(message) }
        return String(cString: message)
    }

    /// The entries of one page. Names and values are read straight from the message's BER
    /// buffer, in one pass per entry (`ldap_get_attribute_ber`, as ldapsearch does): no copy of a
    /// value by libldap, one Swift copy into the entry's flat storage. The attribute names of a
    /// page are the same entry after entry, so each distinct spelling becomes a String once.
    private func readEntries(_ result: OpaquePointer) -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        entries.reserveCapacity(Int(max(ldap_count_entries(ld, result), 0)))
        var names = AttributeNames()
        var sizes = (attributes: 0, values: 0, bytes: 0)
        var current = ldap_first_entry(ld, result)
        while let message = current {
            current = ldap_next_entry(ld, message)
            var ber: OpaquePointer?
            var dnValue = berval(bv_len: 0, bv_val: nil)
            guard ldap_get_dn_ber(ld, message, &ber, &dnValue) == LDAP_SUCCESS else {
                if let ber { ber_free(ber, 0) }
                continue
            }
            defer { if let ber { ber_free(ber, 0) } }
            let dn = dnValue.bv_val.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(dnValue.bv_len)), as: UTF8.self) } ?? ""
            var builder = DirectoryEntry.Builder(dn: dn, attributes: sizes.attributes, values: sizes.values, bytes: sizes.bytes)
            var counted = (attributes: 0, values: 0, bytes: 0)
            while let ber {
                var name = berval(bv_len: 0, bv_val: nil)
                var values: UnsafeMutablePointer<berval>?
                guard ldap_get_attribute_ber(ld, message, ber, &name, &values) == LDAP_SUCCESS, let nameBytes = name.bv_val else {
                    if let values { ber_memfree(values) }
                    break
                }
                builder.beginAttribute(names.string(UnsafeRawBufferPointer(start: nameBytes, count: Int(name.bv_len)), position: counted.attributes))
                counted.attributes += 1
                if let values {
                    var index = 0
                    while let bytes = values[index].bv_val {
                        let length = Int(values[index].bv_len)
                        builder.appendValue(UnsafeRawBufferPointer(start: bytes, count: length))
                        counted.values += 1
                        counted.bytes += length
                        index += 1
                    }
                    ber_memfree(values)
                }
            }
            sizes = counted
            entries.append(builder.build())
        }
        return entries
    }

    /// The result code of a search's final message and, when `paged`, the server's cookie.
    private func parseSearchResult(_ result: OpaquePointer, paged: Bool) throws(LDAPResultError) -> (code: Int32, cookie: [UInt8]) {
        var code: Int32 = 0
        var serverControls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
        try check(ldap_parse_result(ld, result, &code, nil, nil, nil, &serverControls, 0), "search")
        defer { if let serverControls { ldap_controls_free(serverControls) } }
        guard paged, code == LDAP_SUCCESS, let serverControls, let response = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, serverControls, nil) else {
            return (code, [])
        }
        var estimate: ber_int_t = 0
        var cookie = berval(bv_len: 0, bv_val: nil)
        try check(ldap_parse_pageresponse_control(ld, response, &estimate, &cookie), "search")
        defer { if cookie.bv_val != nil { ber_memfree(cookie.bv_val) } }
        guard cookie.bv_len > 0, let bytes = cookie.bv_val else { return (code, []) }
        return (code, Array(UnsafeRawBufferPointer(start: bytes, count: Int(cookie.bv_len))))
    }

    private func resultCode() -> Int32 {
        var code: Int32 = LDAP_OTHER
        _ = cldap_get_option_int(ld, LDAP_OPT_RESULT_CODE, &code)
        return code == LDAP_SUCCESS ? LDAP_OTHER : code
    }

    private func nextCookie(_ result: OpaquePointer) throws(LDAPResultError) -> [UInt8] {
        var code: Int32 = 0
        var serverControls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
        let rc = ldap_parse_result(ld, result, &code, nil, nil, nil, &serverControls, 0)
        try check(rc, "search")
        defer { if let serverControls { ldap_controls_free(serverControls) } }
        guard let serverControls, let response = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, serverControls, nil) else {
            return []
        }
        var estimate: ber_int_t = 0
        var cookie = berval(bv_len: 0, bv_val: nil)
        try check(ldap_parse_pageresponse_control(ld, response, &estimate, &cookie), "search")
        defer { if cookie.bv_val != nil { ber_memfree(cookie.bv_val) } }
        guard cookie.bv_len > 0, let bytes = cookie.bv_val else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: Int(cookie.bv_len)))
    }
}

extension LDAPModification.Operation {
    var raw: Int32 {
        switch self {
        case .add: LDAP_MOD_ADD
        case .delete: LDAP_MOD_DELETE
        case .replace: LDAP_MOD_REPLACE
        }
    }
}

/// The attribute names met in one page, each spelling turned into a String once.
private struct AttributeNames {
    private var known: [String] = []

    /// `position`: where the name is in its entry; entries of a page mostly list theirs in the same order.
    mutating func string(_ bytes: UnsafeRawBufferPointer, position: Int) -> String {
        if position < known.count, Self.same(known[position], bytes) { return known[position] }
        for name in known where Self.same(name, bytes) { return name }
        let name = String(decoding: bytes, as: UTF8.self)
        known.append(name)
        return name
    }

    private static func same(_ name: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard name.utf8.count == bytes.count else { return false }
        guard !bytes.isEmpty else { return true }
        var name = name
        return name.withUTF8 { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}

/// A NULL-terminated `char **` copy of a list of strings, freed with its owner; nil for an
/// empty list, which libldap reads as "all user attributes".
private final class CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        guard !strings.isEmpty else { pointer = nil; return }
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        array[strings.count] = nil
        pointer = array
    }

    deinit {
        guard let pointer else { return }
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}

/// Builds the NULL-terminated `LDAPMod **` libldap wants (binary values, LDAP_MOD_BVALUES),
/// calls `body`, then frees everything.
private func withLDAPMods<R>(_ mods: [(Int32, String, [[UInt8]])], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<LDAPMod>?>) -> R) -> R {
    let array = UnsafeMutablePointer<UnsafeMutablePointer<LDAPMod>?>.allocate(capacity: mods.count + 1)
    for (index, (operation, attribute, values)) in mods.enumerated() {
        var valueArray: UnsafeMutablePointer<UnsafeMutablePointer<berval>?>?
        if !values.isEmpty {
            let list = UnsafeMutablePointer<UnsafeMutablePointer<berval>?>.allocate(capacity: values.count + 1)
            for (position, value) in values.enumerated() {
                let bytes = UnsafeMutablePointer<CChar>.allocate(capacity: max(value.count, 1))
                value.withUnsafeBytes { source in
                    if let base = source.baseAddress { UnsafeMutableRawPointer(bytes).copyMemory(from: base, byteCount: value.count) }
                }
                let item = UnsafeMutablePointer<berval>.allocate(capacity: 1)
                item.initialize(to: berval(bv_len: ber_len_t(value.count), bv_val: bytes))
                list[position] = item
            }
            list[values.count] = nil
            valueArray = list
        }
        let mod = UnsafeMutablePointer<LDAPMod>.allocate(capacity: 1)
        mod.initialize(to: LDAPMod(mod_op: operation | LDAP_MOD_BVALUES, mod_type: strdup(attribute), mod_vals: .init(modv_bvals: valueArray)))
        array[index] = mod
    }
    array[mods.count] = nil
    defer {
        for index in 0..<mods.count {
            guard let mod = array[index] else { continue }
            free(mod.pointee.mod_type)
            if let list = mod.pointee.mod_vals.modv_bvals {
                var position = 0
                while let item = list[position] {
                    item.pointee.bv_val.deallocate()
                    item.deallocate()
                    position += 1
                }
                list.deallocate()
            }
            mod.deallocate()
        }
        array.deallocate()
    }
    return body(array)
}
