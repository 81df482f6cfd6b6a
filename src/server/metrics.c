/* metrics.c — request and synthesis counters for GET /metrics (see metrics.h). */
#include "server/metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 256

typedef struct series {
    const char *route; /* static pattern or NULL */
    char method[8];
    int status;
    uint64_t count;
} series;

struct lt_metrics {
    pthread_mutex_t mu;
    series s[MAX_SERIES];
    int n;
    uint64_t overflow;
    double synth_seconds, audio_seconds;
    uint64_t syntheses, cached_answers;
};

lt_metrics *lt_metrics_new(void) {
    lt_metrics *m = calloc(1, sizeof *m);
    if (m) pthread_mutex_init(&m->mu, NULL);
    return m;
}

void lt_metrics_free(lt_metrics *m) {
    if (!m) return;
    pthread_mutex_destroy(&m->mu);
    free(m);
}

void lt_metrics_request(lt_metrics *m, const char *method, const char *route, int status) {
    if (!m) return;
    pthread_mutex_lock(&m->mu);
    int i;
    for (i = 0; i < m->n; i++)
        if (m->s[i].route == route && m->s[i].status == status && !strcmp(m->s[i].method, method)) break;
    if (i == m->n && m->n < MAX_SERIES) {
        m->s[i].route = route;
        snprintf(m->s[i].method, sizeof m->s[i].method, "%s", method);
        m->s[i].status = status;
        m->n++;
    }
    if (i < m->n) m->s[i].count++;
    else m->overflow++;
    pthread_mutex_unlock(&m->mu);
}

void lt_metrics_synthesis(lt_metrics *m, double synth_seconds, double audio_seconds, int cached) {
    if (!m) return;
    pthread_mutex_lock(&m->mu);
    if (cached) {
        m->cached_answers++;
    } else {
        m->syntheses++;
        m->synth_seconds += synth_seconds;
        m->audio_seconds += audio_seconds;
    }
    pthread_mutex_unlock(&m->mu);
}

void lt_metrics_appendf(char **buf, size_t *len, size_t *cap, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (*buf && *len + (size_t)n < *cap) {
            *len += (size_t)n;
            return;
        }
        size_t nc = *cap ? *cap * 2 : 8192;
        while (nc < *len + (size_t)n + 1) nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb) return;
        *buf = nb;
        *cap = nc;
    }
}

void lt_metrics_render(lt_metrics *m, char **buf, size_t *len, size_t *cap) {
    pthread_mutex_lock(&m->mu);
    lt_metrics_appendf(buf, len, cap,
                       "# HELP litetts_requests_total HTTP requests answered, by route, method and status.\n"
                       "# TYPE litetts_requests_total counter\n");
    for (int i = 0; i < m->n; i++)
        lt_metrics_appendf(buf, len, cap, "litetts_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
                           m->s[i].route ? m->s[i].route : "unmatched", m->s[i].method, m->s[i].status,
                           (unsigned long long)m->s[i].count);
    lt_metrics_appendf(
        buf, len, cap,
        "# HELP litetts_synthesis_seconds_total Wall time spent synthesising (cache hits excluded).\n"
        "# TYPE litetts_synthesis_seconds_total counter\nlitetts_synthesis_seconds_total %.6f\n"
        "# HELP litetts_audio_seconds_total Seconds of audio synthesised.\n"
        "# TYPE litetts_audio_seconds_total counter\nlitetts_audio_seconds_total %.6f\n"
        "# HELP litetts_syntheses_total Requests synthesised.\n"
        "# TYPE litetts_syntheses_total counter\nlitetts_syntheses_total %llu\n"
        "# HELP litetts_cached_answers_total Requests answered from the audio cache.\n"
        "# TYPE litetts_cached_answers_total counter\nlitetts_cached_answers_total %llu\n",
        m->synth_seconds, m->audio_seconds, (unsigned long long)m->syntheses, (unsigned long long)m->cached_answers);
    pthread_mutex_unlock(&m->mu);
}
