/* audio_cache.h — encoded audio answered again without synthesis.
 *
 * Two tiers: a memory LRU with a byte cap, and an optional disk tier (files
 * under <dir>/audio/, indexed in SQLite <dir>/cache.db) with its own byte
 * cap, evicting least recently used entries. Each disk entry carries its
 * length and SHA-256: a truncated or corrupted file is detected, deleted and
 * reported as a miss, never served. Thread-safe.
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
} lt_cache_opts;

typedef struct lt_cache_stats {
    uint64_t mem_entries, mem_bytes, mem_hits, mem_misses;
    uint64_t disk_entries, disk_bytes, disk_hits, disk_misses, disk_corrupt;
} lt_cache_stats;

lt_cache *lt_cache_open(const lt_cache_opts *opts, lt_err *err);
void lt_cache_close(lt_cache *c);

void lt_cache_key(char out[LT_CACHE_KEY_LEN], const char *model_hash, const char *phonemes, const char *voice_hash,
                  double speed, const char *format, int sample_rate, const char *engine_version);

/* 1 hit (*data malloc'd, caller frees), 0 miss, -1 error. A disk hit is promoted to memory. */
int lt_cache_get(lt_cache *c, const char *key, uint8_t **data, size_t *len);
/* Stores in both tiers (entries larger than a tier's cap are not stored there). */
int lt_cache_put(lt_cache *c, const char *key, const uint8_t *data, size_t len, lt_err *err);
int lt_cache_clear(lt_cache *c, lt_err *err);
void lt_cache_stats_get(lt_cache *c, lt_cache_stats *s);

#endif
