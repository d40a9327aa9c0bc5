import CMalloc
import Foundation

/// glibc gives each thread that finds malloc busy an arena of its own, up to 8 per core, and
/// memory freed into an arena stays with that arena. The service's threads (event loops, the
/// cooperative pool, one queue per LDAP connection) allocate a listing's entries on one thread
/// and free them on another, so with the default the freed megabytes of large listings pile up
/// in many arenas: peak RSS serving `limit=10000` pages to 16 connections was 128 MiB with the
/// default and 109 MiB with one arena per core (`scripts/bench tasks`, 2 cores). An explicit
/// MALLOC_ARENA_MAX (or GLIBC_TUNABLES) in the environment wins.
enum MemoryTuning {
    static func limitMallocArenas() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["MALLOC_ARENA_MAX"] == nil, environment["GLIBC_TUNABLES"] == nil else { return }
        _ = cmalloc_limit_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}
