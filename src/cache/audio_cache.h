/* audio_cache.h — encoded audio answered again without synthesis.
 *
 * Tiers: a memory LRU with a byte cap, an optional disk tier (files
 * under <dir>/audio/, indexed in SQLite <dir>/cache.db) with its own byte
 * cap, evicting least recently used entries. Each disk entry carries its
 * length and SHA-256: a truncated or corrupted file is detected, deleted and
 * reported as a miss, never served; and an optional Redis tier shared by
 * replicas (a hit there fills the local tiers; Redis down = a miss, never an
 * error). Thread-safe.
 *
 * Keys are 64 hex digits from lt_cache_key over everything that changes the
 * output: model file hash, phonemes, voice vector hash, speed, format, sample
 * rate and engine version. */
#ifndef LT_CACHE_AUDIO_CACHE_H
#define LT_CACHE_AUDIO_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define LT_CACHE_KEY_LEN 65 /* 64 hex digits + NUL */

typedef struct lt_cache lt_cache;

typedef struct lt_cache_opts {
    size_t mem_bytes;     /* 0: no memory tier */
    uint64_t disk_bytes;  /* 0: no disk tier */
    const char *dir;      /* disk tier location (required when disk_bytes > 0) */
    const char *redis_url; /* optional shared tier, redis://host:port/db (see redis_tier.h) */
    int redis_ttl_s;      /* expiry of shared entries (0 = none) */
    int quiet;
} lt_cache_opts;

typedef struct lt_cache_stats {
    uint64_t mem_entries, mem_bytes, mem_hits, mem_misses;
    uint64_t disk_entries, disk_bytes, disk_hits, disk_misses, disk_corrupt;
    uint64_t redis_hits, redis_misses, redis_errors; /* errors: unavailable (the request went on without it) */
    int redis_enabled;
} lt_cache_stats;

lt_cache *lt_cache_open(const lt_cache_opts *opts, lt_err *err);
void lt_cache_close(lt_cache *c);

void lt_cache_key(char out[LT_CACHE_KEY_LEN], const char *model_hash, const char *phonemes, const char *voice_hash,
                  double speed, const char *format, int sample_rate, const char *engine_version);

/* 1 hit (*data malloc'd, caller frees), 0 miss, -1 error. A hit in a slower tier fills the faster ones. */
int lt_cache_get(lt_cache *c, const char *key, uint8_t **data, size_t *len);
/* Stores in every tier (entries larger than a tier's cap are not stored there). */
int lt_cache_put(lt_cache *c, const char *key, const uint8_t *data, size_t len, lt_err *err);
int lt_cache_clear(lt_cache *c, lt_err *err);
void lt_cache_stats_get(lt_cache *c, lt_cache_stats *s);

#endif
