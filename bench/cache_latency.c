/* cache_latency.c — how fast the server answers a repeat from its audio
 * cache: one request synthesises a phrase, then N identical requests (one
 * keep-alive connection, loopback) are timed from send to the last byte;
 * prints p50/p95/p99 per tier. The goal (issue #6): ≤ 2 ms p50 on loopback.
 * Tiers: "memory" (the default), "disk" (memory tier off), both for a
 * whole-file MP3 and a streamed one.
 *
 *   build/cache_latency [--model FILE] [--voices DIR] [--voice NAME] [-n N]
 * Defaults: the tiny golden model and its voices under $LT_SHARED (../shared). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/server.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static size_t sink(char *p, size_t sz, size_t n, void *ud) {
    (void)p;
    *(size_t *)ud += sz * n;
    return sz * n;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* times n repeats of one request on one connection; fills ms[] (sorted) */
static int run(CURL *c, const char *url, const char *body, int n, double *ms) {
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    size_t bytes = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bytes);
    int bad = 0;
    for (int i = -1; i < n; i++) { /* i = -1: the miss that fills the cache */
        double t0 = now_s();
        long status = 0;
        if (curl_easy_perform(c) != CURLE_OK) bad++;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) bad++;
        if (i >= 0) ms[i] = (now_s() - t0) * 1e3;
        if (i % 200 == 0) fprintf(stderr, "\r  %d/%d", i + 1, n);
    }
    fprintf(stderr, "\r");
    curl_slist_free_all(h);
    qsort(ms, (size_t)n, sizeof *ms, cmp);
    return bad;
}

static int tier(const char *name, const char *model, const char *voices, const char *voice, int n, int mem_mb,
                double *ms) {
    char dir[] = "/tmp/litetts-cache-latency-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    lt_server_config c;
    lt_server_config_default(&c);
    c.model_path = model;
    c.voices_dir = voices;
    c.port = 0;
    c.quiet = 1;
    c.data_dir = dir;
    c.cache_mem_mb = (size_t)mem_mb;
    lt_err err;
    lt_server *s;
    if (lt_server_start(&c, &s, &err)) {
        fprintf(stderr, "cache_latency: %s\n", err.msg);
        return 1;
    }
    char url[128], body[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/audio/speech", lt_server_port(s));
    int bad = 0;
    for (int stream = 0; stream < 2; stream++) {
        snprintf(body, sizeof body,
                 "{\"input\":\"Thanks for calling. How can I help you today?\",\"voice\":\"%s\","
                 "\"response_format\":\"mp3\",\"stream\":%s}",
                 voice, stream ? "true" : "false");
        CURL *h = curl_easy_init();
        bad += run(h, url, body, n, ms);
        curl_easy_cleanup(h);
        printf("%-6s %-7s p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  (%d requests)\n", name,
               stream ? "stream" : "whole", ms[n / 2], ms[(int)(n * 0.95)], ms[(int)(n * 0.99)], n);
    }
    lt_server_stop(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) bad++;
    return bad;
}

int main(int argc, char **argv) {
    const char *shared = getenv("LT_SHARED"), *model = NULL, *voices = NULL, *voice = "af_sky";
    int n = 1000;
    if (!shared) shared = "../shared";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
        else if (!strcmp(argv[i], "--voices") && i + 1 < argc) voices = argv[++i];
        else if (!strcmp(argv[i], "--voice") && i + 1 < argc) voice = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: cache_latency [--model FILE] [--voices DIR] [--voice NAME] [-n N]\n");
            return 2;
        }
    }
    if (n < 10 || n > 1000000) n = 1000;
    char m[1024], v[1024];
    if (!model) {
        snprintf(m, sizeof m, "%s/kokoro-golden/tiny/kokoro-tiny.pth", shared);
        model = m;
    }
    if (!voices) {
        snprintf(v, sizeof v, "%s/kokoro-golden/tiny/voices", shared);
        voices = v;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    double *ms = malloc(sizeof *ms * (size_t)n);
    int bad = tier("memory", model, voices, voice, n, 64, ms) + tier("disk", model, voices, voice, n, 0, ms);
    free(ms);
    curl_global_cleanup();
    if (bad) fprintf(stderr, "cache_latency: %d failed requests\n", bad);
    return bad ? 1 : 0;
}
