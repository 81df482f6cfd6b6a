/* server.h — `litetts serve` as a library: the OpenAI-compatible speech
 * server (settings, start, readiness, graceful stop). The CLI and the tests
 * both use it; the HTTP layer, workers, voices and routes are its parts. */
#ifndef LT_SERVER_SERVER_H
#define LT_SERVER_SERVER_H

#include <stddef.h>

#include "core/error.h"

typedef struct lt_server_config {
    const char *model_path;  /* .pth or .gguf */
    const char *config_path; /* NULL = beside the model / inside the GGUF */
    const char *voices_dir;
    const char *lexicon_dir; /* NULL = espeak-ng only */
    const char *host;        /* default 127.0.0.1 */
    int port;                /* default 8880; 0 = ephemeral */
    int http_threads;        /* default 2 */
    int workers;             /* synthesis workers, default 1 */
    int queue_size;          /* requests waiting beyond the workers, default 16 */
    size_t max_input;        /* characters of `input`, default 4096 */
    size_t max_body;         /* bytes, default 1 MiB */
    int read_timeout_s;      /* a connection idle this long is closed (slow clients), default 30 */
    int max_connections;     /* open connections at once, default 512 */
    const char *api_keys;    /* comma-separated; NULL/"" = no auth */
    int auth_info_routes;    /* with keys: the voice/model lists, /v1/test and /metrics need one too
                                (/health and /ready stay open) */
    double rate_limit;       /* requests per second per API key or client address; 0 = off */
    double rate_burst;       /* bucket size; 0 = 2 × rate_limit */
    int drain_ms;            /* graceful stop: in-flight requests get this long, default 10000 */
    int quiet;               /* no log lines on stderr */
    const char *access_log;  /* one JSON line per request: NULL = stderr (none when quiet), a file path
                                (appended), "-" = stdout, "" or "off" = none */
    /* voices */
    int voice_cache;         /* parsed packs (voices, blends) kept in memory, default 64 */
    const char *preload;     /* comma-separated voices loaded at start (NULL = none) */
    int max_blend_terms;     /* default 8 (at most 16) */
    int blend_raw_weights;   /* blends use raw weights instead of normalised ones */
    const char *data_dir;    /* saved voices and the disk cache, default "./data"; "" = neither */
    size_t max_voice_upload; /* bytes of an uploaded pack, default 2 MiB */
    /* audio cache */
    size_t cache_mem_mb;     /* memory tier, default 64; 0 = off */
    size_t cache_disk_mb;    /* disk tier under <data_dir>/cache, default 512; 0 = off */
    const char *redis_url;   /* shared cache tier, redis://host:port/db, or NULL */
    const char *precache;    /* JSON file: [{"text","voice","format"?}] synthesised at start, in the background */
} lt_server_config;

typedef struct lt_server lt_server;

void lt_server_config_default(lt_server_config *c);
/* Listen, then load the model and voices (GET /ready answers 503 until
 * then) and return. */
int lt_server_start(const lt_server_config *c, lt_server **out, lt_err *err);
int lt_server_port(const lt_server *s);
/* Graceful stop: refuse new work (503), stop accepting connections, let
 * in-flight requests finish up to drain_ms, cancel the rest, free. */
void lt_server_stop(lt_server *s);

/* For tests and maintenance: hold the workers (queued jobs wait), and the
 * number of jobs waiting. */
void lt_server_hold(lt_server *s, int hold);
int lt_server_waiting(lt_server *s);
/* Phrases of --precache not yet finished (0 once all are cached or failed). */
int lt_server_precache_pending(lt_server *s);

#endif
