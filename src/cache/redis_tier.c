/* redis_tier.c — see redis_tier.h. */
#include "cache/redis_tier.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sha256.h"

struct lt_redis {
    pthread_mutex_t lock;
    char host[256];
    int port, db;
    lt_redis_opts o;
    redisContext *c;
    int64_t retry_at_ms; /* no connection attempt before this */
    int warned;          /* logged since the last good command */
};

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

lt_redis *lt_redis_open(const char *url, const lt_redis_opts *opts, lt_err *err) {
    if (strncmp(url, "redis://", 8)) {
        lt_fail(err, "--redis '%s': expected redis://host[:port][/db]", url);
        return NULL;
    }
    lt_redis *r = calloc(1, sizeof *r);
    if (!r) { lt_fail(err, "redis: out of memory"); return NULL; }
    pthread_mutex_init(&r->lock, NULL);
    r->o.timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 200;
    r->o.retry_ms = opts && opts->retry_ms > 0 ? opts->retry_ms : 5000;
    r->o.quiet = opts ? opts->quiet : 0;
    const char *h = url + 8, *end = h + strcspn(h, ":/");
    if (end == h || (size_t)(end - h) >= sizeof r->host) {
        lt_fail(err, "--redis '%s': missing or too long host", url);
        lt_redis_close(r);
        return NULL;
    }
    memcpy(r->host, h, (size_t)(end - h));
    r->port = 6379;
    if (*end == ':') {
        char *e;
        long p = strtol(end + 1, &e, 10);
        if (e == end + 1 || p < 1 || p > 65535 || (*e && *e != '/')) {
            lt_fail(err, "--redis '%s': bad port", url);
            lt_redis_close(r);
            return NULL;
        }
        r->port = (int)p;
        end = e;
    }
    if (*end == '/' && end[1]) {
        char *e;
        long db = strtol(end + 1, &e, 10);
        if (*e || db < 0 || db > 1000) {
            lt_fail(err, "--redis '%s': bad database number", url);
            lt_redis_close(r);
            return NULL;
        }
        r->db = (int)db;
    }
    return r;
}

void lt_redis_close(lt_redis *r) {
    if (!r) return;
    if (r->c) redisFree(r->c);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static void down(lt_redis *r, const char *why) {
    if (!r->warned && !r->o.quiet)
        fprintf(stderr, "litetts: redis %s:%d unavailable (%s); using the local tiers, retrying in %d ms\n", r->host,
                r->port, why, r->o.retry_ms);
    r->warned = 1;
    if (r->c) redisFree(r->c);
    r->c = NULL;
    r->retry_at_ms = now_ms() + r->o.retry_ms;
}

/* a usable connection, or NULL (unavailable) */
static redisContext *conn(lt_redis *r) {
    if (r->c) return r->c;
    if (now_ms() < r->retry_at_ms) return NULL;
    struct timeval tv = {r->o.timeout_ms / 1000, (r->o.timeout_ms % 1000) * 1000};
    redisContext *c = redisConnectWithTimeout(r->host, r->port, tv);
    if (!c || c->err) {
        down(r, c ? c->errstr : "out of memory");
        if (c) redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    r->c = c;
    if (r->db) {
        redisReply *rep = redisCommand(c, "SELECT %d", r->db);
        int ok = rep && rep->type == REDIS_REPLY_STATUS;
        if (rep) freeReplyObject(rep);
        if (!ok) {
            down(r, "SELECT failed");
            return NULL;
        }
    }
    if (r->warned && !r->o.quiet) fprintf(stderr, "litetts: redis %s:%d is back\n", r->host, r->port);
    r->warned = 0;
    return c;
}

/* run a command; NULL and the tier marked down on any transport error */
static redisReply *command(lt_redis *r, const char *fmt, ...) {
    redisContext *c = conn(r);
    if (!c) return NULL;
    va_list ap;
    va_start(ap, fmt);
    redisReply *rep = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!rep) {
        down(r, c->errstr[0] ? c->errstr : "no reply");
        return NULL;
    }
    if (rep->type == REDIS_REPLY_ERROR) {
        if (!r->o.quiet) fprintf(stderr, "litetts: redis: %s\n", rep->str);
        freeReplyObject(rep);
        return NULL;
    }
    return rep;
}

/* a checksummed value: 1 and *data when whole, 0 when absent, damaged or over max */
static int unframe(const redisReply *rep, size_t max, uint8_t **data, size_t *len) {
    if (rep->type != REDIS_REPLY_STRING || rep->len < 32 || (size_t)rep->len > max) return 0;
    size_t n = rep->len - 32;
    uint8_t digest[32];
    lt_sha256_ctx h;
    lt_sha256_init(&h);
    lt_sha256_update(&h, rep->str + 32, n);
    lt_sha256_final(&h, digest);
    if (memcmp(digest, rep->str, 32) || !(*data = malloc(n ? n : 1))) return 0;
    memcpy(*data, rep->str + 32, n);
    *len = n;
    return 1;
}

int lt_redis_get(lt_redis *r, const char *key, uint8_t **data, size_t *len) {
    pthread_mutex_lock(&r->lock);
    redisReply *rep = command(r, "GET %s", key);
    int rc = rep ? unframe(rep, (size_t)-1, data, len) : -1;
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int lt_redis_get_max(lt_redis *r, const char *key, size_t max, uint8_t **data, size_t *len) {
    if (max < 32) return 0;
    pthread_mutex_lock(&r->lock);
    /* GETRANGE reads at most max + 1 bytes: enough to tell an oversized value */
    char end[32];
    snprintf(end, sizeof end, "%zu", max);
    redisReply *rep = command(r, "GETRANGE %s 0 %s", key, end);
    int rc = rep ? unframe(rep, max, data, len) : -1;
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int lt_redis_get_int(lt_redis *r, const char *key, long long *value) {
    pthread_mutex_lock(&r->lock);
    redisReply *rep = command(r, "GET %s", key);
    *value = 0;
    if (rep && rep->type == REDIS_REPLY_STRING) *value = strtoll(rep->str, NULL, 10);
    int rc = rep ? 0 : -1;
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int lt_redis_hgetall(lt_redis *r, const char *key, char ***pairs, int *count) {
    *pairs = NULL;
    *count = 0;
    pthread_mutex_lock(&r->lock);
    redisReply *rep = command(r, "HGETALL %s", key);
    int rc = rep ? 0 : -1;
    if (rep && rep->type == REDIS_REPLY_ARRAY && rep->elements >= 2) {
        size_t n = rep->elements / 2;
        char **p = calloc(2 * n, sizeof *p);
        if (!p) rc = -1;
        for (size_t i = 0; p && i < 2 * n; i++) {
            const redisReply *e = rep->element[i];
            p[i] = e->type == REDIS_REPLY_STRING ? strndup(e->str, e->len) : strdup("");
            if (!p[i]) {
                lt_redis_keys_free(p, (int)i);
                p = NULL;
                rc = -1;
            }
        }
        if (p) {
            *pairs = p;
            *count = (int)n;
        }
    }
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int lt_redis_multi(lt_redis *r, int n, const lt_redis_cmd *cmds) {
    pthread_mutex_lock(&r->lock);
    redisReply *rep = command(r, "MULTI");
    int rc = rep ? 0 : -1;
    if (rep) freeReplyObject(rep);
    for (int i = 0; i < n && rc == 0; i++) {
        size_t len[6];
        const char *argv[6];
        int argc = cmds[i].argc < 6 ? cmds[i].argc : 6;
        for (int k = 0; k < argc; k++) {
            argv[k] = cmds[i].argv[k];
            len[k] = cmds[i].len[k] ? cmds[i].len[k] : strlen(argv[k]);
        }
        redisContext *c = conn(r);
        rep = c ? redisCommandArgv(c, argc, argv, len) : NULL;
        if (!rep) {
            if (c) down(r, c->errstr[0] ? c->errstr : "no reply");
            rc = -1;
        } else {
            if (rep->type == REDIS_REPLY_ERROR) rc = -1; /* not queued: discard them all */
            freeReplyObject(rep);
        }
    }
    if (r->c) {
        rep = command(r, rc == 0 ? "EXEC" : "DISCARD");
        if (!rep || (rc == 0 && rep->type != REDIS_REPLY_ARRAY)) rc = -1; /* EXEC: nil = aborted */
        if (rep) freeReplyObject(rep);
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int lt_redis_put(lt_redis *r, const char *key, const uint8_t *data, size_t len, int ttl_s) {
    uint8_t *buf = malloc(len + 32);
    if (!buf) return -1;
    lt_sha256_ctx h;
    lt_sha256_init(&h);
    lt_sha256_update(&h, data, len);
    lt_sha256_final(&h, buf);
    memcpy(buf + 32, data, len);
    pthread_mutex_lock(&r->lock);
    redisReply *rep = ttl_s > 0 ? command(r, "SET %s %b EX %d", key, buf, len + 32, ttl_s)
                                : command(r, "SET %s %b", key, buf, len + 32);
    int rc = rep ? 0 : -1;
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    free(buf);
    return rc;
}

int lt_redis_del(lt_redis *r, const char *key) {
    pthread_mutex_lock(&r->lock);
    redisReply *rep = command(r, "DEL %s", key);
    int rc = rep ? 0 : -1;
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int lt_redis_keys(lt_redis *r, const char *prefix, char ***keys, int *count) {
    *keys = NULL;
    *count = 0;
    pthread_mutex_lock(&r->lock);
    char cursor[32] = "0";
    int cap = 0, rc = 0;
    do {
        redisReply *rep = command(r, "SCAN %s MATCH %s* COUNT 200", cursor, prefix);
        if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
            if (rep) freeReplyObject(rep);
            rc = -1;
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", rep->element[0]->str);
        redisReply *arr = rep->element[1];
        for (size_t i = 0; i < arr->elements; i++) {
            if (*count == cap) {
                cap = cap ? 2 * cap : 16;
                char **nk = realloc(*keys, sizeof(char *) * (size_t)cap);
                if (!nk) { rc = -1; break; }
                *keys = nk;
            }
            (*keys)[(*count)++] = strdup(arr->element[i]->str);
        }
        freeReplyObject(rep);
    } while (rc == 0 && strcmp(cursor, "0"));
    pthread_mutex_unlock(&r->lock);
    if (rc) {
        lt_redis_keys_free(*keys, *count);
        *keys = NULL;
        *count = 0;
    }
    return rc;
}

void lt_redis_keys_free(char **keys, int count) {
    for (int i = 0; i < count; i++) free(keys[i]);
    free(keys);
}

int lt_redis_available(lt_redis *r) {
    pthread_mutex_lock(&r->lock);
    redisReply *rep = command(r, "PING");
    int ok = rep != NULL;
    if (rep) freeReplyObject(rep);
    pthread_mutex_unlock(&r->lock);
    return ok;
}
