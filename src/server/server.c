/* server.c — see server.h: settings, start (listen, then load the model,
 * voices, audio cache; pre-warm voices; start the phrase pre-cache), the
 * route table, readiness, and the graceful stop. */
#include "server/server.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "core/sha256.h"
#include "litetts.h"
#include "server/server_internal.h"

static const lt_http_endpoint routes[] = {
    {"GET", "/health", lt_route_health, 1, 0},
    {"GET", "/ready", lt_route_ready, 1, 0},
    {"GET", "/v1/test", lt_route_test, 1, 0},
    {"GET", "/v1/models", lt_route_models, 1, 0},
    {"GET", "/v1/models/{}", lt_route_model, 1, 0},
    {"GET", "/v1/audio/models", lt_route_audio_models, 1, 0},
    {"GET", "/v1/audio/voices", lt_route_voices, 1, 0},
    {"POST", "/v1/audio/voices/combine", lt_route_voice_combine, 0, 0},
    {"POST", "/v1/audio/speech", lt_route_speech, 0, 0},
    {"POST", "/dev/captioned_speech", lt_route_captioned, 0, 0},
    {"POST", "/dev/generate_from_phonemes", lt_route_from_phonemes, 0, 0},
    {"POST", "/dev/phonemize", lt_route_phonemize, 0, 0},
    {"POST", "/v1/voices", lt_route_voice_save, 0, 0}, /* body limit set from max_voice_upload */
    {"GET", "/v1/voices", lt_route_voice_list, 0, 0},
    {"GET", "/v1/voices/{}", lt_route_voice_get, 0, 0},
    {"DELETE", "/v1/voices/{}", lt_route_voice_delete, 0, 0},
    {"GET", "/v1/cache/stats", lt_route_cache_stats, 0, 0},
    {"DELETE", "/v1/cache", lt_route_cache_clear, 0, 0},
    {"GET", "/metrics", lt_route_metrics, 1, 0},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

void lt_server_config_default(lt_server_config *c) {
    memset(c, 0, sizeof *c);
    c->host = "127.0.0.1";
    c->port = 8880;
    c->http_threads = 2;
    c->workers = 1;
    c->queue_size = 16;
    c->max_input = 4096;
    c->max_body = 1u << 20;
    c->read_timeout_s = 30;
    c->max_connections = 512;
    c->drain_ms = 10000;
    c->voice_cache = 64;
    c->max_blend_terms = 8;
    c->data_dir = "./data";
    c->max_voice_upload = 2u << 20;
    c->cache_mem_mb = 64;
    c->cache_disk_mb = 512;
}

int lt_server_check_ready(lt_server *s, lt_http_req *r) {
    int st = atomic_load(&s->state);
    if (st == LT_SRV_READY) return 1;
    lt_http_set_retry_after(r, st == LT_SRV_LOADING ? 2 : 5);
    lt_http_reply_error(r, 503, NULL, st == LT_SRV_LOADING ? "loading" : "draining",
                        st == LT_SRV_LOADING ? "the model is still loading; try again shortly"
                                             : "the server is shutting down");
    return 0;
}

static char *dup_opt(lt_server *s, int slot, const char *v) {
    s->strings[slot] = v ? strdup(v) : NULL;
    return s->strings[slot];
}

static void free_parts(lt_server *s) {
    lt_synth_free(s->synth);
    lt_voices_free(s->voices);
    lt_cache_close(s->cache);
    lt_kokoro_free(s->model);
    lt_auth_free(s->auth);
    lt_ratelimit_free(s->ratelimit);
    lt_metrics_free(s->metrics);
    for (int i = 0; i < s->memo_n; i++) free(s->memo[i].ph);
    free(s->memo);
    pthread_mutex_destroy(&s->memo_mu);
    for (int i = 0; i < 10; i++) free(s->strings[i]);
    if (s->access_log_owned) fclose(s->access_log);
    pthread_mutex_destroy(&s->log_mu);
    free(s);
}

static void on_reply(void *ud, const char *method, const char *route, int status) {
    lt_server *s = ud;
    lt_metrics_request(s->metrics, method, route, status);
}

/* a client-supplied string made safe for a JSON log line: printable ASCII, bounded */
static void log_safe(json_t *o, const char *key, const char *v) {
    char buf[256];
    size_t n = 0;
    for (; v && *v && n + 1 < sizeof buf; v++) buf[n++] = (*v >= 0x20 && *v < 0x7f) ? *v : '?';
    buf[n] = 0;
    json_object_set_new(o, key, json_string(buf));
}

/* Each request as it ends: latency metrics, and one JSON line in the access log. */
static void on_complete(void *ud, const lt_http_access *a) {
    lt_server *s = ud;
    lt_metrics_complete(s->metrics, a->route, a->format, a->status, a->ttfa_s, a->total_s);
    if (!s->access_log) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "id", json_string(a->id));
    log_safe(o, "method", a->method);
    json_object_set_new(o, "route", a->route ? json_string(a->route) : json_null());
    log_safe(o, "path", a->path);
    json_object_set_new(o, "status", json_integer(a->status));
    if (*a->voice) log_safe(o, "voice", a->voice);
    if (*a->format) json_object_set_new(o, "format", json_string(a->format));
    if (a->chars >= 0) json_object_set_new(o, "characters", json_integer(a->chars));
    if (a->audio_s >= 0) json_object_set_new(o, "audio_seconds", json_real(a->audio_s));
    if (a->cache_hit >= 0) json_object_set_new(o, "cache", json_string(a->cache_hit ? "hit" : "miss"));
    if (*a->format && a->status == 200) json_object_set_new(o, "ttfa_ms", json_real(a->ttfa_s * 1e3));
    json_object_set_new(o, "total_ms", json_real(a->total_s * 1e3));
    json_object_set_new(o, "bytes", json_integer((json_int_t)a->bytes));
    json_object_set_new(o, "streamed", json_boolean(a->streamed));
    if (a->aborted) json_object_set_new(o, "aborted", json_true());
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!line) return;
    pthread_mutex_lock(&s->log_mu);
    fprintf(s->access_log, "%s\n", line);
    fflush(s->access_log);
    pthread_mutex_unlock(&s->log_mu);
    free(line);
}

/* The model's identity for cache keys. Files up to 16 MiB are hashed whole;
 * larger ones (the 327 MB .pth) by their size, mtime and first and last MiB,
 * which costs milliseconds at start instead of a second or more. The config
 * file, when given, is hashed whole. */
static int model_fingerprint(const char *model, const char *config, char out[65], lt_err *err) {
    struct stat st;
    if (stat(model, &st)) return lt_fail(err, "%s: %m", model);
    lt_sha256_ctx h;
    lt_sha256_init(&h);
    if ((uint64_t)st.st_size <= (16u << 20)) {
        char hex[65];
        if (lt_sha256_file_hex(model, hex, NULL, err)) return -1;
        lt_sha256_update(&h, hex, 64);
    } else {
        char meta[96];
        snprintf(meta, sizeof meta, "%lld|%lld", (long long)st.st_size, (long long)st.st_mtime);
        lt_sha256_update(&h, meta, strlen(meta));
        FILE *f = fopen(model, "rb");
        if (!f) return lt_fail(err, "%s: %m", model);
        size_t mib = 1u << 20;
        unsigned char *buf = malloc(mib);
        int ok = buf != NULL;
        for (int part = 0; part < 2 && ok; part++) {
            if (part && fseeko(f, st.st_size - (off_t)mib, SEEK_SET)) ok = 0;
            size_t n = ok ? fread(buf, 1, mib, f) : 0;
            if (n != mib) ok = 0;
            else lt_sha256_update(&h, buf, n);
        }
        free(buf);
        fclose(f);
        if (!ok) return lt_fail(err, "%s: cannot read it", model);
    }
    if (config) {
        char hex[65];
        if (lt_sha256_file_hex(config, hex, NULL, err)) return -1;
        lt_sha256_update(&h, hex, 64);
    }
    uint8_t d[32];
    lt_sha256_final(&h, d);
    lt_sha256_hex(d, out);
    return 0;
}

static int preload(lt_server *s, lt_err *err) {
    const char *p = s->cfg.preload;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        char name[LT_VOICE_EXPR_MAX], canon[LT_VOICE_EXPR_MAX];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
        p += n + (p[n] == ',');
        if (!*name) continue;
        if (lt_voices_resolve(s->voices, name, canon, sizeof canon, err)) return -1;
        lt_voice_ref *r = lt_voices_acquire(s->voices, canon, err);
        if (!r) return -1;
        lt_voices_release(s->voices, r);
    }
    return 0;
}

static int load(lt_server *s, lt_err *err) {
    const lt_server_config *c = &s->cfg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (lt_kokoro_open(c->model_path, c->config_path, &s->model, err)) return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->model_load_s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    int have_data = c->data_dir && *c->data_dir;
    lt_voices_opts vo = {.dir = c->voices_dir, .width = 2 * s->model->cfg.style_dim, .cache_count = c->voice_cache,
                         .max_blend_terms = c->max_blend_terms, .raw_weights = c->blend_raw_weights,
                         .data_dir = have_data ? c->data_dir : NULL, .redis_url = c->redis_url, .quiet = c->quiet};
    if (lt_voices_open(&vo, &s->voices, err)) return -1;
    if (!(s->synth = lt_synth_new(s->model, c->lexicon_dir, c->workers))) return lt_fail(err, "out of memory");
    if (c->cache_mem_mb || (have_data && c->cache_disk_mb) || (c->redis_url && *c->redis_url)) {
        char dir[2048];
        snprintf(dir, sizeof dir, "%s/cache", have_data ? c->data_dir : ".");
        lt_cache_opts co = {.mem_bytes = c->cache_mem_mb << 20,
                            .disk_bytes = have_data ? (uint64_t)c->cache_disk_mb << 20 : 0,
                            .dir = dir,
                            .redis_url = c->redis_url,
                            .redis_ttl_s = 7 * 24 * 3600,
                            .quiet = c->quiet};
        if (!(s->cache = lt_cache_open(&co, err))) return -1;
        if (model_fingerprint(c->model_path, c->config_path, s->model_hash, err)) return -1;
    }
    return preload(s, err);
}

/* the HTTP layer's admission hook: one token bucket per API key or client address */
static int admit(void *ud, const char *client, double *retry_after_s) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return lt_ratelimit_take(ud, client, (double)t.tv_sec + t.tv_nsec * 1e-9, retry_after_s);
}

int lt_server_start(const lt_server_config *c, lt_server **out, lt_err *err) {
    *out = NULL;
    /* Memory stays flat under load: every admitted request runs on its own
     * thread, and glibc would give each thread its own arena that keeps what
     * a synthesis freed, and would raise its mmap threshold to the largest
     * buffer freed so far. A fixed 1 MiB threshold returns big activation
     * buffers to the system at once; two arenas are shared by all threads. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_ARENA_MAX, 2);
    if (!c->model_path || !c->voices_dir) return lt_fail(err, "serve: --model and --voices are required");
    if (c->workers < 1 || c->queue_size < 0 || c->http_threads < 1 || c->max_input < 1 || c->max_body < 64)
        return lt_fail(err, "serve: workers, threads, max input and max body must be positive, queue size >= 0");
    if (c->voice_cache < 0 || c->max_blend_terms < 0 || c->max_blend_terms > 16)
        return lt_fail(err, "serve: --voice-cache must be >= 0 and --max-blend-terms 1-16");
    lt_server *s = calloc(1, sizeof *s);
    if (!s) return lt_fail(err, "out of memory");
    pthread_mutex_init(&s->memo_mu, NULL);
    pthread_mutex_init(&s->log_mu, NULL);
    const char *al = c->access_log;
    if (!al) {
        s->access_log = c->quiet ? NULL : stderr;
    } else if (!strcmp(al, "-")) {
        s->access_log = stdout;
    } else if (*al && strcmp(al, "off")) {
        if (!(s->access_log = fopen(al, "a"))) {
            lt_fail(err, "serve: access log %s: %s", al, strerror(errno));
            free_parts(s);
            return -1;
        }
        s->access_log_owned = 1;
    }
    s->cfg = *c;
    s->cfg.model_path = dup_opt(s, 0, c->model_path);
    s->cfg.config_path = dup_opt(s, 1, c->config_path);
    s->cfg.voices_dir = dup_opt(s, 2, c->voices_dir);
    s->cfg.lexicon_dir = dup_opt(s, 3, c->lexicon_dir);
    s->cfg.host = dup_opt(s, 4, c->host);
    s->cfg.preload = dup_opt(s, 5, c->preload);
    s->cfg.data_dir = dup_opt(s, 6, c->data_dir);
    s->cfg.precache = dup_opt(s, 7, c->precache);
    s->cfg.api_keys = NULL;
    if (s->cfg.max_voice_upload == 0) s->cfg.max_voice_upload = 2u << 20;
    snprintf(s->engine_version, sizeof s->engine_version, "litetts-%s", litetts_version());
    s->started = time(NULL);
    atomic_init(&s->state, LT_SRV_LOADING);
    atomic_init(&s->cancel, 0);
    atomic_init(&s->n_abandoned, 0);
    atomic_init(&s->precache_pending, 0);
    atomic_init(&s->stopping, 0);
    s->metrics = lt_metrics_new();
    s->memo = calloc(LT_MEMO_MAX, sizeof *s->memo);
    if (!s->metrics || !s->memo) {
        free_parts(s);
        return lt_fail(err, "out of memory");
    }
    s->auth = lt_auth_new(c->api_keys);
    s->ratelimit = lt_ratelimit_new(c->rate_limit, c->rate_burst);
    if (c->api_keys && *c->api_keys && !s->auth) {
        free_parts(s);
        return lt_fail(err, "serve: the API key list has no usable key (1-256 characters each)");
    }
    s->jobs = lt_jobs_new(c->workers, c->queue_size);
    if (!s->jobs) {
        free_parts(s);
        return lt_fail(err, "serve: cannot start %d worker threads", c->workers);
    }
    memcpy(s->routes, routes, sizeof routes);
    if (c->auth_info_routes)
        for (size_t i = 0; i < N_ROUTES; i++)
            if (strcmp(s->routes[i].pattern, "/health") && strcmp(s->routes[i].pattern, "/ready")) s->routes[i].open = 0;
    for (size_t i = 0; i < N_ROUTES; i++)
        if (!strcmp(s->routes[i].pattern, "/v1/voices") && !strcmp(s->routes[i].method, "POST"))
            s->routes[i].max_body = s->cfg.max_voice_upload / 3 * 4 + 8 + (64u << 10); /* base64 + the JSON around it */
    lt_http_config hc = {
        .host = s->cfg.host, .port = c->port, .threads = c->http_threads, .max_body = c->max_body,
        .stream_buffer = 4u << 20, .connection_timeout = (unsigned)c->read_timeout_s,
        .max_connections = (unsigned)c->max_connections,
        .routes = s->routes, .n_routes = (int)N_ROUTES, .ud = s,
        .auth = s->auth ? lt_auth_check : NULL, .auth_ud = s->auth, .on_reply = on_reply, .on_complete = on_complete,
        .admit = s->ratelimit ? admit : NULL, .admit_ud = s->ratelimit,
    };
    if (lt_http_start(&hc, &s->http, err)) {
        lt_jobs_free(s->jobs);
        free_parts(s);
        return -1;
    }
    if (!c->quiet)
        fprintf(stderr, "litetts serve: listening on http://%s:%d (loading %s)\n",
                s->cfg.host && *s->cfg.host ? s->cfg.host : "*", lt_http_port(s->http), c->model_path);
    if (load(s, err)) {
        atomic_store(&s->state, LT_SRV_DRAINING);
        lt_jobs_free(s->jobs);
        lt_http_stop(s->http);
        free_parts(s);
        return -1;
    }
    atomic_store(&s->state, LT_SRV_READY);
    if (!c->quiet)
        fprintf(stderr, "litetts serve: ready: %d voices, %d worker(s), queue %d, auth %s, cache %s\n",
                lt_voices_count(s->voices), c->workers, c->queue_size, s->auth ? "on" : "off",
                s->cache ? "on" : "off");
    if (lt_server_precache_start(s, err)) {
        lt_server_stop(s);
        return -1;
    }
    *out = s;
    return 0;
}

int lt_server_port(const lt_server *s) { return lt_http_port(s->http); }
void lt_server_hold(lt_server *s, int hold) { lt_jobs_hold(s->jobs, hold); }
int lt_server_waiting(lt_server *s) { return lt_jobs_waiting(s->jobs); }
int lt_server_precache_pending(lt_server *s) { return atomic_load(&s->precache_pending); }

void lt_server_stop(lt_server *s) {
    if (!s) return;
    atomic_store(&s->stopping, 1);
    atomic_store(&s->state, LT_SRV_DRAINING);
    if (s->precache_started) pthread_join(s->precache_thread, NULL);
    lt_http_quiesce(s->http);
    int left = lt_jobs_drain(s->jobs, s->cfg.drain_ms);
    if (left) {
        if (!s->cfg.quiet) fprintf(stderr, "litetts serve: cancelling %d unfinished request(s)\n", left);
        atomic_store(&s->cancel, 1);
    }
    lt_jobs_free(s->jobs); /* every job has replied or closed its stream once this returns */
    lt_http_wait_idle(s->http, 2000); /* let those last replies go out */
    lt_http_stop(s->http);
    free_parts(s);
}
