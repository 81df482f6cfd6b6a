/* server_load.c — the server under concurrent streams: time to first
 * audio (TTFA) of one streamed request alone, then of N streamed requests
 * arriving at once, and the process's memory across rounds. Prints the
 * ratios the issue sets as goals:
 *   single TTFA / single total time          (goal ≤ 0.25)
 *   N-stream TTFA p95 / (N × single TTFA)    (goal ≤ 1.2: first chunks go
 *                                             first, no head-of-line blocking)
 *   RSS after round 2 / after round 1        (flat under load: ≈ 1.0)
 * The server runs in this process (lt_server_start), on loopback, with the
 * audio cache off so every request is synthesised.
 *
 *   build/server_load                         # recipe weights (generated, f32), 16 streams
 *   build/server_load --model kokoro-v1_0.pth --voices models/voices --streams 16
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/config.h"
#include "engine/gguf.h"
#include "engine/recipe_weights.h"
#include "engine/weight_norm.h"
#include "server/server.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* VmRSS or VmHWM of this process in MiB */
static double proc_mb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    double v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, n)) v = atof(line + n + 1) / 1024.0;
    fclose(f);
    return v;
}

typedef struct stream_run {
    pthread_t t;
    const char *url;
    char body[2048];
    pthread_barrier_t *start;
    double t0, ttfa, total;
    size_t bytes;
    long status;
} stream_run;

static size_t on_data(char *p, size_t sz, size_t n, void *ud) {
    (void)p;
    stream_run *r = ud;
    if (!r->bytes && sz * n > 0) r->ttfa = now_s() - r->t0;
    r->bytes += sz * n;
    return sz * n;
}

static void *run_one(void *a) {
    stream_run *r = a;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 1800L);
    if (r->start) pthread_barrier_wait(r->start);
    r->t0 = now_s();
    if (curl_easy_perform(c) != CURLE_OK) r->status = -1;
    else curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->total = now_s() - r->t0;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

static const char *SENTENCES[] = {
    "The train was late again this morning.",
    "Nobody on the platform seemed surprised, and a few people had brought coffee for the wait.",
    "When it finally arrived, the doors opened slowly and everyone stepped inside without a word.",
};

static void make_body(char *out, size_t cap, int i, const char *voice) {
    /* a different first word per request, so no two are the same text */
    static const char *names[] = {"Anna", "Ben", "Carla", "David", "Emma", "Felix", "Grace", "Henry",
                                  "Irene", "James", "Karen", "Leo", "Maria", "Nina", "Oscar", "Paula"};
    snprintf(out, cap,
             "{\"input\":\"%s, listen. %s %s %s\",\"voice\":\"%s\",\"response_format\":\"pcm\",\"stream\":true}",
             names[i % 16], SENTENCES[0], SENTENCES[1], SENTENCES[2], voice);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int k = (int)(p * (n - 1) + 0.5);
    return v[k];
}

/* N streams at once; fills ttfa[] and returns the wall time of the round */
static double round_of(const char *url, int n, const char *voice, int round, double *ttfa, int *failed) {
    stream_run *r = calloc((size_t)n, sizeof *r);
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, (unsigned)n);
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        r[i].url = url;
        r[i].start = &b;
        make_body(r[i].body, sizeof r[i].body, round * 100 + i, voice);
        pthread_create(&r[i].t, NULL, run_one, &r[i]);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(r[i].t, NULL);
        ttfa[i] = r[i].ttfa;
        if (r[i].status != 200 || !r[i].bytes) (*failed)++;
    }
    double wall = now_s() - t0;
    pthread_barrier_destroy(&b);
    free(r);
    return wall;
}

int main(int argc, char **argv) {
    const char *model = NULL, *voices = NULL, *voice = "af_heart", *shared = getenv("LT_SHARED");
    int streams = 16, json = 0;
    if (!shared) shared = "../shared";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
        else if (!strcmp(argv[i], "--voices") && i + 1 < argc) voices = argv[++i];
        else if (!strcmp(argv[i], "--voice") && i + 1 < argc) voice = argv[++i];
        else if (!strcmp(argv[i], "--streams") && i + 1 < argc) streams = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--json")) json = 1;
        else {
            fprintf(stderr, "usage: server_load [--model FILE] [--voices DIR] [--voice NAME] [--streams N] [--json]\n");
            return 2;
        }
    }
    if (streams < 1 || streams > 256) {
        fprintf(stderr, "server_load: --streams must be 1-256\n");
        return 2;
    }
    char tmp_model[] = "/tmp/litetts-server-load-XXXXXX", model_path[256], voices_dir[1024], lex[1024];
    int generated = 0;
    lt_err err;
    if (!model) { /* the recipe weights, as `litetts bench` makes them */
        if (!mkdtemp(tmp_model)) return perror("mkdtemp"), 1;
        snprintf(model_path, sizeof model_path, "%s/recipe-f32.gguf", tmp_model);
        char tsv[1024], cfg_path[1024];
        snprintf(tsv, sizeof tsv, "%s/kokoro-golden/state-dict-official.tsv", shared);
        snprintf(cfg_path, sizeof cfg_path, "%s/kokoro-golden/config-official.json", shared);
        fprintf(stderr, "server_load: generating the recipe weights from %s\n", tsv);
        lt_kokoro_config *cfg = malloc(sizeof *cfg);
        char *config = NULL;
        lt_tensor_set set;
        lt_tensor_set_init(&set);
        if (!cfg || lt_config_load_file(cfg_path, cfg, &config, &err) || lt_recipe_generate(tsv, &set, NULL, NULL, &err) ||
            lt_fold_weight_norm(&set, &err) || lt_gguf_write(model_path, &set, config, "f32", NULL, NULL, &err)) {
            fprintf(stderr, "server_load: %s\n", err.msg);
            return 1;
        }
        free(cfg);
        free(config);
        lt_tensor_set_free(&set);
        model = model_path;
        generated = 1;
    }
    if (!voices) {
        snprintf(voices_dir, sizeof voices_dir, "%s/kokoro-voices", shared);
        voices = voices_dir;
    }
    snprintf(lex, sizeof lex, "%s/misaki-lexicon", shared);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    lt_server_config c;
    lt_server_config_default(&c);
    c.model_path = model;
    c.voices_dir = voices;
    c.lexicon_dir = access(lex, R_OK) == 0 ? lex : NULL;
    c.port = 0;
    c.workers = 1;
    c.queue_size = streams;
    c.quiet = 1;
    c.data_dir = "";
    c.cache_mem_mb = 0;
    c.cache_disk_mb = 0;
    lt_server *s;
    if (lt_server_start(&c, &s, &err)) {
        fprintf(stderr, "server_load: %s\n", err.msg);
        return 1;
    }
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/audio/speech", lt_server_port(s));

    /* warm-up, then the single-request figures (median of 3) */
    fprintf(stderr, "server_load: warm-up\n");
    stream_run one = {.url = url};
    make_body(one.body, sizeof one.body, 999, voice);
    run_one(&one);
    if (one.status != 200) {
        fprintf(stderr, "server_load: the warm-up request failed (status %ld)\n", one.status);
        return 1;
    }
    double single_ttfa[3], single_total[3];
    for (int k = 0; k < 3; k++) {
        fprintf(stderr, "server_load: single request %d/3\n", k + 1);
        stream_run r = {.url = url};
        make_body(r.body, sizeof r.body, 900 + k, voice);
        run_one(&r);
        single_ttfa[k] = r.ttfa;
        single_total[k] = r.total;
    }
    double ttfa1 = pct(single_ttfa, 3, 0.5), total1 = pct(single_total, 3, 0.5);
    double rss0 = proc_mb("VmRSS:");

    /* two rounds of N streams at once */
    double *t = calloc((size_t)streams, sizeof *t);
    int failed = 0;
    double rss[2], p50 = 0, p95 = 0, wall = 0;
    for (int round = 0; round < 2; round++) {
        fprintf(stderr, "server_load: round %d/2: %d streams at once\n", round + 1, streams);
        wall = round_of(url, streams, voice, round, t, &failed);
        rss[round] = proc_mb("VmRSS:");
        if (round == 0) { /* the first round's figures are reported; the second checks memory */
            p50 = pct(t, streams, 0.5);
            p95 = pct(t, streams, 0.95);
        }
    }
    double hwm = proc_mb("VmHWM:");
    lt_server_stop(s);
    curl_global_cleanup();
    if (generated) {
        unlink(model_path);
        rmdir(tmp_model);
    }
    double ratio_single = ttfa1 / total1, ratio_multi = p95 / (streams * ttfa1), ratio_rss = rss[1] / rss[0 + 0];
    if (json) {
        printf("{\"streams\": %d, \"single_ttfa_s\": %.4f, \"single_total_s\": %.4f, \"single_ttfa_ratio\": %.4f, "
               "\"multi_ttfa_p50_s\": %.4f, \"multi_ttfa_p95_s\": %.4f, \"multi_ttfa_p95_ratio\": %.4f, "
               "\"round_wall_s\": %.3f, \"rss_idle_mb\": %.1f, \"rss_round1_mb\": %.1f, \"rss_round2_mb\": %.1f, "
               "\"rss_round2_over_round1\": %.4f, \"peak_rss_mb\": %.1f, \"failed\": %d}\n",
               streams, ttfa1, total1, ratio_single, p50, p95, ratio_multi, wall, rss0, rss[0], rss[1], ratio_rss,
               hwm, failed);
    } else {
        printf("single request:   TTFA %.3f s of %.3f s total  → ratio %.3f (goal ≤ 0.25)\n", ttfa1, total1,
               ratio_single);
        printf("%d streams at once: TTFA p50 %.3f s, p95 %.3f s → p95 / (%d × single TTFA) = %.3f (goal ≤ 1.2)\n",
               streams, p50, p95, streams, ratio_multi);
        printf("round wall time %.2f s; RSS idle %.0f MiB, after round 1 %.0f MiB, after round 2 %.0f MiB "
               "(ratio %.3f), peak %.0f MiB; failed requests: %d\n",
               wall, rss0, rss[0], rss[1], ratio_rss, hwm, failed);
    }
    free(t);
    return failed ? 1 : 0;
}
