#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's mallopt, which Swift's Glibc module does not import (<malloc.h>). Elsewhere a no-op.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

// Caps the number of malloc arenas; returns 1 on success, 0 where it cannot be set.
static inline int cmalloc_limit_arenas(int arenas) {
#ifdef M_ARENA_MAX
    return mallopt(M_ARENA_MAX, arenas);
#else
    (void)arenas;
    return 0;
#endif
}
#endif
