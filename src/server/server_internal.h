/* server_internal.h — the state the server's route handlers share (not a
 * public interface: server.c owns it, routes_*.c read it). */
#ifndef LT_SERVER_SERVER_INTERNAL_H
#define LT_SERVER_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>

#include "cache/audio_cache.h"
#include "engine/kokoro.h"
#include "server/auth.h"
#include "server/http.h"
#include "server/ratelimit.h"
#include "server/jobs.h"
#include "server/metrics.h"
#include "server/server.h"
#include "server/synth.h"
#include "server/voices.h"

enum { LT_SRV_LOADING, LT_SRV_READY, LT_SRV_DRAINING };

struct ph_memo {
    char key[65];
    char *ph;     /* NULL = empty slot */
    uint64_t used;
};

struct lt_server {
    lt_server_config cfg;
    char *strings[10];    /* owned copies of the config's strings */
    atomic_int state;
    atomic_int cancel;    /* set at the drain deadline: running jobs stop at the next chunk */
    atomic_long n_abandoned; /* streams whose client left before the end (synthesis stopped early) */
    time_t started;
    lt_http *http;
    lt_http_endpoint routes[32]; /* the route table with this server's body limits */
    lt_jobs *jobs;
    lt_kokoro *model;
    lt_voices *voices;
    lt_synth *synth;
    lt_auth *auth;
    lt_ratelimit *ratelimit; /* NULL = no limit */
    lt_metrics *metrics;
    /* the audio cache (NULL = off) and what its keys are made of */
    lt_cache *cache;
    char model_hash[65];
    char engine_version[64];
    /* text → phonemes of recent requests, so a repeat is answered from the
     * cache on the HTTP thread without waiting for a worker */
    pthread_mutex_t memo_mu;
    struct ph_memo *memo;
    int memo_n;
    uint64_t memo_clock;
    /* the access log (NULL = none) */
    FILE *access_log;
    int access_log_owned;
    pthread_mutex_t log_mu;
    double model_load_s;
    /* --precache */
    pthread_t precache_thread;
    int precache_started;
    atomic_int precache_pending;
    atomic_int stopping;
};

#define LT_MEMO_MAX 1024

/* The key of a request's text as the front-end sees it (input, language, normalisation). */
void lt_server_text_key(const lt_speech_req *req, char out[65]);
/* 1 and *ph (malloc'd) when the memo knows the phonemes of this text key. */
int lt_server_memo_get(lt_server *s, const char *text_key, char **ph);
void lt_server_memo_put(lt_server *s, const char *text_key, const char *ph);
/* The audio cache key of a request whose text gave these phonemes. */
void lt_server_audio_key(lt_server *s, const lt_speech_req *req, const char *phonemes, const char *voice_hash,
                         char key[LT_CACHE_KEY_LEN]);
/* Start synthesising --precache in the background (routes_speech.c). */
int lt_server_precache_start(lt_server *s, lt_err *err);

/* Reply 503 + Retry-After unless the server is ready; returns 1 when ready. */
int lt_server_check_ready(lt_server *s, lt_http_req *r);

/* routes_info.c */
void lt_route_health(lt_http_req *r, void *ud);
void lt_route_ready(lt_http_req *r, void *ud);
void lt_route_test(lt_http_req *r, void *ud);
void lt_route_models(lt_http_req *r, void *ud);
void lt_route_model(lt_http_req *r, void *ud);
void lt_route_audio_models(lt_http_req *r, void *ud);
void lt_route_voices(lt_http_req *r, void *ud);
/* routes_speech.c */
void lt_route_speech(lt_http_req *r, void *ud);
void lt_route_captioned(lt_http_req *r, void *ud);
void lt_route_from_phonemes(lt_http_req *r, void *ud);
/* routes_dev.c */
void lt_route_phonemize(lt_http_req *r, void *ud);
/* routes_voices.c */
void lt_route_voice_save(lt_http_req *r, void *ud);
void lt_route_voice_list(lt_http_req *r, void *ud);
void lt_route_voice_get(lt_http_req *r, void *ud);
void lt_route_voice_delete(lt_http_req *r, void *ud);
void lt_route_voice_combine(lt_http_req *r, void *ud);
/* routes_cache.c */
void lt_route_cache_stats(lt_http_req *r, void *ud);
void lt_route_cache_clear(lt_http_req *r, void *ud);
void lt_route_metrics(lt_http_req *r, void *ud);

#endif
