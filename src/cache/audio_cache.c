/* audio_cache.c — memory LRU + disk tier (see audio_cache.h). */
#include "cache/audio_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/redis_tier.h"
#include "core/sha256.h"

#define DISK_MAGIC "LTAC1\n"
#define DISK_HEADER (6 + 8 + 32) /* magic, little-endian length, SHA-256 of the payload */

typedef struct mem_entry {
    char key[LT_CACHE_KEY_LEN];
    uint8_t *data;
    size_t len;
    struct mem_entry *prev, *next; /* LRU list: head = most recent */
} mem_entry;

struct lt_cache {
    pthread_mutex_t lock;
    lt_cache_opts opts;
    char dir[1024];
    /* memory tier: a doubly linked LRU list and an open-addressing index on it */
    mem_entry *head, *tail;
    mem_entry **slots;
    size_t n_slots, mem_bytes, mem_entries, tombstones;
    /* disk tier */
    sqlite3 *db;
    uint64_t disk_bytes, disk_entries;
    lt_cache_stats st;
    lt_redis *redis; /* shared tier, or NULL */
    uint64_t clock; /* last_used stamps: monotonic per cache */
};

/* ---- memory tier -------------------------------------------------------- */

static size_t slot_of(const lt_cache *c, const char *key) {
    uint64_t h = 1469598103934665603ull;
    for (const char *p = key; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (size_t)(h & (c->n_slots - 1));
}

static mem_entry **mem_find_slot(lt_cache *c, const char *key) {
    for (size_t i = slot_of(c, key);; i = (i + 1) & (c->n_slots - 1)) {
        mem_entry **s = &c->slots[i];
        if (!*s || (*s != (mem_entry *)c && !strcmp((*s)->key, key))) return s;
    }
}

/* tombstones are the cache pointer itself; rebuild the table when it fills */
static int mem_rehash(lt_cache *c, size_t n) {
    mem_entry **slots = calloc(n, sizeof *slots);
    if (!slots) return -1;
    free(c->slots);
    c->slots = slots;
    c->n_slots = n;
    c->tombstones = 0;
    for (mem_entry *e = c->head; e; e = e->next) *mem_find_slot(c, e->key) = e;
    return 0;
}

static void lru_unlink(lt_cache *c, mem_entry *e) {
    if (e->prev) e->prev->next = e->next;
    else c->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(lt_cache *c, mem_entry *e) {
    e->next = c->head;
    if (c->head) c->head->prev = e;
    c->head = e;
    if (!c->tail) c->tail = e;
}

static void mem_remove(lt_cache *c, mem_entry *e) {
    *mem_find_slot(c, e->key) = (mem_entry *)c; /* tombstone */
    c->tombstones++;
    lru_unlink(c, e);
    c->mem_bytes -= e->len;
    c->mem_entries--;
    free(e->data);
    free(e);
}

static void mem_put(lt_cache *c, const char *key, const uint8_t *data, size_t len) {
    if (!c->opts.mem_bytes || len > c->opts.mem_bytes) return;
    mem_entry **s = mem_find_slot(c, key);
    if (*s) mem_remove(c, *s);
    while (c->mem_bytes + len > c->opts.mem_bytes && c->tail) mem_remove(c, c->tail);
    if ((c->mem_entries + c->tombstones + 1) * 2 > c->n_slots &&
        mem_rehash(c, (c->mem_entries + 1) * 4 > c->n_slots ? c->n_slots * 2 : c->n_slots))
        return;
    mem_entry *e = calloc(1, sizeof *e);
    if (!e || !(e->data = malloc(len ? len : 1))) {
        free(e);
        return;
    }
    memcpy(e->data, data, len);
    e->len = len;
    snprintf(e->key, sizeof e->key, "%s", key);
    *mem_find_slot(c, key) = e;
    lru_push_front(c, e);
    c->mem_bytes += len;
    c->mem_entries++;
}

/* ---- disk tier ---------------------------------------------------------- */

static void disk_path(const lt_cache *c, const char *key, char *out, size_t len) {
    snprintf(out, len, "%s/audio/%.2s/%s.bin", c->dir, key, key);
}

static void disk_forget(lt_cache *c, const char *key, uint64_t bytes) {
    char path[2048];
    disk_path(c, key, path, sizeof path);
    unlink(path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "DELETE FROM entries WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        if (sqlite3_changes(c->db)) {
            c->disk_bytes -= bytes;
            c->disk_entries--;
        }
        sqlite3_finalize(st);
    }
}

/* 1 hit, 0 miss (absent or corrupt) */
static int disk_get(lt_cache *c, const char *key, uint8_t **data, size_t *len) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT bytes FROM entries WHERE key = ?", -1, &st, NULL) != SQLITE_OK) return 0;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int found = sqlite3_step(st) == SQLITE_ROW;
    uint64_t bytes = found ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (!found) return 0;
    char path[2048];
    disk_path(c, key, path, sizeof path);
    FILE *f = fopen(path, "rb");
    uint8_t hdr[DISK_HEADER], *buf = NULL;
    int ok = f && fread(hdr, 1, DISK_HEADER, f) == DISK_HEADER && !memcmp(hdr, DISK_MAGIC, 6);
    uint64_t n = 0;
    if (ok) {
        for (int i = 0; i < 8; i++) n |= (uint64_t)hdr[6 + i] << (8 * i);
        ok = n == bytes && n < ((uint64_t)1 << 32) && (buf = malloc(n ? n : 1)) && fread(buf, 1, n, f) == n &&
             fgetc(f) == EOF;
    }
    if (ok) {
        uint8_t digest[32];
        lt_sha256_ctx h;
        lt_sha256_init(&h);
        lt_sha256_update(&h, buf, n);
        lt_sha256_final(&h, digest);
        ok = !memcmp(digest, hdr + 14, 32);
    }
    if (f) fclose(f);
    if (!ok) { /* never serve a damaged entry */
        free(buf);
        c->st.disk_corrupt++;
        disk_forget(c, key, bytes);
        return 0;
    }
    if (sqlite3_prepare_v2(c->db, "UPDATE entries SET last_used = ? WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)++c->clock);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    *data = buf;
    *len = n;
    return 1;
}

static void disk_evict_to(lt_cache *c, uint64_t limit) {
    while (c->disk_bytes > limit) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, "SELECT key, bytes FROM entries ORDER BY last_used LIMIT 1", -1, &st, NULL) !=
            SQLITE_OK)
            return;
        char key[LT_CACHE_KEY_LEN] = "";
        uint64_t bytes = 0;
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(key, sizeof key, "%s", (const char *)sqlite3_column_text(st, 0));
            bytes = (uint64_t)sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        if (!key[0]) return;
        disk_forget(c, key, bytes);
    }
}

static int disk_put(lt_cache *c, const char *key, const uint8_t *data, size_t len, lt_err *err) {
    if (!c->db || len > c->opts.disk_bytes) return 0;
    char path[2048], tmp[2100], sub[1100];
    snprintf(sub, sizeof sub, "%s/audio/%.2s", c->dir, key);
    mkdir(sub, 0777);
    disk_path(c, key, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    uint8_t hdr[DISK_HEADER];
    memcpy(hdr, DISK_MAGIC, 6);
    for (int i = 0; i < 8; i++) hdr[6 + i] = (uint8_t)((uint64_t)len >> (8 * i));
    lt_sha256_ctx h;
    lt_sha256_init(&h);
    lt_sha256_update(&h, data, len);
    lt_sha256_final(&h, hdr + 14);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(hdr, 1, DISK_HEADER, f) == DISK_HEADER && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return lt_fail(err, "%s: cannot write the cache entry: %m", path);
    }
    sqlite3_stmt *st;
    uint64_t old = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT bytes FROM entries WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            old = (uint64_t)sqlite3_column_int64(st, 0);
            c->disk_bytes -= old;
            c->disk_entries--;
        }
        sqlite3_finalize(st);
    }
    if (sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
        return lt_fail(err, "cache index: %s", sqlite3_errmsg(c->db));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)++c->clock);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : lt_fail(err, "cache index: %s", sqlite3_errmsg(c->db));
    sqlite3_finalize(st);
    if (rc == 0) {
        c->disk_bytes += len;
        c->disk_entries++;
        disk_evict_to(c, c->opts.disk_bytes);
    }
    return rc;
}

/* ---- public ------------------------------------------------------------- */

lt_cache *lt_cache_open(const lt_cache_opts *o, lt_err *err) {
    lt_cache *c = calloc(1, sizeof *c);
    if (!c) { lt_fail(err, "cache: out of memory"); return NULL; }
    pthread_mutex_init(&c->lock, NULL);
    c->opts = *o;
    if (mem_rehash(c, 64)) { lt_fail(err, "cache: out of memory"); goto fail; }
    if (o->redis_url && *o->redis_url) {
        lt_redis_opts ro = {.quiet = o->quiet};
        if (!(c->redis = lt_redis_open(o->redis_url, &ro, err))) goto fail;
        c->st.redis_enabled = 1;
    }
    if (o->disk_bytes) {
        if (!o->dir) { lt_fail(err, "cache: the disk tier needs a directory"); goto fail; }
        snprintf(c->dir, sizeof c->dir, "%s", o->dir);
        char sub[1100], db[1100];
        snprintf(sub, sizeof sub, "%s/audio", c->dir);
        if ((mkdir(c->dir, 0777) != 0 && errno != EEXIST) || (mkdir(sub, 0777) != 0 && errno != EEXIST)) {
            lt_fail(err, "%s: cannot create the cache directory: %m", sub);
            goto fail;
        }
        snprintf(db, sizeof db, "%s/cache.db", c->dir);
        if (sqlite3_open_v2(db, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
            sqlite3_exec(c->db,
                         "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY,"
                         " bytes INTEGER NOT NULL, last_used INTEGER NOT NULL)",
                         NULL, NULL, NULL) != SQLITE_OK) {
            lt_fail(err, "%s: %s", db, c->db ? sqlite3_errmsg(c->db) : "cannot open");
            goto fail;
        }
        sqlite3_busy_timeout(c->db, 5000);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, "SELECT count(*), coalesce(sum(bytes), 0), coalesce(max(last_used), 0) FROM entries",
                               -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW) {
                c->disk_entries = (uint64_t)sqlite3_column_int64(st, 0);
                c->disk_bytes = (uint64_t)sqlite3_column_int64(st, 1);
                c->clock = (uint64_t)sqlite3_column_int64(st, 2);
            }
            sqlite3_finalize(st);
        }
        disk_evict_to(c, o->disk_bytes); /* the cap may have shrunk since the last run */
    }
    return c;
fail:
    lt_cache_close(c);
    return NULL;
}

void lt_cache_close(lt_cache *c) {
    if (!c) return;
    while (c->head) mem_remove(c, c->head);
    free(c->slots);
    if (c->db) sqlite3_close(c->db);
    lt_redis_close(c->redis);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void lt_cache_key(char out[LT_CACHE_KEY_LEN], const char *model_hash, const char *phonemes, const char *voice_hash,
                  double speed, const char *format, int sample_rate, const char *engine_version) {
    char num[64];
    lt_sha256_ctx h;
    lt_sha256_init(&h);
    const char *parts[] = {"litetts-audio-v1", model_hash, phonemes, voice_hash, format, engine_version};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        const char *p = parts[i] ? parts[i] : "";
        lt_sha256_update(&h, p, strlen(p) + 1); /* the NUL separates fields */
    }
    snprintf(num, sizeof num, "%.6f|%d", speed, sample_rate);
    lt_sha256_update(&h, num, strlen(num) + 1);
    uint8_t d[32];
    lt_sha256_final(&h, d);
    lt_sha256_hex(d, out);
}

int lt_cache_get(lt_cache *c, const char *key, uint8_t **data, size_t *len) {
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    mem_entry *e = c->opts.mem_bytes ? *mem_find_slot(c, key) : NULL;
    if (e) {
        c->st.mem_hits++;
        lru_unlink(c, e);
        lru_push_front(c, e);
        *data = malloc(e->len ? e->len : 1);
        if (*data) {
            memcpy(*data, e->data, e->len);
            *len = e->len;
            rc = 1;
        } else rc = -1;
    } else {
        if (c->opts.mem_bytes) c->st.mem_misses++;
        if (c->db) {
            rc = disk_get(c, key, data, len);
            if (rc == 1) {
                c->st.disk_hits++;
                mem_put(c, key, *data, *len);
            } else c->st.disk_misses++;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (rc == 0 && c->redis) { /* outside the lock: a slow Redis never blocks the local tiers */
        char rkey[LT_CACHE_KEY_LEN + 16];
        snprintf(rkey, sizeof rkey, "litetts:audio:%s", key);
        int r = lt_redis_get(c->redis, rkey, data, len);
        rc = r == 1;
        pthread_mutex_lock(&c->lock);
        if (r < 0) c->st.redis_errors++;
        else if (r == 1) {
            c->st.redis_hits++;
            lt_err ignored;
            mem_put(c, key, *data, *len);
            disk_put(c, key, *data, *len, &ignored);
        } else c->st.redis_misses++;
        pthread_mutex_unlock(&c->lock);
    }
    return rc;
}

int lt_cache_put(lt_cache *c, const char *key, const uint8_t *data, size_t len, lt_err *err) {
    pthread_mutex_lock(&c->lock);
    mem_put(c, key, data, len);
    int rc = disk_put(c, key, data, len, err);
    pthread_mutex_unlock(&c->lock);
    if (c->redis) {
        char rkey[LT_CACHE_KEY_LEN + 16];
        snprintf(rkey, sizeof rkey, "litetts:audio:%s", key);
        if (lt_redis_put(c->redis, rkey, data, len, c->opts.redis_ttl_s)) {
            pthread_mutex_lock(&c->lock);
            c->st.redis_errors++;
            pthread_mutex_unlock(&c->lock);
        }
    }
    return rc;
}

int lt_cache_clear(lt_cache *c, lt_err *err) {
    pthread_mutex_lock(&c->lock);
    while (c->head) mem_remove(c, c->head);
    int rc = 0;
    if (c->db) {
        disk_evict_to(c, 0);
        if (c->disk_entries) rc = lt_fail(err, "cache: %llu disk entries could not be removed",
                                          (unsigned long long)c->disk_entries);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void lt_cache_stats_get(lt_cache *c, lt_cache_stats *s) {
    pthread_mutex_lock(&c->lock);
    *s = c->st;
    s->mem_entries = c->mem_entries;
    s->mem_bytes = c->mem_bytes;
    s->disk_entries = c->disk_entries;
    s->disk_bytes = c->disk_bytes;
    pthread_mutex_unlock(&c->lock);
}
