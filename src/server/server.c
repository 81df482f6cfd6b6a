/* server.c — see server.h: settings, start (listen, then load), the route
 * table, readiness, and the graceful stop. */
#include "server/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

static const lt_http_endpoint routes[] = {
    {"GET", "/health", lt_route_health, 1},
    {"GET", "/ready", lt_route_ready, 1},
    {"GET", "/v1/test", lt_route_test, 1},
    {"GET", "/v1/models", lt_route_models, 1},
    {"GET", "/v1/models/{}", lt_route_model, 1},
    {"GET", "/v1/audio/models", lt_route_audio_models, 1},
    {"GET", "/v1/audio/voices", lt_route_voices, 1},
    {"POST", "/v1/audio/speech", lt_route_speech, 0},
    {"POST", "/dev/captioned_speech", lt_route_captioned, 0},
    {"POST", "/dev/phonemize", lt_route_phonemize, 0},
};

void lt_server_config_default(lt_server_config *c) {
    memset(c, 0, sizeof *c);
    c->host = "127.0.0.1";
    c->port = 8880;
    c->http_threads = 2;
    c->workers = 1;
    c->queue_size = 16;
    c->max_input = 4096;
    c->max_body = 1u << 20;
    c->drain_ms = 10000;
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
    lt_kokoro_free(s->model);
    lt_auth_free(s->auth);
    for (int i = 0; i < 6; i++) free(s->strings[i]);
    free(s);
}

int lt_server_start(const lt_server_config *c, lt_server **out, lt_err *err) {
    *out = NULL;
    if (!c->model_path || !c->voices_dir) return lt_fail(err, "serve: --model and --voices are required");
    if (c->workers < 1 || c->queue_size < 0 || c->http_threads < 1 || c->max_input < 1 || c->max_body < 64)
        return lt_fail(err, "serve: workers, threads, max input and max body must be positive, queue size >= 0");
    lt_server *s = calloc(1, sizeof *s);
    if (!s) return lt_fail(err, "out of memory");
    s->cfg = *c;
    s->cfg.model_path = dup_opt(s, 0, c->model_path);
    s->cfg.config_path = dup_opt(s, 1, c->config_path);
    s->cfg.voices_dir = dup_opt(s, 2, c->voices_dir);
    s->cfg.lexicon_dir = dup_opt(s, 3, c->lexicon_dir);
    s->cfg.host = dup_opt(s, 4, c->host);
    s->cfg.api_keys = NULL;
    s->started = time(NULL);
    atomic_init(&s->state, LT_SRV_LOADING);
    atomic_init(&s->cancel, 0);
    atomic_init(&s->n_abandoned, 0);
    s->auth = lt_auth_new(c->api_keys);
    if (c->api_keys && *c->api_keys && !s->auth) {
        free_parts(s);
        return lt_fail(err, "serve: the API key list has no usable key (1-256 characters each)");
    }
    s->jobs = lt_jobs_new(c->workers, c->queue_size);
    if (!s->jobs) {
        free_parts(s);
        return lt_fail(err, "serve: cannot start %d worker threads", c->workers);
    }
    lt_http_config hc = {
        .host = s->cfg.host, .port = c->port, .threads = c->http_threads, .max_body = c->max_body,
        .stream_buffer = 4u << 20, .connection_timeout = 60, .max_connections = 512,
        .routes = routes, .n_routes = (int)(sizeof routes / sizeof routes[0]), .ud = s,
        .auth = s->auth ? lt_auth_check : NULL, .auth_ud = s->auth,
    };
    if (lt_http_start(&hc, &s->http, err)) {
        lt_jobs_free(s->jobs);
        free_parts(s);
        return -1;
    }
    if (!c->quiet)
        fprintf(stderr, "litetts serve: listening on http://%s:%d (loading %s)\n",
                s->cfg.host && *s->cfg.host ? s->cfg.host : "*", lt_http_port(s->http), c->model_path);
    if (lt_kokoro_open(s->cfg.model_path, s->cfg.config_path, &s->model, err) ||
        lt_voices_open(s->cfg.voices_dir, 2 * s->model->cfg.style_dim, &s->voices, err) ||
        !(s->synth = lt_synth_new(s->model, s->voices, s->cfg.lexicon_dir, c->workers))) {
        if (!s->synth && s->voices) lt_fail(err, "out of memory");
        atomic_store(&s->state, LT_SRV_DRAINING);
        lt_jobs_free(s->jobs);
        lt_http_stop(s->http);
        free_parts(s);
        return -1;
    }
    atomic_store(&s->state, LT_SRV_READY);
    if (!c->quiet)
        fprintf(stderr, "litetts serve: ready: %d voices, %d worker(s), queue %d, auth %s\n",
                lt_voices_count(s->voices), c->workers, c->queue_size, s->auth ? "on" : "off");
    *out = s;
    return 0;
}

int lt_server_port(const lt_server *s) { return lt_http_port(s->http); }
void lt_server_hold(lt_server *s, int hold) { lt_jobs_hold(s->jobs, hold); }
int lt_server_waiting(lt_server *s) { return lt_jobs_waiting(s->jobs); }

void lt_server_stop(lt_server *s) {
    if (!s) return;
    atomic_store(&s->state, LT_SRV_DRAINING);
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
