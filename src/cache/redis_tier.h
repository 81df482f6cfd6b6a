/* redis_tier.h — an optional shared tier on Redis (hiredis), so several
 * LiteTTS replicas behind a load balancer answer repeats from each other's
 * work and see the same saved voices.
 *
 * Redis is a helper, never a dependency at request time: commands have a
 * short timeout; when Redis is down or slow the tier logs once, reports
 * "unavailable" (a miss, a skipped put) and tries to reconnect after a
 * back-off. Values carry their SHA-256 and are checked on read. */
#ifndef LT_CACHE_REDIS_TIER_H
#define LT_CACHE_REDIS_TIER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct lt_redis lt_redis;

typedef struct lt_redis_opts {
    int timeout_ms;  /* connect and command timeout (default 200) */
    int retry_ms;    /* back-off before reconnecting (default 5000) */
    int quiet;       /* no log lines */
} lt_redis_opts;

/* url: redis://host[:port][/db] (port 6379, db 0 by default). Only the URL is
 * checked here (errors name it); the connection is made on first use. */
lt_redis *lt_redis_open(const char *url, const lt_redis_opts *opts, lt_err *err);
void lt_redis_close(lt_redis *r);

/* 1 hit (*data malloc'd), 0 miss or damaged value, -1 unavailable. */
int lt_redis_get(lt_redis *r, const char *key, uint8_t **data, size_t *len);
/* 0 stored, -1 unavailable (callers go on without it). ttl_s 0 = no expiry. */
int lt_redis_put(lt_redis *r, const char *key, const uint8_t *data, size_t len, int ttl_s);
/* 0 deleted or absent, -1 unavailable. */
int lt_redis_del(lt_redis *r, const char *key);
/* Keys under a prefix (SCAN): *keys malloc'd array of malloc'd strings. -1 unavailable. */
int lt_redis_keys(lt_redis *r, const char *prefix, char ***keys, int *count);
void lt_redis_keys_free(char **keys, int count);
int lt_redis_available(lt_redis *r);

/* ---- for the shared voice catalog (voice/shared_voices.h) ---- */
/* Like lt_redis_get, but a value longer than max bytes (checksum included)
 * is refused without being read whole: 0, as for a damaged value. */
int lt_redis_get_max(lt_redis *r, const char *key, size_t max, uint8_t **data, size_t *len);
/* The integer value of a key (0 when absent or not a number); 0 or -1 unavailable. */
int lt_redis_get_int(lt_redis *r, const char *key, long long *value);
/* HGETALL: *pairs is field, value, field, value... (2 × *count malloc'd
 * strings; free with lt_redis_keys_free(pairs, 2 * count)). -1 unavailable. */
int lt_redis_hgetall(lt_redis *r, const char *key, char ***pairs, int *count);

/* One command of a transaction: up to 6 arguments, each with its length
 * (0 = strlen). */
typedef struct lt_redis_cmd {
    int argc;
    const char *argv[6];
    size_t len[6];
} lt_redis_cmd;
/* The commands as one MULTI/EXEC transaction: 0 all done, -1 unavailable or refused. */
int lt_redis_multi(lt_redis *r, int n, const lt_redis_cmd *cmds);

#endif
