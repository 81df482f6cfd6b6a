/* auth.h — API keys for `litetts serve`: a comma-separated list (flag or
 * LITETTS_API_KEYS), checked against `Authorization: Bearer <key>` in
 * constant time (no early exit on the first differing byte or key). */
#ifndef LT_SERVER_AUTH_H
#define LT_SERVER_AUTH_H

typedef struct lt_auth lt_auth;

/* NULL when keys is NULL or has no key (auth off) or when out of memory. */
lt_auth *lt_auth_new(const char *keys);
void lt_auth_free(lt_auth *a);
int lt_auth_count(const lt_auth *a);
/* 1 when the Authorization header value carries a known key. */
int lt_auth_check(void *auth, const char *authorization);

#endif
