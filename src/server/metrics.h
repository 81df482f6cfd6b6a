/* metrics.h — the counters behind GET /metrics: requests by route, method
 * and status, speech requests by format, request duration and
 * time-to-first-audio histograms by route, synthesis and audio seconds
 * (and so the real-time factor). The gauges
 * (queue depth, cache and voice figures) are read from their owners when
 * the text is rendered (routes_cache.c). Thread-safe. */
#ifndef LT_SERVER_METRICS_H
#define LT_SERVER_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct lt_metrics lt_metrics;

lt_metrics *lt_metrics_new(void);
void lt_metrics_free(lt_metrics *m);
/* route: a route pattern (static string) or NULL (no route matched). */
void lt_metrics_request(lt_metrics *m, const char *method, const char *route, int status);
void lt_metrics_synthesis(lt_metrics *m, double synth_seconds, double audio_seconds, int cached);
/* A finished request: its duration by route; for replies carrying audio
 * (format not empty, status 200) also its time to first audio and format. */
void lt_metrics_complete(lt_metrics *m, const char *route, const char *format, int status, double ttfa_s,
                         double total_s);
/* Append the counters in Prometheus text format to *buf (malloc'd, grown). */
void lt_metrics_render(lt_metrics *m, char **buf, size_t *len, size_t *cap);
/* printf-append helper for the renderers. */
void lt_metrics_appendf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
