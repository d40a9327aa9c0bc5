#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
// curl_easy_setopt / curl_easy_getinfo are C variadics, which Swift cannot call:
// one typed wrapper per argument type.
#include <curl/curl.h>

static inline CURLcode ccurl_setopt_long(CURL *_Nonnull h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_string(CURL *_Nonnull h, CURLoption o, const char *_Nullable v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(CURL *_Nonnull h, CURLoption o, void *_Nullable v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_slist(CURL *_Nonnull h, CURLoption o, struct curl_slist *_Nullable v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_mime(CURL *_Nonnull h, curl_mime *_Nullable v) { return curl_easy_setopt(h, CURLOPT_MIMEPOST, v); }
static inline CURLcode ccurl_setopt_read_function(CURL *_Nonnull h, curl_read_callback _Nullable cb) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, cb); }
static inline CURLcode ccurl_setopt_write_function(CURL *_Nonnull h, curl_write_callback _Nullable cb) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb); }
static inline CURLcode ccurl_setopt_debug_function(CURL *_Nonnull h, curl_debug_callback _Nullable cb) { return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, cb); }
static inline CURLcode ccurl_getinfo_long(CURL *_Nonnull h, CURLINFO i, long *_Nonnull out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_getinfo_socket(CURL *_Nonnull h, CURLINFO i, curl_socket_t *_Nonnull out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_getinfo_off_t(CURL *_Nonnull h, CURLINFO i, curl_off_t *_Nonnull out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode ccurl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }
#endif
