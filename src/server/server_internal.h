/* server_internal.h — the state the server's route handlers share (not a
 * public interface: server.c owns it, routes_*.c read it). */
#ifndef LT_SERVER_SERVER_INTERNAL_H
#define LT_SERVER_SERVER_INTERNAL_H

#include <stdatomic.h>
#include <time.h>

#include "engine/kokoro.h"
#include "server/auth.h"
#include "server/http.h"
#include "server/jobs.h"
#include "server/server.h"
#include "server/synth.h"
#include "server/voices.h"

enum { LT_SRV_LOADING, LT_SRV_READY, LT_SRV_DRAINING };

struct lt_server {
    lt_server_config cfg;
    char *strings[6];     /* owned copies of the config's strings */
    atomic_int state;
    atomic_int cancel;    /* set at the drain deadline: running jobs stop at the next chunk */
    atomic_long n_abandoned; /* streams whose client left before the end (synthesis stopped early) */
    time_t started;
    lt_http *http;
    lt_jobs *jobs;
    lt_kokoro *model;
    lt_voices *voices;
    lt_synth *synth;
    lt_auth *auth;
};

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
/* routes_dev.c */
void lt_route_phonemize(lt_http_req *r, void *ud);

#endif
