/* metrics.h — the counters behind GET /metrics: requests by route, method
 * and status, synthesis and audio seconds, precache progress. The gauges
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
/* Append the counters in Prometheus text format to *buf (malloc'd, grown). */
void lt_metrics_render(lt_metrics *m, char **buf, size_t *len, size_t *cap);
/* printf-append helper for the renderers. */
void lt_metrics_appendf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
