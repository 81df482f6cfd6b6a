/* shared_voices.c — the Redis side of saved voices (see shared_voices.h):
 * the record format and its validation, publishing and deleting in one
 * transaction, the change-counter poll with a cached, validated view, and
 * the queue of deletes made while Redis was unreachable. */
#include "voice/shared_voices.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/redis_tier.h"
#include "core/sha256.h"
#include "voice/blend.h" /* lt_voice_name_valid */

#define KEY_INDEX "litetts:voices"
#define KEY_GEN "litetts:voices:gen"
#define KEY_VOICE "litetts:voice:"
#define KEY_TOMB "litetts:voice-deleted:"
#define MAGIC "LTVOICE1"
#define META_MAX 4096         /* the JSON part of a record */
#define TOMB_TTL "2592000"    /* 30 days */
#define PENDING_MAX 64

typedef struct entry {
    lt_stored_voice meta;
    char indexed[65]; /* the etag the index named when this entry was read */
    int bad;          /* refused: not listed */
} entry;

struct lt_shared_voices {
    lt_redis *r;
    int width, quiet;
    int known, up;     /* a refresh has run / Redis answered the last one */
    long long gen;
    entry *e;          /* sorted by name */
    int n;
    lt_stored_voice *view; /* the good entries */
    int n_view;
    struct { char name[LT_VOICE_NAME_MAX]; int64_t when; } pending[PENDING_MAX];
    int n_pending;
    lt_voice_store *store; /* where the pending deletes are kept across restarts, or NULL */
};

lt_shared_voices *lt_shared_voices_open(const char *url, int width, int quiet, lt_err *err) {
    lt_shared_voices *sh = calloc(1, sizeof *sh);
    if (!sh) {
        lt_fail(err, "out of memory");
        return NULL;
    }
    lt_redis_opts o = {.quiet = quiet};
    if (!(sh->r = lt_redis_open(url, &o, err))) {
        free(sh);
        return NULL;
    }
    sh->width = width;
    sh->quiet = quiet;
    return sh;
}

void lt_shared_voices_close(lt_shared_voices *sh) {
    if (!sh) return;
    lt_redis_close(sh->r);
    free(sh->e);
    free(sh->view);
    free(sh);
}

static size_t record_max(const lt_shared_voices *sh) {
    return 32 + 12 + META_MAX + sizeof(float) * (size_t)LT_VOICE_ROWS * (size_t)sh->width;
}

/* ---------------------------------------------------------------- records */

static uint8_t *encode(const lt_stored_voice *m, const lt_voice_pack *p, size_t *len) {
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:i, s:i}", "name", m->name, "description", m->description,
                          "expression", m->expression, "created", (json_int_t)m->created, "rows", p->rows, "width",
                          p->width);
    char *js = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!js) return NULL;
    size_t jl = strlen(js), fl = sizeof(float) * (size_t)p->rows * (size_t)p->width;
    uint8_t *b = jl <= META_MAX ? malloc(12 + jl + fl) : NULL;
    if (b) {
        memcpy(b, MAGIC, 8);
        for (int i = 0; i < 4; i++) b[8 + i] = (uint8_t)(jl >> (8 * i));
        memcpy(b + 12, js, jl);
        memcpy(b + 12 + jl, p->data, fl); /* float32, little-endian hosts */
        *len = 12 + jl + fl;
    }
    free(js);
    return b;
}

static const char *jstr(const json_t *o, const char *k, size_t max) {
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) && strlen(json_string_value(v)) < max ? json_string_value(v) : NULL;
}

/* An untrusted record → meta (and the pack when wanted), checked like an upload. */
static int decode(const lt_shared_voices *sh, const char *name, const uint8_t *b, size_t len, lt_stored_voice *m,
                  lt_voice_pack *pack, lt_err *err) {
    if (len < 12 || memcmp(b, MAGIC, 8)) return lt_fail(err, "shared voice '%s': not a voice record", name);
    size_t jl = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
    size_t want = sizeof(float) * (size_t)LT_VOICE_ROWS * (size_t)sh->width;
    if (jl > META_MAX || len - 12 < jl || len - 12 - jl != want)
        return lt_fail(err, "shared voice '%s': record of %zu bytes is not a [%d, 1, %d] pack", name, len,
                       LT_VOICE_ROWS, sh->width);
    json_error_t je;
    json_t *j = json_loadb((const char *)b + 12, jl, JSON_REJECT_DUPLICATES, &je);
    const char *nm = j ? jstr(j, "name", sizeof m->name) : NULL, *d = j ? jstr(j, "description", 256) : NULL;
    const char *ex = j ? jstr(j, "expression", 256) : NULL;
    const json_t *cr = json_object_get(j, "created"), *rows = json_object_get(j, "rows"),
                 *width = json_object_get(j, "width");
    int ok = nm && d && ex && json_is_integer(cr) && json_is_integer(rows) && json_is_integer(width);
    if (!ok || strcmp(nm, name) || json_integer_value(rows) != LT_VOICE_ROWS ||
        json_integer_value(width) != sh->width) {
        json_decref(j);
        return lt_fail(err, "shared voice '%s': bad metadata (name, description, expression, created, rows 510, "
                            "width %d)", name, sh->width);
    }
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", nm);
    snprintf(m->description, sizeof m->description, "%s", d);
    snprintf(m->expression, sizeof m->expression, "%s", ex);
    m->created = (int64_t)json_integer_value(cr);
    m->rows = LT_VOICE_ROWS;
    m->width = sh->width;
    m->shared = 1;
    json_decref(j);
    ex = m->expression; /* j is gone */
    if (strspn(ex, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-()") != strlen(ex))
        return lt_fail(err, "shared voice '%s': the expression has characters a voice expression never has", name);
    const uint8_t *fp = b + 12 + jl;
    float *f = malloc(want);
    if (!f) return lt_fail(err, "out of memory");
    memcpy(f, fp, want);
    for (size_t i = 0; i < want / sizeof(float); i++)
        if (!isfinite(f[i])) {
            free(f);
            return lt_fail(err, "shared voice '%s': value %zu is not finite", name, i);
        }
    lt_sha256_buf_hex(b, len, m->etag);
    if (pack) {
        memset(pack, 0, sizeof *pack);
        pack->rows = LT_VOICE_ROWS;
        pack->width = sh->width;
        pack->data = f;
        snprintf(pack->name, sizeof pack->name, "%s", name);
    } else {
        free(f);
    }
    return 0;
}

int lt_shared_voices_fetch(lt_shared_voices *sh, const char *name, lt_stored_voice *meta, lt_voice_pack *pack,
                           lt_err *err) {
    if (!lt_voice_name_valid(name)) return lt_fail(err, "unknown voice '%.64s'", name), 1;
    char key[128];
    snprintf(key, sizeof key, KEY_VOICE "%s", name);
    uint8_t *b;
    size_t len;
    int rc = lt_redis_get_max(sh->r, key, record_max(sh), &b, &len);
    if (rc < 0) return lt_fail(err, "voice '%s': Redis is unavailable", name), -1;
    if (rc == 0) return lt_fail(err, "shared voice '%s': absent, damaged or too large in Redis", name), 1;
    lt_stored_voice m;
    rc = decode(sh, name, b, len, &m, pack, err);
    free(b);
    if (rc) return 1;
    if (meta) *meta = m;
    return 0;
}

/* ---------------------------------------------------------------- writes */

static int tx_delete(lt_shared_voices *sh, const char *name, int64_t when) {
    char vkey[128], tkey[128], t[32];
    snprintf(vkey, sizeof vkey, KEY_VOICE "%s", name);
    snprintf(tkey, sizeof tkey, KEY_TOMB "%s", name);
    snprintf(t, sizeof t, "%lld", (long long)when);
    lt_redis_cmd c[4] = {
        {2, {"DEL", vkey}, {0}},
        {3, {"HDEL", KEY_INDEX, name}, {0}},
        {5, {"SET", tkey, t, "EX", TOMB_TTL}, {0}},
        {2, {"INCR", KEY_GEN}, {0}},
    };
    return lt_redis_multi(sh->r, 4, c);
}

int lt_shared_voices_publish(lt_shared_voices *sh, const lt_stored_voice *meta, const lt_voice_pack *pack) {
    size_t len;
    uint8_t *b = encode(meta, pack, &len);
    if (!b) return -1;
    char vkey[128], tkey[128], etag[LT_SHA256_HEX_LEN];
    snprintf(vkey, sizeof vkey, KEY_VOICE "%s", meta->name);
    snprintf(tkey, sizeof tkey, KEY_TOMB "%s", meta->name);
    lt_sha256_buf_hex(b, len, etag);
    /* the record first: whoever sees the index entry finds it (or a newer one) */
    int rc = lt_redis_put(sh->r, vkey, b, len, 0);
    free(b);
    if (rc) return -1;
    lt_redis_cmd c[3] = {
        {4, {"HSET", KEY_INDEX, meta->name, etag}, {0}},
        {2, {"DEL", tkey}, {0}},
        {2, {"INCR", KEY_GEN}, {0}},
    };
    return lt_redis_multi(sh->r, 3, c);
}

/* Queue a delete for the next refresh that reaches Redis (and keep it in the store, if any). */
static void queue_delete(lt_shared_voices *sh, const char *name, int64_t when, int persist) {
    int i = 0;
    while (i < sh->n_pending && strcmp(sh->pending[i].name, name)) i++;
    if (i < PENDING_MAX) { /* beyond: only the store keeps it, read again at the next start */
        snprintf(sh->pending[i].name, sizeof sh->pending[i].name, "%s", name);
        sh->pending[i].when = when;
        if (i == sh->n_pending) sh->n_pending++;
    }
    lt_err e;
    if (persist && sh->store && lt_voice_store_pending_put(sh->store, name, when, &e) && !sh->quiet)
        fprintf(stderr, "litetts: shared voices: the delete of %s is kept in memory only: %s\n", name, e.msg);
}

int lt_shared_voices_delete(lt_shared_voices *sh, const char *name, int64_t when) {
    if (tx_delete(sh, name, when) == 0) return 0;
    queue_delete(sh, name, when, 1);
    return -1;
}

int lt_shared_voices_set_store(lt_shared_voices *sh, lt_voice_store *store, lt_err *err) {
    sh->store = store;
    lt_pending_delete *d;
    int n;
    if (lt_voice_store_pending_list(store, &d, &n, err)) return -1;
    for (int i = 0; i < n; i++) queue_delete(sh, d[i].name, d[i].when, 0);
    free(d);
    return 0;
}

int lt_shared_voices_deleted_at(lt_shared_voices *sh, const char *name, int64_t *when) {
    char tkey[128];
    snprintf(tkey, sizeof tkey, KEY_TOMB "%s", name);
    long long t;
    if (lt_redis_get_int(sh->r, tkey, &t)) return -1;
    *when = t;
    return t > 0;
}

/* Deletes made while Redis was away: applied unless the voice was saved again since. Each one done
 * leaves the queue (and the store); the rest wait for the next refresh if Redis goes away again. */
static void replay(lt_shared_voices *sh) {
    int done = 0;
    while (done < sh->n_pending) {
        const char *name = sh->pending[done].name;
        lt_stored_voice m;
        lt_err e;
        int rc = lt_shared_voices_fetch(sh, name, &m, NULL, &e);
        if (rc < 0) break; /* down again */
        if ((rc == 1 || m.created <= sh->pending[done].when) && tx_delete(sh, name, sh->pending[done].when)) break;
        if (sh->store && lt_voice_store_pending_remove(sh->store, name, &e) && !sh->quiet)
            fprintf(stderr, "litetts: shared voices: %s\n", e.msg);
        done++;
    }
    memmove(sh->pending, sh->pending + done, sizeof sh->pending[0] * (size_t)(sh->n_pending - done));
    sh->n_pending -= done;
}

/* ---------------------------------------------------------------- the view */

static int by_name(const void *a, const void *b) {
    return strcmp(((const entry *)a)->meta.name, ((const entry *)b)->meta.name);
}

static const entry *find(const entry *e, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(e[i].meta.name, name)) return &e[i];
    return NULL;
}

static void set_down(lt_shared_voices *sh) {
    sh->up = 0;
    sh->n_view = 0;
}

int lt_shared_voices_refresh(lt_shared_voices *sh, int force) {
    long long gen;
    int was_up = sh->up, first = !sh->known;
    sh->known = 1;
    if (lt_redis_get_int(sh->r, KEY_GEN, &gen)) {
        set_down(sh);
        return was_up || first;
    }
    if (sh->n_pending) {
        replay(sh);
        if (lt_redis_get_int(sh->r, KEY_GEN, &gen)) {
            set_down(sh);
            return was_up || first;
        }
    }
    if (!force && was_up && gen == sh->gen) return 0;
    char **kv;
    int n;
    if (lt_redis_hgetall(sh->r, KEY_INDEX, &kv, &n)) {
        set_down(sh);
        return was_up || first;
    }
    entry *ne = calloc((size_t)n + 1, sizeof *ne);
    lt_stored_voice *view = calloc((size_t)n + 1, sizeof *view);
    int m = 0, nv = 0, down = 0;
    for (int i = 0; ne && view && i < n && !down; i++) {
        const char *name = kv[2 * i], *etag = kv[2 * i + 1];
        if (!lt_voice_name_valid(name) || strlen(etag) != 64) continue; /* not ours to serve */
        const entry *old = find(sh->e, sh->n, name);
        if (old && !strcmp(old->indexed, etag)) {
            ne[m++] = *old;
            continue;
        }
        entry *x = &ne[m];
        memset(x, 0, sizeof *x);
        snprintf(x->indexed, sizeof x->indexed, "%s", etag);
        lt_err e;
        int rc = lt_shared_voices_fetch(sh, name, &x->meta, NULL, &e);
        if (rc < 0) {
            down = 1;
            break;
        }
        if (rc == 1) {
            x->bad = 1;
            snprintf(x->meta.name, sizeof x->meta.name, "%s", name);
            if (!sh->quiet) fprintf(stderr, "litetts serve: voices: not using %s\n", e.msg);
        }
        m++;
    }
    lt_redis_keys_free(kv, 2 * n);
    if (down || !ne || !view) {
        free(ne);
        free(view);
        set_down(sh);
        return was_up || first;
    }
    qsort(ne, (size_t)m, sizeof *ne, by_name);
    for (int i = 0; i < m; i++)
        if (!ne[i].bad) view[nv++] = ne[i].meta;
    free(sh->e);
    free(sh->view);
    sh->e = ne;
    sh->n = m;
    sh->view = view;
    sh->n_view = nv;
    sh->gen = gen;
    sh->up = 1;
    return 1;
}

int lt_shared_voices_view(const lt_shared_voices *sh, const lt_stored_voice **list, int *count) {
    *list = sh->view;
    *count = sh->up ? sh->n_view : 0;
    return sh->up;
}
