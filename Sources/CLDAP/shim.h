#ifndef CLDAP_SHIM_H
#define CLDAP_SHIM_H
// Thin wrappers for the parts of libldap that Swift cannot call directly:
// pointer-valued macros (LDAP_SASL_SIMPLE, LDAP_OPT_ON/OFF) and the void* option setters.
// LDAP_DEPRECATED is deliberately not defined: only the _ext_s / sasl_bind APIs are used.
#include <lber.h>
#include <ldap.h>
#include <sys/time.h>

static inline const char *_Nullable cldap_sasl_simple(void) { return LDAP_SASL_SIMPLE; }

static inline int cldap_set_option_bool(LDAP *_Nullable ld, int option, int on) {
    return ldap_set_option(ld, option, on ? LDAP_OPT_ON : LDAP_OPT_OFF);
}
static inline int cldap_set_option_int(LDAP *_Nullable ld, int option, int value) {
    return ldap_set_option(ld, option, &value);
}
static inline int cldap_set_option_timeval(LDAP *_Nullable ld, int option, long milliseconds) {
    struct timeval tv = { .tv_sec = milliseconds / 1000, .tv_usec = (milliseconds % 1000) * 1000 };
    return ldap_set_option(ld, option, &tv);
}
static inline int cldap_set_option_string(LDAP *_Nullable ld, int option, const char *_Nonnull value) {
    return ldap_set_option(ld, option, value);
}
static inline int cldap_get_option_int(LDAP *_Nullable ld, int option, int *_Nonnull out) {
    return ldap_get_option(ld, option, out);
}
// Puts a read-ahead buffer of `size` bytes on top of the handle's TCP layer. Without it libldap
// reads every message with two read(2) calls (tag and length, then the body) and a poll(2)
// before each: three system calls per entry of a search result. Only for a connected, plain
// (not TLS) handle: the layers of a connection opened later would stack in the wrong order.
static inline int cldap_add_readahead(LDAP *_Nonnull ld, int size) {
    Sockbuf *sb = NULL;
    if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) != LDAP_OPT_SUCCESS || sb == NULL) return -1;
    return ber_sockbuf_add_io(sb, &ber_sockbuf_io_readahead, LBER_SBIOD_LEVEL_PROVIDER, &size);
}
#endif
