/* routes_cache.c — GET /v1/cache/stats and DELETE /v1/cache (the audio
 * cache's two tiers), and GET /metrics (Prometheus text: the counters of
 * metrics.c plus queue, cache, voice and precache figures read now). */
#include <stdlib.h>

#include "server/server_internal.h"

static json_t *tier(uint64_t entries, uint64_t bytes, uint64_t hits, uint64_t misses) {
    uint64_t total = hits + misses;
    return json_pack("{s:I, s:I, s:I, s:I, s:f}", "entries", (json_int_t)entries, "bytes", (json_int_t)bytes, "hits",
                     (json_int_t)hits, "misses", (json_int_t)misses, "hit_ratio",
                     total ? (double)hits / (double)total : 0.0);
}

void lt_route_cache_stats(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!lt_server_check_ready(s, r)) return;
    lt_cache_stats st = {0};
    if (s->cache) lt_cache_stats_get(s->cache, &st);
    json_t *disk = tier(st.disk_entries, st.disk_bytes, st.disk_hits, st.disk_misses);
    json_object_set_new(disk, "corrupt", json_integer((json_int_t)st.disk_corrupt));
    json_object_set_new(disk, "enabled", json_boolean(s->cache && s->cfg.data_dir && *s->cfg.data_dir &&
                                                      s->cfg.cache_disk_mb));
    json_t *mem = tier(st.mem_entries, st.mem_bytes, st.mem_hits, st.mem_misses);
    json_object_set_new(mem, "enabled", json_boolean(s->cache && s->cfg.cache_mem_mb));
    json_t *redis = json_pack("{s:b, s:I, s:I, s:I}", "enabled", st.redis_enabled, "hits", (json_int_t)st.redis_hits,
                              "misses", (json_int_t)st.redis_misses, "unavailable", (json_int_t)st.redis_errors);
    lt_http_reply_json(r, 200, json_pack("{s:o, s:o, s:o, s:i}", "memory", mem, "disk", disk, "redis", redis,
                                         "precache_pending", lt_server_precache_pending(s)));
}

void lt_route_cache_clear(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    if (!lt_server_check_ready(s, r)) return;
    lt_err err;
    if (s->cache && lt_cache_clear(s->cache, &err)) {
        lt_http_reply_error(r, 500, NULL, NULL, "%s", err.msg);
        return;
    }
    lt_http_reply_json(r, 200, json_pack("{s:b}", "cleared", 1));
}

#define COUNTER(name, help, fmt, v)                                                                                   \
    lt_metrics_appendf(&buf, &len, &cap, "# HELP " name " " help "\n# TYPE " name " counter\n" name " " fmt "\n", v)
#define GAUGE(name, help, fmt, v)                                                                                     \
    lt_metrics_appendf(&buf, &len, &cap, "# HELP " name " " help "\n# TYPE " name " gauge\n" name " " fmt "\n", v)

void lt_route_metrics(lt_http_req *r, void *ud) {
    lt_server *s = ud;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    lt_metrics_render(s->metrics, &buf, &len, &cap);
    if (atomic_load(&s->state) == LT_SRV_READY) {
        GAUGE("litetts_queue_depth", "Requests waiting for a synthesis worker.", "%d", lt_jobs_waiting(s->jobs));
        GAUGE("litetts_jobs_running", "Requests being synthesised (computing or waiting for their next chunk's turn).",
              "%d", lt_jobs_running(s->jobs));
        GAUGE("litetts_active_streams", "Streamed replies in progress.", "%d", lt_http_active_streams(s->http));
        GAUGE("litetts_model_load_seconds", "Time the model took to load at start.", "%.6f", s->model_load_s);
        COUNTER("litetts_abandoned_streams_total", "Streams whose client left before the end.", "%ld",
                atomic_load(&s->n_abandoned));
        GAUGE("litetts_precache_pending", "Phrases of --precache not yet done.", "%d", lt_server_precache_pending(s));
        lt_cache_stats st = {0};
        if (s->cache) lt_cache_stats_get(s->cache, &st);
        lt_metrics_appendf(&buf, &len, &cap,
                           "# HELP litetts_cache_hits_total Audio cache hits by tier.\n"
                           "# TYPE litetts_cache_hits_total counter\n"
                           "litetts_cache_hits_total{tier=\"memory\"} %llu\n"
                           "litetts_cache_hits_total{tier=\"disk\"} %llu\n"
                           "# HELP litetts_cache_misses_total Audio cache misses by tier.\n"
                           "# TYPE litetts_cache_misses_total counter\n"
                           "litetts_cache_misses_total{tier=\"memory\"} %llu\n"
                           "litetts_cache_misses_total{tier=\"disk\"} %llu\n"
                           "# HELP litetts_cache_entries Audio cache entries by tier.\n"
                           "# TYPE litetts_cache_entries gauge\n"
                           "litetts_cache_entries{tier=\"memory\"} %llu\nlitetts_cache_entries{tier=\"disk\"} %llu\n"
                           "# HELP litetts_cache_bytes Audio cache bytes by tier.\n"
                           "# TYPE litetts_cache_bytes gauge\n"
                           "litetts_cache_bytes{tier=\"memory\"} %llu\nlitetts_cache_bytes{tier=\"disk\"} %llu\n"
                           "# HELP litetts_cache_corrupt_total Damaged disk cache entries dropped.\n"
                           "# TYPE litetts_cache_corrupt_total counter\nlitetts_cache_corrupt_total %llu\n",
                           (unsigned long long)st.mem_hits, (unsigned long long)st.disk_hits,
                           (unsigned long long)st.mem_misses, (unsigned long long)st.disk_misses,
                           (unsigned long long)st.mem_entries, (unsigned long long)st.disk_entries,
                           (unsigned long long)st.mem_bytes, (unsigned long long)st.disk_bytes,
                           (unsigned long long)st.disk_corrupt);
        lt_voices_stats vs;
        lt_voices_stats_get(s->voices, &vs);
        COUNTER("litetts_voice_loads_total", "Voice packs loaded or blended.", "%llu", (unsigned long long)vs.loads);
        COUNTER("litetts_voice_load_seconds_total", "Time spent loading and blending voice packs.", "%.6f",
                vs.load_seconds);
        GAUGE("litetts_voice_cache_entries", "Parsed voice packs in memory.", "%d", vs.cached);
        GAUGE("litetts_voices", "Voices offered (built-in and saved).", "%d", lt_voices_count(s->voices));
    }
    if (!buf) {
        lt_http_reply_error(r, 500, NULL, NULL, "out of memory");
        return;
    }
    lt_http_reply_owned(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}
