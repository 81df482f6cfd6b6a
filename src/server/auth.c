/* auth.c — see auth.h. */
#include "server/auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LT_AUTH_MAX_KEY 256

struct lt_auth {
    char **keys;
    int n;
};

lt_auth *lt_auth_new(const char *keys) {
    if (!keys) return NULL;
    lt_auth *a = calloc(1, sizeof *a);
    char *copy = strdup(keys), *save = NULL;
    if (!a || !copy) goto fail;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') t++;
        size_t len = strlen(t);
        while (len && t[len - 1] == ' ') t[--len] = 0;
        if (!len || len > LT_AUTH_MAX_KEY) continue;
        char **nk = realloc(a->keys, sizeof *nk * (size_t)(a->n + 1));
        if (!nk) goto fail;
        a->keys = nk;
        if (!(a->keys[a->n] = strdup(t))) goto fail;
        a->n++;
    }
    free(copy);
    if (a->n == 0) {
        lt_auth_free(a);
        return NULL;
    }
    return a;
fail:
    free(copy);
    lt_auth_free(a);
    return NULL;
}

void lt_auth_free(lt_auth *a) {
    if (!a) return;
    for (int i = 0; i < a->n; i++) free(a->keys[i]);
    free(a->keys);
    free(a);
}

int lt_auth_count(const lt_auth *a) { return a ? a->n : 0; }

/* Compares all LT_AUTH_MAX_KEY + 1 positions whatever the inputs. */
static int same(const char *key, const char *given, size_t given_len) {
    size_t klen = strlen(key);
    unsigned diff = (unsigned)(klen ^ given_len);
    for (size_t i = 0; i <= LT_AUTH_MAX_KEY; i++) {
        unsigned char a = i < klen ? (unsigned char)key[i] : 0;
        unsigned char b = i < given_len ? (unsigned char)given[i] : 0;
        diff |= (unsigned)(a ^ b);
    }
    return diff == 0;
}

int lt_auth_check(void *auth, const char *h) {
    lt_auth *a = auth;
    if (!a) return 1;
    if (!h || strncasecmp(h, "Bearer ", 7)) return 0;
    h += 7;
    while (*h == ' ') h++;
    size_t len = strlen(h);
    while (len && (h[len - 1] == ' ' || h[len - 1] == '\t')) len--;
    if (len > LT_AUTH_MAX_KEY) return 0;
    int ok = 0;
    for (int i = 0; i < a->n; i++) ok |= same(a->keys[i], h, len);
    return ok;
}
