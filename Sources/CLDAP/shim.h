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
#endif
