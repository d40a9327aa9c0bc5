/*
 * The bare limit of `scripts/bench tasks`: the LDAP searches behind one listing request, made
 * with libldap and nothing else (paged by 500 as the service pages, every value of every entry
 * read), by THREADS threads with a connection each, for SECONDS seconds.
 *
 *   bare-listing URL BINDDN PASSWORD BASE THREADS SECONDS FILTER ATTRS [FILTER ATTRS]...
 *
 * ATTRS is a comma-separated list. One "request" is every FILTER/ATTRS search in turn.
 * Prints: requests=N seconds=S entries=E (entries of one request).
 */
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct search { const char *filter; char **attrs; };
static const char *url, *binddn, *password, *base;
static struct search searches[8];
static int nsearches;
static double seconds;
static long entries_per_request;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what, int rc) {
    fprintf(stderr, "bare-listing: %s: %s\n", what, ldap_err2string(rc));
    exit(1);
}

static char **split(const char *list) {
    char *copy = strdup(list), *save = NULL;
    char **out = calloc(128, sizeof(char *));
    int n = 0;
    for (char *p = strtok_r(copy, ",", &save); p && n < 127; p = strtok_r(NULL, ",", &save)) out[n++] = p;
    return out;
}

/* One paged search; returns the number of entries. */
static long search(LDAP *ld, const struct search *s) {
    struct berval cookie = {0, NULL};
    long count = 0;
    for (;;) {
        LDAPControl *page = NULL, *controls[2] = {NULL, NULL};
        int rc = ldap_create_page_control(ld, 500, cookie.bv_len ? &cookie : NULL, 1, &page);
        if (rc != LDAP_SUCCESS) die("page control", rc);
        controls[0] = page;
        LDAPMessage *result = NULL;
        rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, s->filter, s->attrs, 0, controls, NULL, NULL, 0, &result);
        ldap_control_free(page);
        if (rc != LDAP_SUCCESS) die("search", rc);
        for (LDAPMessage *e = ldap_first_entry(ld, result); e; e = ldap_next_entry(ld, e)) {
            count++;
            char *dn = ldap_get_dn(ld, e);
            ldap_memfree(dn);
            BerElement *ber = NULL;
            for (char *a = ldap_first_attribute(ld, e, &ber); a; a = ldap_next_attribute(ld, e, ber)) {
                struct berval **values = ldap_get_values_len(ld, e, a);
                ldap_value_free_len(values);
                ldap_memfree(a);
            }
            if (ber) ber_free(ber, 0);
        }
        LDAPControl **returned = NULL;
        int code = 0;
        rc = ldap_parse_result(ld, result, &code, NULL, NULL, NULL, &returned, 1);
        if (rc != LDAP_SUCCESS) die("parse result", rc);
        if (cookie.bv_val) ber_memfree(cookie.bv_val);
        cookie.bv_val = NULL;
        cookie.bv_len = 0;
        LDAPControl *response = returned ? ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, returned, NULL) : NULL;
        if (response) {
            ber_int_t estimate;
            rc = ldap_parse_pageresponse_control(ld, response, &estimate, &cookie);
            if (rc != LDAP_SUCCESS) die("page response", rc);
        }
        if (returned) ldap_controls_free(returned);
        if (!cookie.bv_len) break;
    }
    if (cookie.bv_val) ber_memfree(cookie.bv_val);
    return count;
}

static void *worker(void *arg) {
    long *done = arg;
    LDAP *ld = NULL;
    int rc = ldap_initialize(&ld, url);
    if (rc != LDAP_SUCCESS) die("initialize", rc);
    int version = LDAP_VERSION3;
    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    struct berval credentials = {strlen(password), (char *)password};
    rc = ldap_sasl_bind_s(ld, binddn, LDAP_SASL_SIMPLE, &credentials, NULL, NULL, NULL);
    if (rc != LDAP_SUCCESS) die("bind", rc);
    double deadline = now() + seconds;
    long n = 0;
    do {
        long entries = 0;
        for (int i = 0; i < nsearches; i++) entries += search(ld, &searches[i]);
        entries_per_request = entries;
        n++;
    } while (now() < deadline || n < 2);
    *done = n;
    ldap_unbind_ext_s(ld, NULL, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 9 || (argc - 7) % 2 != 0 || (argc - 7) / 2 > 8) {
        fprintf(stderr, "usage: bare-listing URL BINDDN PASSWORD BASE THREADS SECONDS FILTER ATTRS [FILTER ATTRS]...\n");
        return 2;
    }
    url = argv[1]; binddn = argv[2]; password = argv[3]; base = argv[4];
    int threads = atoi(argv[5]);
    seconds = atof(argv[6]);
    for (int i = 7; i + 1 < argc; i += 2) {
        searches[nsearches].filter = argv[i];
        searches[nsearches].attrs = split(argv[i + 1]);
        nsearches++;
    }
    pthread_t ids[256];
    long done[256] = {0};
    if (threads < 1 || threads > 256) threads = 4;
    double started = now();
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, &done[t]);
    long total = 0;
    for (int t = 0; t < threads; t++) { pthread_join(ids[t], NULL); total += done[t]; }
    printf("requests=%ld seconds=%.3f entries=%ld\n", total, now() - started, entries_per_request);
    return 0;
}
