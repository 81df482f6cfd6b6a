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

/* histogram bucket bounds in seconds (+Inf implied) */
static const double BOUNDS[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
#define N_BOUNDS (int)(sizeof BOUNDS / sizeof BOUNDS[0])
#define MAX_HIST 48
#define MAX_FORMATS 16

typedef struct histogram {
    const char *route; /* static pattern or NULL */
    uint64_t bucket[N_BOUNDS + 1]; /* non-cumulative; last = above every bound */
    uint64_t count;
    double sum;
} histogram;

struct lt_metrics {
    pthread_mutex_t mu;
    series s[MAX_SERIES];
    int n;
    uint64_t overflow;
    double synth_seconds, audio_seconds;
    uint64_t syntheses, cached_answers;
    histogram duration[MAX_HIST], ttfa[MAX_HIST];
    int n_duration, n_ttfa;
    struct {
        char name[16];
        uint64_t count;
    } formats[MAX_FORMATS];
    int n_formats;
};

static void observe(histogram *h, int *n, const char *route, double v) {
    int i;
    for (i = 0; i < *n; i++)
        if (h[i].route == route) break;
    if (i == *n) {
        if (*n == MAX_HIST) return;
        h[i].route = route;
        (*n)++;
    }
    int b = 0;
    while (b < N_BOUNDS && v > BOUNDS[b]) b++;
    h[i].bucket[b]++;
    h[i].count++;
    h[i].sum += v;
}

void lt_metrics_complete(lt_metrics *m, const char *route, const char *format, int status, double ttfa_s,
                         double total_s) {
    if (!m) return;
    pthread_mutex_lock(&m->mu);
    observe(m->duration, &m->n_duration, route, total_s);
    if (format && *format && status == 200) {
        observe(m->ttfa, &m->n_ttfa, route, ttfa_s);
        int i;
        for (i = 0; i < m->n_formats; i++)
            if (!strcmp(m->formats[i].name, format)) break;
        if (i == m->n_formats && i < MAX_FORMATS) {
            snprintf(m->formats[i].name, sizeof m->formats[i].name, "%s", format);
            m->n_formats++;
        }
        if (i < m->n_formats) m->formats[i].count++;
    }
    pthread_mutex_unlock(&m->mu);
}

static void render_histograms(const histogram *h, int n, const char *name, const char *help, char **buf, size_t *len,
                              size_t *cap) {
    lt_metrics_appendf(buf, len, cap, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
    for (int i = 0; i < n; i++) {
        const char *route = h[i].route ? h[i].route : "unmatched";
        uint64_t cum = 0;
        for (int b = 0; b < N_BOUNDS; b++) {
            cum += h[i].bucket[b];
            lt_metrics_appendf(buf, len, cap, "%s_bucket{route=\"%s\",le=\"%g\"} %llu\n", name, route, BOUNDS[b],
                               (unsigned long long)cum);
        }
        lt_metrics_appendf(buf, len, cap,
                           "%s_bucket{route=\"%s\",le=\"+Inf\"} %llu\n%s_sum{route=\"%s\"} %.6f\n"
                           "%s_count{route=\"%s\"} %llu\n",
                           name, route, (unsigned long long)h[i].count, name, route, h[i].sum, name, route,
                           (unsigned long long)h[i].count);
    }
}

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
    lt_metrics_appendf(buf, len, cap,
                       "# HELP litetts_rtf Real-time factor of the syntheses so far (synthesis seconds per audio "
                       "second; below 1 is faster than real time).\n# TYPE litetts_rtf gauge\nlitetts_rtf %.6f\n",
                       m->audio_seconds > 0 ? m->synth_seconds / m->audio_seconds : 0.0);
    lt_metrics_appendf(buf, len, cap,
                       "# HELP litetts_speech_requests_total Audio replies (status 200) by response format.\n"
                       "# TYPE litetts_speech_requests_total counter\n");
    for (int i = 0; i < m->n_formats; i++)
        lt_metrics_appendf(buf, len, cap, "litetts_speech_requests_total{format=\"%s\"} %llu\n", m->formats[i].name,
                           (unsigned long long)m->formats[i].count);
    render_histograms(m->duration, m->n_duration, "litetts_request_duration_seconds",
                      "Time from the request's arrival to the end of its reply, by route.", buf, len, cap);
    render_histograms(m->ttfa, m->n_ttfa, "litetts_time_to_first_audio_seconds",
                      "Time from the request's arrival to the first audio byte ready to send, by route.", buf, len,
                      cap);
    pthread_mutex_unlock(&m->mu);
}
