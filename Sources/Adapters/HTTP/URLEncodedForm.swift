/// The fields of an `application/x-www-form-urlencoded` body (the HTML pages' forms).
enum URLEncodedForm {
    /// Every field, the first value of a repeated one counting (as a browser's own form posts
    /// one value per field); nil when a name or value is not valid percent-encoding.
    static func fields(_ body: String) -> [String: String]? {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { return nil }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }
}
