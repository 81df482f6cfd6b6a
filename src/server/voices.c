/* voices.c — the server's voices (see voices.h): the catalog with its
 * once-a-second refresh, saved voices, blend resolution, the pack LRU with
 * reference counts, and the voice list's JSON. One mutex guards it all;
 * packs are loaded under it (milliseconds), saves are serialised. */
#include "server/voices.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sha256.h"
#include "voice/blend.h"
#include "voice/catalog.h"
#include "voice/shared_voices.h"
#include "voice/store.h"

struct lt_voice_ref {
    char key[LT_VOICE_EXPR_MAX];
    lt_voice_pack pack;
    char hash[LT_SHA256_HEX_LEN];
    int refs;
    int listed; /* in the LRU; an unlisted entry is freed by its last release */
    struct lt_voice_ref *prev, *next;
};

struct lt_voices {
    pthread_mutex_t mu;
    lt_voices_opts o;
    char dir[1024];
    lt_voice_catalog cat;
    double last_refresh;
    lt_voice_store *store;
    lt_shared_voices *shared; /* NULL = no Redis */
    lt_stored_voice *saved; /* sorted by name: local and shared, see reload_saved */
    int n_saved;
    lt_voice_ref *head, *tail; /* most recently used first */
    int n_cached;
    lt_voices_stats st;
};

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int is_blend(const char *s) { return strpbrk(s, "+-()") != NULL; }

/* ---------------------------------------------------------------- LRU */

static void ref_free(lt_voice_ref *e) {
    lt_voice_pack_free(&e->pack);
    free(e);
}

static void lru_unlink(lt_voices *v, lt_voice_ref *e) {
    if (e->prev) e->prev->next = e->next;
    else v->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else v->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_front(lt_voices *v, lt_voice_ref *e) {
    e->next = v->head;
    e->prev = NULL;
    if (v->head) v->head->prev = e;
    v->head = e;
    if (!v->tail) v->tail = e;
}

static void unlist(lt_voices *v, lt_voice_ref *e) {
    lru_unlink(v, e);
    e->listed = 0;
    v->n_cached--;
    if (e->refs == 0) ref_free(e);
}

/* Drop entries: all (which = 0), blends only (1), or the one named (2, name). */
static void invalidate(lt_voices *v, int which, const char *name) {
    lt_voice_ref *e = v->head;
    while (e) {
        lt_voice_ref *next = e->next;
        if (which == 0 || (which == 1 && is_blend(e->key)) || (which == 2 && !strcmp(e->key, name))) unlist(v, e);
        e = next;
    }
}

static void evict(lt_voices *v) {
    lt_voice_ref *e = v->tail;
    while (e && v->n_cached > v->o.cache_count) {
        lt_voice_ref *prev = e->prev;
        if (e->refs == 0) unlist(v, e);
        e = prev;
    }
}

/* ---------------------------------------------------------------- catalog and saved names */

static void sync_shared(lt_voices *v, int force);

static void refresh(lt_voices *v) { /* mu held */
    sync_shared(v, 0);
    double t = now_s();
    if (t - v->last_refresh < 1.0) return;
    v->last_refresh = t;
    lt_err e;
    int rc = lt_voice_catalog_refresh(&v->cat, v->o.quiet, &e);
    if (rc < 0 && !v->o.quiet) fprintf(stderr, "litetts serve: voices: %s\n", e.msg);
    if (rc == 1) invalidate(v, 0, NULL); /* files may have changed under the same names */
}

static const lt_stored_voice *find_in(const lt_stored_voice *l, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(l[i].name, name)) return &l[i];
    return NULL;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const lt_stored_voice *)a)->name, ((const lt_stored_voice *)b)->name);
}

/* Drop the packs of saved voices that changed, came or went (mu held). */
static void invalidate_changed(lt_voices *v, const lt_stored_voice *nl, int nn) {
    int any = 0;
    for (int i = 0; i < v->n_saved; i++) {
        const lt_stored_voice *o = &v->saved[i], *n = find_in(nl, nn, o->name);
        if (!n || n->shared != o->shared || n->created != o->created || strcmp(n->etag, o->etag) ||
            strcmp(n->file, o->file)) {
            invalidate(v, 2, o->name);
            any = 1;
        }
    }
    for (int i = 0; i < nn; i++)
        if (!find_in(v->saved, v->n_saved, nl[i].name)) {
            invalidate(v, 2, nl[i].name); /* it may shadow a built-in */
            any = 1;
        }
    if (any) invalidate(v, 1, NULL);
}

/* A local voice Redis lacks (saved while it was away, or Redis lost it): publish it. */
static void publish_local(lt_voices *v, const lt_stored_voice *m) {
    lt_voice_pack p;
    lt_err e;
    lt_stored_voice meta;
    if (lt_voice_store_get(v->store, m->name, &meta, &p, &e) == 0) {
        lt_shared_voices_publish(v->shared, &meta, &p);
        lt_voice_pack_free(&p);
    }
}

/* The saved voices (mu held): the local store's, merged with Redis's view
 * when it answers. A name Redis has is served from Redis (its version is the
 * newest save anywhere); a local voice it lacks stays, and is published,
 * unless a tombstone at least as new as it says another replica deleted it
 * (then it is deleted here too). */
static int reload_saved(lt_voices *v, lt_err *err) {
    if (!v->store) return 0;
    lt_stored_voice *list = NULL;
    int n = 0;
    if (lt_voice_store_list(v->store, &list, &n, err)) return -1;
    const lt_stored_voice *sv;
    int ns;
    if (v->shared && lt_shared_voices_view(v->shared, &sv, &ns)) {
        lt_stored_voice *all = malloc(sizeof *all * (size_t)(n + ns + 1));
        if (!all) {
            free(list);
            return lt_fail(err, "out of memory");
        }
        int m = 0;
        for (int i = 0; i < ns; i++) all[m++] = sv[i];
        for (int i = 0; i < n; i++) {
            if (find_in(sv, ns, list[i].name)) continue;
            int64_t when;
            int t = lt_shared_voices_deleted_at(v->shared, list[i].name, &when);
            if (t == 1 && when >= list[i].created) {
                lt_err e2;
                if (lt_voice_store_delete(v->store, list[i].name, &e2) < 0 && !v->o.quiet)
                    fprintf(stderr, "litetts serve: voices: %s\n", e2.msg);
                continue;
            }
            if (t >= 0) publish_local(v, &list[i]);
            all[m++] = list[i];
        }
        qsort(all, (size_t)m, sizeof *all, by_name);
        free(list);
        list = all;
        n = m;
    }
    invalidate_changed(v, list, n);
    free(v->saved);
    v->saved = list;
    v->n_saved = n;
    return 0;
}

/* Poll Redis's change counter; rebuild the saved list when something changed (mu held). */
static void sync_shared(lt_voices *v, int force) {
    if (!v->shared || !lt_shared_voices_refresh(v->shared, force)) return;
    lt_err e;
    if (reload_saved(v, &e) && !v->o.quiet) fprintf(stderr, "litetts serve: voices: %s\n", e.msg);
}

static const lt_stored_voice *saved_find(const lt_voices *v, const char *name) {
    for (int i = 0; i < v->n_saved; i++)
        if (!strcmp(v->saved[i].name, name)) return &v->saved[i];
    return NULL;
}

/* name → canonical name (mu held): saved, catalog, then the OpenAI alias. */
static int resolve_name(lt_voices *v, const char *name, char *out, size_t outsz, lt_err *err) {
    if (!lt_voice_name_valid(name)) return lt_fail(err, "unknown voice '%.64s' (GET /v1/audio/voices lists them)", name);
    if (saved_find(v, name) || lt_voice_catalog_find(&v->cat, name)) {
        snprintf(out, outsz, "%s", name);
        return 0;
    }
    const char *hit = NULL;
    for (int i = 0; i < v->cat.count; i++) {
        const char *n = v->cat.voices[i].id;
        if (strlen(n) > 3 && n[2] == '_' && !strcmp(n + 3, name)) {
            if (hit) return lt_fail(err, "voice '%.64s' is ambiguous (%s, %s, ...)", name, hit, n);
            hit = n;
        }
    }
    if (!hit) return lt_fail(err, "unknown voice '%.64s' (GET /v1/audio/voices lists them)", name);
    snprintf(out, outsz, "%s", hit);
    return 0;
}

/* ---------------------------------------------------------------- open / free */

int lt_voices_open(const lt_voices_opts *o, lt_voices **out, lt_err *err) {
    *out = NULL;
    lt_voices *v = calloc(1, sizeof *v);
    if (!v) return lt_fail(err, "out of memory");
    pthread_mutex_init(&v->mu, NULL);
    v->o = *o;
    snprintf(v->dir, sizeof v->dir, "%s", o->dir);
    v->o.dir = v->dir;
    v->o.data_dir = NULL;
    v->o.redis_url = NULL;
    if (v->o.cache_count < 0) v->o.cache_count = 64;
    if (v->o.max_blend_terms < 1 || v->o.max_blend_terms > LT_BLEND_MAX_TERMS) v->o.max_blend_terms = 8;
    if (lt_voice_catalog_scan(v->dir, o->quiet, &v->cat, err)) {
        pthread_mutex_destroy(&v->mu);
        free(v);
        return -1;
    }
    v->last_refresh = now_s();
    if (o->data_dir && *o->data_dir) {
        v->store = lt_voice_store_open(o->data_dir, err);
        if (v->store && o->redis_url && *o->redis_url) {
            if (!(v->shared = lt_shared_voices_open(o->redis_url, o->width, o->quiet, err)) ||
                lt_shared_voices_set_store(v->shared, v->store, err)) {
                lt_voices_free(v);
                return -1;
            }
            lt_shared_voices_refresh(v->shared, 1);
        }
        if (!v->store || reload_saved(v, err)) {
            lt_voices_free(v);
            return -1;
        }
    }
    if (v->cat.count == 0 && v->n_saved == 0) {
        lt_fail(err, "voices directory %s: no voice packs (.pt, .bin or .npz) in it", v->dir);
        lt_voices_free(v);
        return -1;
    }
    *out = v;
    return 0;
}

void lt_voices_free(lt_voices *v) {
    if (!v) return;
    lt_voice_ref *e = v->head;
    while (e) {
        lt_voice_ref *n = e->next;
        ref_free(e); /* every reference must have been released */
        e = n;
    }
    lt_voice_catalog_free(&v->cat);
    lt_voice_store_close(v->store);
    lt_shared_voices_close(v->shared);
    free(v->saved);
    pthread_mutex_destroy(&v->mu);
    free(v);
}

int lt_voices_width(const lt_voices *v) { return v->o.width; }
int lt_voices_has_store(const lt_voices *v) { return v->store != NULL; }

int lt_voices_count(lt_voices *v) {
    pthread_mutex_lock(&v->mu);
    refresh(v);
    int n = v->cat.count;
    for (int i = 0; i < v->n_saved; i++)
        if (!lt_voice_catalog_find(&v->cat, v->saved[i].name)) n++;
    pthread_mutex_unlock(&v->mu);
    return n;
}

int lt_voices_builtin(lt_voices *v, const char *name) {
    pthread_mutex_lock(&v->mu);
    refresh(v);
    int b = lt_voice_catalog_find(&v->cat, name) != NULL;
    pthread_mutex_unlock(&v->mu);
    return b;
}

/* ---------------------------------------------------------------- resolve */

static int resolve_locked(lt_voices *v, const char *voice, char *out, size_t outsz, lt_err *err) {
    if (!is_blend(voice)) return resolve_name(v, voice, out, outsz, err);
    if (strlen(voice) >= 1024) return lt_fail(err, "voice: the blend expression is too long");
    lt_blend b;
    if (lt_blend_parse(voice, v->o.max_blend_terms, &b, err)) return -1;
    char buf[LT_VOICE_EXPR_MAX * 2];
    size_t len = 0;
    for (int i = 0; i < b.n; i++) {
        char name[LT_VOICE_NAME_MAX];
        if (resolve_name(v, b.terms[i].name, name, sizeof name, err)) return -1;
        if (i) buf[len++] = b.terms[i].sign < 0 ? '-' : '+'; /* the grammar has no leading sign */
        int n = b.terms[i].weight == 1.0f
                    ? snprintf(buf + len, sizeof buf - len, "%s", name)
                    : snprintf(buf + len, sizeof buf - len, "%s(%.9g)", name, (double)b.terms[i].weight);
        if (n < 0 || (size_t)n >= sizeof buf - len) return lt_fail(err, "voice: the blend expression is too long");
        len += (size_t)n;
    }
    buf[len] = 0;
    if (len + 1 > outsz) return lt_fail(err, "voice: the blend expression is too long (%zu bytes at most)", outsz - 1);
    memcpy(out, buf, len + 1);
    return 0;
}

int lt_voices_resolve(lt_voices *v, const char *voice, char *out, size_t outsz, lt_err *err) {
    pthread_mutex_lock(&v->mu);
    refresh(v);
    int rc = resolve_locked(v, voice, out, outsz, err);
    pthread_mutex_unlock(&v->mu);
    return rc;
}

char lt_voices_lang(lt_voices *v, const char *canonical) {
    char first[LT_VOICE_NAME_MAX];
    size_t n = strcspn(canonical, "+-(");
    snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1), canonical);
    pthread_mutex_lock(&v->mu);
    const lt_stored_voice *sv = saved_find(v, first);
    if (sv && sv->expression[0] && strcspn(sv->expression, "+-(") < sizeof first) {
        n = strcspn(sv->expression, "+-(");
        snprintf(first, sizeof first, "%.*s", (int)n, sv->expression);
    }
    pthread_mutex_unlock(&v->mu);
    lt_voice_info info;
    lt_voice_info_describe(first, &info);
    return info.lang;
}

/* ---------------------------------------------------------------- acquire */

static lt_voice_ref *acquire_locked(lt_voices *v, const char *key, int depth, lt_err *err);

static int load_pack(lt_voices *v, const char *key, int depth, lt_voice_pack *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    if (is_blend(key)) {
        lt_blend b;
        if (depth > 0) return lt_fail(err, "voice: a blend term cannot itself be a blend");
        if (lt_blend_parse(key, LT_BLEND_MAX_TERMS, &b, err)) return -1;
        lt_voice_ref *refs[LT_BLEND_MAX_TERMS] = {0};
        const lt_voice_pack *packs[LT_BLEND_MAX_TERMS];
        int rc = 0;
        for (int i = 0; i < b.n && rc == 0; i++) {
            refs[i] = acquire_locked(v, b.terms[i].name, depth + 1, err);
            if (!refs[i]) rc = -1;
            else packs[i] = &refs[i]->pack;
        }
        if (rc == 0) rc = lt_blend_apply(&b, packs, !v->o.raw_weights, out, err);
        for (int i = 0; i < b.n; i++)
            if (refs[i] && --refs[i]->refs == 0 && !refs[i]->listed) ref_free(refs[i]);
        if (rc == 0) snprintf(out->name, sizeof out->name, "%s", key);
        return rc;
    }
    const lt_stored_voice *sv = v->store ? saved_find(v, key) : NULL;
    if (sv) {
        lt_stored_voice meta;
        lt_err e2;
        if (sv->shared) { /* validated again: Redis may have changed since it was listed */
            if (lt_shared_voices_fetch(v->shared, key, &meta, out, err) == 0) return 0;
            if (lt_voice_store_get(v->store, key, &meta, out, &e2) == 0) return 0; /* our own copy */
            return -1;
        }
        int rc = lt_voice_store_get(v->store, key, &meta, out, err);
        if (rc == 1) return lt_fail(err, "unknown voice '%s'", key);
        return rc;
    }
    const lt_voice_info *info = lt_voice_catalog_find(&v->cat, key);
    if (!info) return lt_fail(err, "unknown voice '%.64s'", key);
    return lt_voice_pack_load(info->path, info->member[0] ? info->member : NULL, v->o.width, out, err);
}

static lt_voice_ref *acquire_locked(lt_voices *v, const char *key, int depth, lt_err *err) {
    for (lt_voice_ref *e = v->head; e; e = e->next)
        if (!strcmp(e->key, key)) {
            e->refs++;
            lru_unlink(v, e);
            lru_front(v, e);
            v->st.hits++;
            return e;
        }
    v->st.misses++;
    if (strlen(key) >= LT_VOICE_EXPR_MAX) {
        lt_fail(err, "voice: expression too long");
        return NULL;
    }
    lt_voice_ref *e = calloc(1, sizeof *e);
    if (!e) {
        lt_fail(err, "out of memory");
        return NULL;
    }
    double t0 = now_s();
    if (load_pack(v, key, depth, &e->pack, err)) {
        free(e);
        return NULL;
    }
    if (e->pack.width != v->o.width) {
        lt_fail(err, "voice '%.64s' is %d wide; the model needs %d", key, e->pack.width, v->o.width);
        ref_free(e);
        return NULL;
    }
    lt_sha256_buf_hex(e->pack.data, sizeof(float) * (size_t)e->pack.rows * (size_t)e->pack.width, e->hash);
    v->st.loads++;
    v->st.load_seconds += now_s() - t0;
    snprintf(e->key, sizeof e->key, "%s", key);
    e->refs = 1;
    e->listed = 1;
    lru_front(v, e);
    v->n_cached++;
    evict(v);
    return e;
}

lt_voice_ref *lt_voices_acquire(lt_voices *v, const char *canonical, lt_err *err) {
    pthread_mutex_lock(&v->mu);
    refresh(v);
    lt_voice_ref *e = acquire_locked(v, canonical, 0, err);
    pthread_mutex_unlock(&v->mu);
    return e;
}

const lt_voice_pack *lt_voice_ref_pack(const lt_voice_ref *r) { return &r->pack; }
const char *lt_voice_ref_hash(const lt_voice_ref *r) { return r->hash; }

void lt_voices_release(lt_voices *v, lt_voice_ref *r) {
    if (!r) return;
    pthread_mutex_lock(&v->mu);
    if (--r->refs == 0) {
        if (!r->listed) ref_free(r);
        else evict(v);
    }
    pthread_mutex_unlock(&v->mu);
}

void lt_voices_stats_get(lt_voices *v, lt_voices_stats *st) {
    pthread_mutex_lock(&v->mu);
    *st = v->st;
    st->cached = v->n_cached;
    pthread_mutex_unlock(&v->mu);
}

/* ---------------------------------------------------------------- JSON */

static const char *locale_of(char c) {
    switch (c) {
    case 'a': return "en-US";
    case 'b': return "en-GB";
    case 'e': return "es";
    case 'f': return "fr-FR";
    case 'h': return "hi";
    case 'i': return "it";
    case 'j': return "ja";
    case 'p': return "pt-BR";
    case 'z': return "zh";
    default: return NULL;
    }
}

static void set_str(json_t *o, const char *k, const char *s) {
    if (s) json_object_set_new(o, k, json_string(s));
}

static json_t *info_json(const char *id, const lt_voice_info *info) {
    json_t *o = json_pack("{s:s, s:s}", "id", id, "name", id);
    set_str(o, "language", info->language);
    set_str(o, "locale", locale_of(info->lang));
    if (info->lang) {
        char lc[2] = {info->lang, 0};
        json_object_set_new(o, "lang_code", json_string(lc));
    }
    set_str(o, "gender", info->gender);
    set_str(o, "grade", info->grade);
    set_str(o, "target_grade", info->target_grade);
    set_str(o, "training", info->training);
    json_object_set_new(o, "official", json_boolean(info->official));
    return o;
}

static json_t *saved_json(const lt_voices *v, const lt_stored_voice *sv) {
    lt_voice_info info;
    char first[LT_VOICE_NAME_MAX];
    const char *src = sv->expression[0] ? sv->expression : sv->name;
    size_t n = strcspn(src, "+-(");
    snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1), src);
    lt_voice_info_describe(first, &info);
    info.official = 0;
    info.grade = info.target_grade = info.training = NULL;
    json_t *o = info_json(sv->name, &info);
    json_object_set_new(o, "custom", json_true());
    json_object_set_new(o, "description", json_string(sv->description));
    if (sv->expression[0]) json_object_set_new(o, "expression", json_string(sv->expression));
    json_object_set_new(o, "created", json_integer(sv->created));
    json_object_set_new(o, "rows", json_integer(sv->rows));
    json_object_set_new(o, "width", json_integer(sv->width));
    json_object_set_new(o, "replaces_builtin", json_boolean(lt_voice_catalog_find(&v->cat, sv->name) != NULL));
    if (v->shared) json_object_set_new(o, "shared", json_boolean(sv->shared));
    return o;
}

json_t *lt_voices_json(lt_voices *v) {
    pthread_mutex_lock(&v->mu);
    refresh(v);
    json_t *arr = json_array();
    int i = 0, k = 0;
    while (i < v->cat.count || k < v->n_saved) { /* merge two sorted lists; a saved voice wins a tie */
        int c = i >= v->cat.count ? 1 : k >= v->n_saved ? -1 : strcmp(v->cat.voices[i].id, v->saved[k].name);
        if (c < 0) {
            json_t *o = info_json(v->cat.voices[i].id, &v->cat.voices[i]);
            json_object_set_new(o, "custom", json_false());
            json_array_append_new(arr, o);
            i++;
        } else {
            json_array_append_new(arr, saved_json(v, &v->saved[k]));
            if (c == 0) i++;
            k++;
        }
    }
    pthread_mutex_unlock(&v->mu);
    return json_pack("{s:o}", "voices", arr);
}

json_t *lt_voices_saved_json(lt_voices *v, const char *name) {
    pthread_mutex_lock(&v->mu);
    sync_shared(v, 0);
    const lt_stored_voice *sv = saved_find(v, name);
    json_t *o = sv ? saved_json(v, sv) : NULL;
    pthread_mutex_unlock(&v->mu);
    return o;
}

json_t *lt_voices_saved_list_json(lt_voices *v) {
    pthread_mutex_lock(&v->mu);
    sync_shared(v, 0);
    json_t *arr = json_array();
    for (int i = 0; i < v->n_saved; i++) json_array_append_new(arr, saved_json(v, &v->saved[i]));
    pthread_mutex_unlock(&v->mu);
    return json_pack("{s:s, s:o}", "object", "list", "data", arr);
}

/* ---------------------------------------------------------------- saving */

int lt_voices_save(lt_voices *v, const char *name, const lt_voice_pack *pack, const char *description,
                   const char *expression, int replace, lt_err *err) {
    if (!v->store) return lt_fail(err, "saved voices are off (no data directory)"), 500;
    if (!lt_voice_name_valid(name))
        return lt_fail(err, "name '%.64s' is not valid: 1-63 letters, digits, _ or . (not starting with .)", name), 400;
    pthread_mutex_lock(&v->mu);
    refresh(v);
    int status;
    int existed = saved_find(v, name) != NULL;
    if (!replace && existed) {
        status = 409;
        lt_fail(err, "a saved voice named '%s' exists; send \"replace\": true to replace it", name);
    } else if (!replace && lt_voice_catalog_find(&v->cat, name)) {
        status = 409;
        lt_fail(err, "'%s' is a built-in voice; send \"replace\": true to shadow it with a saved voice", name);
    } else if (lt_voice_store_save(v->store, name, pack, v->o.width, description, expression, replace, err)) {
        status = strstr(err->msg, "already exists") ? 409 : strstr(err->msg, "cannot") ? 500 : 400;
    } else {
        status = existed ? 200 : 201;
        lt_err e2;
        lt_stored_voice meta;
        if (v->shared && lt_voice_store_get(v->store, name, &meta, NULL, &e2) == 0) {
            lt_shared_voices_publish(v->shared, &meta, pack); /* Redis away: published when it is back */
            lt_shared_voices_refresh(v->shared, 1);
        }
        if (reload_saved(v, &e2) && !v->o.quiet) fprintf(stderr, "litetts serve: voices: %s\n", e2.msg);
        invalidate(v, 2, name);
        invalidate(v, 1, NULL);
    }
    pthread_mutex_unlock(&v->mu);
    return status;
}

int lt_voices_delete(lt_voices *v, const char *name, lt_err *err) {
    if (!v->store) return 1;
    if (!lt_voice_name_valid(name)) return 1;
    pthread_mutex_lock(&v->mu);
    sync_shared(v, 0);
    const lt_stored_voice *sv = saved_find(v, name);
    int in_shared = sv && sv->shared;
    int rc = lt_voice_store_delete(v->store, name, err);
    if (v->shared && (rc == 0 || in_shared)) {
        lt_shared_voices_delete(v->shared, name, (int64_t)time(NULL)); /* Redis away: replayed when it is back */
        lt_shared_voices_refresh(v->shared, 1);
        if (rc == 1) rc = 0;
    }
    if (rc == 0) {
        lt_err e2;
        if (reload_saved(v, &e2) && !v->o.quiet) fprintf(stderr, "litetts serve: voices: %s\n", e2.msg);
        invalidate(v, 2, name);
        invalidate(v, 1, NULL);
    }
    pthread_mutex_unlock(&v->mu);
    return rc;
}
