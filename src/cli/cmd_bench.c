/* cmd_bench.c — `litetts bench`: speed, memory and quality of the engine per
 * weight type (f32, f16, q8_0, bf16) on a fixed utterance.
 *
 * How it works (all heavy work in child processes, so that each row's peak
 * RSS is its own — getrusage's ru_maxrss of a forked child starts from what
 * it inherits, and the parent stays a few MB):
 *   1. a "prepare" child writes the native GGUF files into a temporary
 *      folder under $TMPDIR: the recipe weights when no --model is given
 *      (engine/recipe_weights.h), else the model converted to native f32
 *      when it is not already; then each reduced type (engine/quant.h);
 *   2. one child per (type, threads) row: opens the model (load_s), runs
 *      the golden case with its harmonics injected (quality, and warm-up),
 *      the utterance's first sentence (ttfa_s), then the utterance --repeat
 *      times (wall_s = the median run; rtf, gflops_effective from
 *      engine/flops.h). OpenBLAS sgemm (row-major M = N = K = 1024, median
 *      of 5, same thread count) is measured before each run and after the
 *      last, by a sibling process the row asks through a pipe (waiting
 *      meanwhile, so the two never overlap, and sgemm's buffers stay out of
 *      the row's peak RSS); the row's sgemm_gflops is the median of those
 *      bursts, so both figures sample the same stretch of the machine's
 *      time (a shared VM's speed moves by tens of percent within seconds).
 *      The first f32 row writes its audio as the reference; the others
 *      compare with it (SNR on the injected case, log-mel distance on the
 *      utterance);
 *   3. the parent collects each row through a pipe and its peak RSS through
 *      wait4;
 *   4. with two or more thread counts, one more child per type and later
 *      count alternates runs of the utterance with the first count and the
 *      later one in one process (speedup_paired: each run against the mean
 *      of the runs on either side), and after each pair times a register-only
 *      FMA loop on as many threads (machine_speedup_paired: the machine's
 *      own ceiling in that stretch of time);
 *   5. the parent prints a table (or JSON lines) and deletes the temporary files.
 * Progress goes to stderr. */
#include <cblas.h>
#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audio/logmel.h"
#include "cli/commands.h"
#include "core/cpu_features.h"
#include "engine/config.h"
#include "engine/flops.h"
#include "engine/gguf.h"
#include "engine/kokoro.h"
#include "engine/npy.h"
#include "engine/quant.h"
#include "engine/recipe_weights.h"
#include "engine/threadpool.h"
#include "engine/weight_norm.h"
#include "engine/weights_file.h"
#include "voice/voice_pack.h"

#define MAX_TYPES 4
#define MAX_THREADS 8        /* thread counts in --threads */
#define MAX_THREAD_COUNT 1024 /* the largest count */
#define MAX_ROWS (MAX_TYPES * MAX_THREADS + 1)
#define MAX_REPEAT 20
#define PATH_CAP 4096

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts bench [--model FILE] [--voice FILE] [--threads N[,N...]] [--types LIST] [--json]\n"
            "                     [--quick] [--utterance FILE] [--key NAME] [--phonemes TEXT] [--case DIR]\n"
            "                     [--no-quality] [--seed N] [--repeat N] [--config FILE]\n"
            "\n"
            "Synthesize a fixed ~10 s utterance once per weight type and report speed, memory and\n"
            "quality (one table row, or one JSON object with --json, per type and thread count).\n"
            "\n"
            "  --model FILE      .gguf or .pth (default: generate the recipe weights of\n"
            "                    kokoro-golden/README.md into a temporary file); other types are\n"
            "                    converted into temporary GGUF files under $TMPDIR, deleted after\n"
            "  --config FILE     config.json for a .pth model (default: beside it)\n"
            "  --voice FILE      voice pack (default <shared>/kokoro-voices/af_heart.bin)\n"
            "  --threads LIST    thread counts, e.g. 2 or 1,2 (default: the cores available)\n"
            "  --types LIST      f32,f16,q8[,bf16] (default f32,f16,q8, plus bf16 when the CPU has\n"
            "                    AVX512_BF16); f32 always runs: it is the quality reference\n"
            "  --utterance FILE  JSON with KEY.phonemes (default <shared>/kokoro-golden/bench-utterance.json)\n"
            "  --key NAME        the utterance in that file (default 10s)\n"
            "  --phonemes TEXT   bench these phonemes instead\n"
            "  --quick           the utterance's first sentence only (ttfa_s = wall_s)\n"
            "  --case DIR        golden case for the SNR (default <shared>/kokoro-golden/full/case1)\n"
            "  --no-quality      skip the SNR and log-mel comparisons\n"
            "  --seed N          seed of the random source for the utterance (default 0)\n"
            "  --repeat N        runs of the utterance per row, 1..20 (default 3): wall_s is their\n"
            "                    median; sgemm is measured before each run and after the last\n"
            "  --json            one JSON object per row on stdout\n"
            "\n"
            "With two or more thread counts, each type's speed-up over the first count is also\n"
            "measured from runs that alternate between the two counts in one process, beside the\n"
            "machine's own speed-up on a register-only FMA loop (a shared VM's ceiling moves).\n"
            "\n"
            "<shared> is $LT_SHARED when set, else ../shared. Columns: see bench/README.md.\n");
}

/* ---- small helpers ------------------------------------------------------ */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int quiet_progress = 0;

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...) {
    if (quiet_progress) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int file_exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static double file_mb(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 ? (double)st.st_size / 1e6 : 0;
}

static int cores_available(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static ssize_t read_all(int fd, void *buf, size_t len) {
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, p + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Raw audio files for the reference: int64 count, then float32 samples. */
static int save_audio(const char *path, const float *x, int64_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(&n, sizeof n, 1, f) == 1 && fwrite(x, sizeof(float), (size_t)n, f) == (size_t)n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static float *load_audio(const char *path, int64_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    float *x = NULL;
    if (fread(n, sizeof *n, 1, f) == 1 && *n > 0 && *n < ((int64_t)1 << 32)) {
        x = malloc(sizeof(float) * (size_t)*n);
        if (x && fread(x, sizeof(float), (size_t)*n, f) != (size_t)*n) {
            free(x);
            x = NULL;
        }
    }
    fclose(f);
    return x;
}

/* SNR (dB) of x against the reference r over their common length. */
static double snr_db(const float *r, int64_t nr, const float *x, int64_t nx) {
    int64_t n = nr < nx ? nr : nx;
    double sig = 0, err = 0;
    for (int64_t i = 0; i < n; i++) {
        double d = (double)x[i] - r[i];
        sig += (double)r[i] * r[i];
        err += d * d;
    }
    if (err == 0) return INFINITY;
    return 10.0 * log10(sig / err);
}

/* ---- temporary files and signals --------------------------------------- */

static char tmp_dir[PATH_CAP];
static char tmp_files[16][PATH_CAP];
static int n_tmp_files;
static volatile pid_t running_child = 0;

static const char *tmp_file(const char *name) {
    char *p = tmp_files[n_tmp_files++];
    snprintf(p, PATH_CAP, "%s/%s", tmp_dir, name);
    return p;
}

static void cleanup_tmp(void) {
    char side[PATH_CAP + 8];
    for (int i = 0; i < n_tmp_files; i++) {
        unlink(tmp_files[i]);
        /* lt_gguf_write's partial file, if interrupted */
        size_t n = strlen(tmp_files[i]);
        if (n + 5 < sizeof side) {
            memcpy(side, tmp_files[i], n);
            memcpy(side + n, ".tmp", 5);
            unlink(side);
        }
    }
    if (tmp_dir[0]) rmdir(tmp_dir);
}

static void on_signal(int sig) {
    if (running_child > 0) kill(running_child, SIGKILL);
    cleanup_tmp(); /* unlink and rmdir are async-signal-safe */
    _exit(128 + sig);
}

/* ---- what the children report ------------------------------------------- */

/* CPU time of this process, and the machine's steal and total ticks from
 * /proc/stat: on a shared VM the hypervisor runs other guests on "our" cores
 * (steal), which slows wall-clock figures without any change in the engine. */
typedef struct cpu_clock { double process_s; unsigned long long steal, total; } cpu_clock;

static void cpu_clock_read(cpu_clock *c) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    c->process_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                   ru.ru_stime.tv_usec * 1e-6;
    c->steal = c->total = 0;
    FILE *f = fopen("/proc/stat", "r");
    unsigned long long v[8] = {0};
    if (f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                    &v[6], &v[7]) == 8) {
        for (int i = 0; i < 8; i++) c->total += v[i];
        c->steal = v[7];
    }
    if (f) fclose(f);
}

typedef struct row {
    char type[8];
    int threads;
    int ok;
    char err[768];
    int reference_only;       /* the hidden f32 run that only makes the quality reference */
    double load_s, audio_s, wall_s, ttfa_s, ttfa_audio_s;
    double flops;             /* of the utterance */
    int n_tokens;
    int64_t frames, samples;
    double snr_db;            /* NAN: not measured; INFINITY: identical to the reference */
    int is_reference;
    double logmel_mean, logmel_p99;
    double cpu_s;             /* this process's CPU time (user + system) per run of the utterance */
    double steal_pct;         /* the hypervisor's share of all CPUs' time during the runs (/proc/stat steal); NAN: unknown */
    int runs;                 /* runs of the utterance; wall_s is their median */
    double run_wall_s[MAX_REPEAT];
    double sgemm_gflops;      /* median of the bursts around the runs */
    double sgemm_bursts[MAX_REPEAT + 1];
    int length_differs;       /* the utterance's length differs from the reference's */
    char quality_note[256];
    /* filled in by the parent */
    double peak_rss_mb, weights_file_mb;
    /* step 4, on the rows of the second and later thread counts: the speed-up over the first
     * count from alternating runs in one process, and the machine's own (register-only FMA
     * loop) in the same stretch of time; NAN when not measured */
    double speedup_paired, machine_speedup_paired;
} row;

typedef struct bench_opts {
    const char *model, *config, *voice, *utterance, *key, *phonemes_arg, *case_dir;
    int threads[MAX_THREADS], n_threads;
    lt_dtype types[MAX_TYPES];
    int n_types;
    int quick, json, quality;
    int repeat;
    int sgemm_req_fd, sgemm_ans_fd; /* the row's line to its sgemm process (-1: none) */
    uint64_t seed;
    /* derived */
    char shared[PATH_CAP];
    char *phonemes;          /* the utterance (malloc'd) */
    char *first_sentence;    /* its first sentence (malloc'd) */
    char utterance_label[256];
    char model_label[PATH_CAP];
    const char *model_paths[MAX_TYPES]; /* native file per type */
    const char *ref_case, *ref_utt;     /* reference audio files */
} bench_opts;

/* ---- step 1: the model files -------------------------------------------- */

static int prepare_models(const bench_opts *o, lt_err *err) {
    int f32_index = -1;
    for (int i = 0; i < o->n_types; i++)
        if (o->types[i] == LT_F32) f32_index = i;
    const char *f32_path = o->model_paths[f32_index];
    char *config = NULL;
    lt_tensor_set set;
    lt_tensor_set_init(&set);
    int rc = -1;
    if (!o->model) {
        char tsv[PATH_CAP], cfg_path[PATH_CAP];
        snprintf(tsv, sizeof tsv, "%s/kokoro-golden/state-dict-official.tsv", o->shared);
        snprintf(cfg_path, sizeof cfg_path, "%s/kokoro-golden/config-official.json", o->shared);
        lt_kokoro_config *cfg = malloc(sizeof *cfg);
        if (!cfg) return lt_fail(err, "out of memory");
        int r = lt_config_load_file(cfg_path, cfg, &config, err);
        free(cfg);
        if (r) goto done;
        progress("generating the recipe weights from %s", tsv);
        double t0 = now_s();
        if (lt_recipe_generate(tsv, &set, NULL, NULL, err) || lt_fold_weight_norm(&set, err)) goto done;
        if (lt_gguf_write(f32_path, &set, config, "f32", NULL, NULL, err)) goto done;
        progress("wrote %s (%.1f MB) in %.1f s", f32_path, file_mb(f32_path), now_s() - t0);
    } else if (strcmp(f32_path, o->model) != 0) {
        /* a .pth, or a GGUF holding reduced weights: native f32 first */
        if (lt_weights_load(o->model, &set, &config, err)) goto done;
        if (!config) {
            char beside[PATH_CAP];
            const char *cp = o->config;
            if (!cp) {
                const char *slash = strrchr(o->model, '/');
                snprintf(beside, sizeof beside, "%.*sconfig.json", slash ? (int)(slash - o->model) + 1 : 0, o->model);
                cp = beside;
            }
            lt_kokoro_config *cfg = malloc(sizeof *cfg);
            if (!cfg) { lt_fail(err, "out of memory"); goto done; }
            int r = lt_config_load_file(cp, cfg, &config, err);
            free(cfg);
            if (r) goto done;
        }
        progress("converting %s to native f32", o->model);
        if (lt_set_to_f32(&set, err) || lt_gguf_write(f32_path, &set, config, "f32", NULL, NULL, err)) goto done;
    }
    lt_tensor_set_free(&set);
    free(config);
    config = NULL;
    for (int i = 0; i < o->n_types; i++) {
        if (o->types[i] == LT_F32) continue;
        double t0 = now_s();
        if (lt_weights_load(f32_path, &set, &config, err)) goto done;
        if (lt_quantize_set(&set, o->types[i], err) ||
            lt_gguf_write(o->model_paths[i], &set, config, lt_weight_type_name(o->types[i]), NULL, NULL, err))
            goto done;
        lt_tensor_set_free(&set);
        free(config);
        config = NULL;
        progress("converted to %s: %s (%.1f MB) in %.1f s", lt_weight_type_name(o->types[i]), o->model_paths[i],
                 file_mb(o->model_paths[i]), now_s() - t0);
    }
    rc = 0;
done:
    lt_tensor_set_free(&set);
    free(config);
    return rc;
}

/* ---- step 2: sgemm ------------------------------------------------------ */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double measure_sgemm(int threads) {
    const int n = 1024;
    openblas_set_num_threads(threads);
    float *a = malloc(sizeof(float) * (size_t)n * n * 3);
    if (!a) return NAN;
    float *b = a + (size_t)n * n, *c = b + (size_t)n * n;
    uint32_t s = 1;
    for (size_t i = 0; i < (size_t)n * n * 2; i++) {
        s = s * 1664525u + 1013904223u;
        a[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
    }
    memset(c, 0, sizeof(float) * (size_t)n * n);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n); /* warm-up */
    double t[5];
    for (int r = 0; r < 5; r++) {
        double t0 = now_s();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t[r] = now_s() - t0;
    }
    qsort(t, 5, sizeof *t, cmp_double);
    free(a);
    /* OpenBLAS's own threads spin for a while after a call: let them go idle before the
     * row's process runs again */
    if (threads > 1) usleep(200000);
    return 2.0 * n * n * (double)n / t[2] / 1e9;
}

/* The sgemm process of a row: forked by the parent before the row's child,
 * it measures one burst per byte received and answers with the GFLOP/s. */
typedef struct sgemm_server { pid_t pid; int req_w, ans_r; } sgemm_server;

static int sgemm_server_start(int threads, sgemm_server *sv) {
    int req[2], ans[2];
    sv->pid = -1;
    sv->req_w = sv->ans_r = -1;
    if (pipe(req)) return -1;
    if (pipe(ans)) {
        close(req[0]);
        close(req[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(req[0]), close(req[1]), close(ans[0]), close(ans[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(req[1]);
        close(ans[0]);
        char c;
        while (read_all(req[0], &c, 1) == 1) {
            double g = measure_sgemm(threads);
            if (write_all(ans[1], &g, sizeof g)) break;
        }
        _exit(0);
    }
    close(req[0]);
    close(ans[1]);
    sv->pid = pid;
    sv->req_w = req[1];
    sv->ans_r = ans[0];
    return 0;
}

static void sgemm_server_stop(sgemm_server *sv) {
    if (sv->req_w >= 0) close(sv->req_w); /* EOF: the server exits */
    if (sv->ans_r >= 0) close(sv->ans_r);
    if (sv->pid > 0)
        while (waitpid(sv->pid, NULL, 0) < 0 && errno == EINTR) {
        }
    sv->pid = sv->req_w = sv->ans_r = -1;
}

/* In the row's child: one burst, measured while this process waits. */
static double sgemm_burst(const bench_opts *o) {
    double g = NAN;
    char c = 'b';
    if (o->sgemm_req_fd < 0 || write_all(o->sgemm_req_fd, &c, 1) ||
        read_all(o->sgemm_ans_fd, &g, sizeof g) != (ssize_t)sizeof g)
        return NAN;
    return g;
}

static double median_of(const double *v, int n) {
    double t[MAX_REPEAT + 1];
    memcpy(t, v, sizeof(double) * (size_t)n);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* gflops_effective / sgemm_gflops run by run: each run's speed against the geometric mean of the
 * two sgemm bursts beside it (before and after), then the median over the runs. On a VM whose speed
 * drifts over seconds this pairs figures taken seconds apart instead of the medians of the row; NAN
 * when a burst is missing. */
static double paired_efficiency(const row *r) {
    double v[MAX_REPEAT];
    int n = 0;
    for (int k = 0; k < r->runs; k++) {
        double a = r->sgemm_bursts[k], b = r->sgemm_bursts[k + 1];
        if (!(a > 0) || !(b > 0) || !(r->run_wall_s[k] > 0)) return NAN;
        v[n++] = r->flops / 1e9 / r->run_wall_s[k] / sqrt(a * b);
    }
    return n ? median_of(v, n) : NAN;
}

/* ---- step 3: one row ---------------------------------------------------- */

typedef struct quality_case {
    char *phonemes;
    float speed;
    lt_tensor_set set;
    lt_synth_hooks hooks;
} quality_case;

static int load_case(const char *dir, quality_case *qc, lt_err *err) {
    memset(qc, 0, sizeof *qc);
    lt_tensor_set_init(&qc->set);
    char p[PATH_CAP];
    snprintf(p, sizeof p, "%s/case.json", dir);
    json_error_t jerr;
    json_t *j = json_load_file(p, 0, &jerr);
    if (!j) return lt_fail(err, "%s: %s", p, jerr.text);
    const char *ph = json_string_value(json_object_get(j, "phonemes"));
    json_t *sp = json_object_get(j, "speed");
    if (!ph || !json_is_number(sp)) {
        json_decref(j);
        return lt_fail(err, "%s: needs 'phonemes' (string) and 'speed' (number)", p);
    }
    qc->phonemes = strdup(ph);
    qc->speed = (float)json_number_value(sp);
    json_decref(j);
    static const char *names[] = {"noise_000", "noise_001", "har_spec", "har_phase"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s.npy", dir, names[i]);
        if (lt_npy_read_file(p, &qc->set, names[i], err)) return -1;
    }
    qc->hooks.noise_rand_ini = lt_tensor_set_find(&qc->set, "noise_000");
    qc->hooks.noise_randn = lt_tensor_set_find(&qc->set, "noise_001");
    qc->hooks.inject_har_spec = lt_tensor_set_find(&qc->set, "har_spec");
    qc->hooks.inject_har_phase = lt_tensor_set_find(&qc->set, "har_phase");
    qc->hooks.noise_what = dir;
    return 0;
}

static void free_case(quality_case *qc) {
    free(qc->phonemes);
    lt_tensor_set_free(&qc->set);
}

static int synth(const lt_kokoro *m, const lt_voice_pack *vp, const char *ph, float speed, const lt_synth_hooks *h,
                 lt_synth_result *r, lt_err *err) {
    int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
    int ncp = 0;
    if (lt_kokoro_tokenize(m, ph, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, err) < 0) return -1;
    const float *style = lt_voice_pack_row(vp, ncp);
    if (!style) return lt_fail(err, "the voice pack is empty");
    return lt_kokoro_synthesize(m, ph, style, speed, h, r, err);
}

static void run_row(const bench_opts *o, int type_index, int threads, int write_reference, row *out) {
    const char *tname = lt_weight_type_name(o->types[type_index]);
    lt_err err = {{0}};
    lt_kokoro *m = NULL;
    lt_voice_pack vp = {0};
    lt_synth_result r = {0};
    out->snr_db = out->logmel_mean = out->logmel_p99 = NAN;
    out->sgemm_gflops = NAN;
    char tbuf[16];
    snprintf(tbuf, sizeof tbuf, "%d", threads);
    setenv("LITETTS_THREADS", tbuf, 1);
    /* the allocator as `litetts serve` sets it (server.c): with glibc's sliding mmap threshold,
     * each later run of the utterance in this process would keep buffers the last one freed,
     * and the peak would grow with --repeat (f32: 247 MiB for one run, 264 for three) */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_ARENA_MAX, 2);
    const char *path = o->model_paths[type_index];
    const char *tag = out->reference_only ? "f32 reference" : tname;

    double t0 = now_s();
    if (lt_kokoro_open(path, NULL, &m, &err)) goto fail;
    out->load_s = now_s() - t0;
    if (lt_voice_pack_load(o->voice, NULL, 2 * m->cfg.style_dim, &vp, &err)) goto fail;

    /* quality (and warm-up): the golden case with its harmonics injected */
    if (o->quality) {
        quality_case qc;
        lt_err qerr = {{0}};
        if (load_case(o->case_dir, &qc, &qerr) == 0) {
            progress("%s, %d thread%s: quality case %s", tag, threads, threads == 1 ? "" : "s", o->case_dir);
            if (synth(m, &vp, qc.phonemes, qc.speed, &qc.hooks, &r, &qerr) == 0) {
                if (write_reference) {
                    if (save_audio(o->ref_case, r.audio, r.n_samples))
                        snprintf(out->quality_note, sizeof out->quality_note, "cannot write %s", o->ref_case);
                    out->snr_db = INFINITY;
                    out->is_reference = 1;
                } else {
                    int64_t nref;
                    float *ref = load_audio(o->ref_case, &nref);
                    if (ref && nref == r.n_samples) out->snr_db = snr_db(ref, nref, r.audio, r.n_samples);
                    else if (!ref) snprintf(out->quality_note, sizeof out->quality_note, "no f32 reference");
                    free(ref);
                }
            } else {
                snprintf(out->quality_note, sizeof out->quality_note, "case: %.200s", qerr.msg);
            }
            lt_synth_result_free(&r);
        } else {
            snprintf(out->quality_note, sizeof out->quality_note, "case: %.200s", qerr.msg);
        }
        free_case(&qc);
        if (out->quality_note[0]) progress("%s: quality not measured: %s", tag, out->quality_note);
    }
    if (out->reference_only && !o->quality) goto done;

    lt_synth_hooks h = {0};
    h.seed = o->seed;
    /* time to first audio: the first sentence, as a chunker would emit it first */
    if (!o->quick && !out->reference_only) {
        progress("%s, %d thread%s: first sentence", tag, threads, threads == 1 ? "" : "s");
        t0 = now_s();
        if (synth(m, &vp, o->first_sentence, 1.0f, &h, &r, &err)) goto fail;
        out->ttfa_s = now_s() - t0;
        out->ttfa_audio_s = (double)r.n_samples / 24000.0;
        lt_synth_result_free(&r);
    }
    /* the utterance, `runs` times, with an sgemm burst (the sibling process, same thread count)
     * before each run and after the last; CPU time and steal are summed over the runs alone */
    int runs = out->reference_only ? 1 : o->repeat;
    double cpu_total = 0;
    unsigned long long steal = 0, ticks = 0;
    int ticks_known = 1;
    for (int run = 0; run < runs; run++) {
        if (!out->reference_only) out->sgemm_bursts[run] = sgemm_burst(o);
        progress("%s, %d thread%s: utterance (%s), run %d of %d", tag, threads, threads == 1 ? "" : "s",
                 o->utterance_label, run + 1, runs);
        if (run) lt_synth_result_free(&r);
        cpu_clock a, b;
        cpu_clock_read(&a);
        t0 = now_s();
        if (synth(m, &vp, o->phonemes, 1.0f, &h, &r, &err)) goto fail;
        out->run_wall_s[run] = now_s() - t0;
        cpu_clock_read(&b);
        cpu_total += b.process_s - a.process_s;
        if (a.total && b.total > a.total) steal += b.steal - a.steal, ticks += b.total - a.total;
        else ticks_known = 0;
    }
    if (!out->reference_only) {
        out->sgemm_bursts[runs] = sgemm_burst(o);
        out->sgemm_gflops = median_of(out->sgemm_bursts, runs + 1);
    }
    out->runs = runs;
    out->wall_s = median_of(out->run_wall_s, runs);
    out->cpu_s = cpu_total / runs;
    out->steal_pct = ticks_known && ticks ? 100.0 * (double)steal / (double)ticks : NAN;
    out->samples = r.n_samples;
    out->audio_s = (double)r.n_samples / 24000.0;
    out->n_tokens = r.n_tokens;
    for (int t = 0; t < r.n_tokens; t++) out->frames += r.durations[t];
    out->flops = lt_kokoro_flops(&m->cfg, m, r.n_tokens, out->frames);
    if (o->quick) {
        out->ttfa_s = out->wall_s;
        out->ttfa_audio_s = out->audio_s;
    }
    if (o->quality) {
        if (write_reference) {
            if (save_audio(o->ref_utt, r.audio, r.n_samples)) lt_fail(&err, "cannot write %s", o->ref_utt);
            out->logmel_mean = out->logmel_p99 = 0;
        } else {
            int64_t nref;
            float *ref = load_audio(o->ref_utt, &nref);
            if (ref) {
                out->length_differs = nref != r.n_samples;
                if (lt_logmel_distance(ref, nref, r.audio, r.n_samples, &out->logmel_mean, &out->logmel_p99))
                    out->logmel_mean = out->logmel_p99 = NAN;
                free(ref);
            }
        }
    }
done:
    out->ok = 1;
    lt_synth_result_free(&r);
    lt_voice_pack_free(&vp);
    lt_kokoro_free(m);
    return;
fail:
    out->ok = 0;
    snprintf(out->err, sizeof out->err, "%s", err.msg);
    lt_synth_result_free(&r);
    lt_voice_pack_free(&vp);
    lt_kokoro_free(m);
}

/* Fork a child that runs fn and writes `len` bytes of result to a pipe; the
 * parent reads them and the child's peak RSS (MiB). Returns 0 when the child
 * exited 0 and delivered its result. */
typedef void (*child_fn)(const bench_opts *o, void *arg, void *result);

static int in_child(const bench_opts *o, child_fn fn, void *arg, void *result, size_t len, double *peak_mb,
                    char *why, size_t why_cap) {
    int fds[2];
    if (pipe(fds)) {
        snprintf(why, why_cap, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, why_cap, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(fds[0]);
        fn(o, arg, result);
        int rc = write_all(fds[1], result, len) ? 1 : 0;
        close(fds[1]);
        fflush(stderr);
        _exit(rc);
    }
    running_child = pid;
    close(fds[1]);
    ssize_t got = read_all(fds[0], result, len);
    close(fds[0]);
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
    }
    running_child = 0;
    if (peak_mb) *peak_mb = (double)ru.ru_maxrss / 1024.0; /* KiB → MiB */
    if (WIFSIGNALED(st)) {
        snprintf(why, why_cap, "the child process died of signal %d%s", WTERMSIG(st),
                 WTERMSIG(st) == SIGKILL ? " (out of memory?)" : "");
        return -1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || got != (ssize_t)len) {
        snprintf(why, why_cap, "the child process exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    return 0;
}

typedef struct prep_result { int ok; char err[1024]; } prep_result;

static void child_prepare(const bench_opts *o, void *arg, void *result) {
    (void)arg;
    prep_result *p = result;
    lt_err err = {{0}};
    p->ok = prepare_models(o, &err) == 0;
    snprintf(p->err, sizeof p->err, "%s", err.msg);
}

typedef struct row_job { int type_index, threads, write_reference; } row_job;

static void child_row(const bench_opts *o, void *arg, void *result) {
    const row_job *j = arg;
    run_row(o, j->type_index, j->threads, j->write_reference, result);
}

/* ---- step 4: thread scaling, runs paired in time ----------------------- */

/* The machine's own thread scaling: a loop of independent FMA chains that
 * never touches memory, run for the same count of iterations by 1 thread and
 * by `threads` threads at once. On a shared VM this ceiling moves by tens of
 * percent within seconds (seen: 1.4x to 2.25x for two vCPUs), so it is
 * measured beside the model's own runs. */
#define FMA_CHAINS 12

typedef struct fma_arg { long iters; double sink; } fma_arg;

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
__attribute__((target("avx512f"))) static double fma_loop_avx512(long iters) {
    __m512 x[FMA_CHAINS], m = _mm512_set1_ps(0.9999999f), c = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < FMA_CHAINS; i++) x[i] = _mm512_set1_ps(1.0f + (float)i * 1e-3f);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < FMA_CHAINS; i++) x[i] = _mm512_fmadd_ps(x[i], m, c);
    double s = 0;
    for (int i = 0; i < FMA_CHAINS; i++) s += _mm512_reduce_add_ps(x[i]);
    return s;
}
__attribute__((target("avx2,fma"))) static double fma_loop_avx2(long iters) {
    __m256 x[FMA_CHAINS], m = _mm256_set1_ps(0.9999999f), c = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < FMA_CHAINS; i++) x[i] = _mm256_set1_ps(1.0f + (float)i * 1e-3f);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < FMA_CHAINS; i++) x[i] = _mm256_fmadd_ps(x[i], m, c);
    float t[8];
    double s = 0;
    for (int i = 0; i < FMA_CHAINS; i++) {
        _mm256_storeu_ps(t, x[i]);
        for (int l = 0; l < 8; l++) s += t[l];
    }
    return s;
}
#endif

static double fma_loop_plain(long iters) {
    float x[FMA_CHAINS];
    for (int i = 0; i < FMA_CHAINS; i++) x[i] = 1.0f + (float)i * 1e-3f;
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < FMA_CHAINS; i++) x[i] = x[i] * 0.9999999f + 1e-7f;
    double s = 0;
    for (int i = 0; i < FMA_CHAINS; i++) s += x[i];
    return s;
}

static void *fma_thread(void *p) {
    fma_arg *a = p;
#if defined(__x86_64__) && defined(__GNUC__)
    const lt_cpu_features *cpu = lt_cpu_features_get();
    if (cpu->avx512f) a->sink = fma_loop_avx512(a->iters);
    else if (cpu->avx2 && cpu->fma) a->sink = fma_loop_avx2(a->iters);
    else
#endif
        a->sink = fma_loop_plain(a->iters);
    return NULL;
}

/* Seconds for `threads` threads (this one included) to run `iters` each. */
static double fma_run(int threads, long iters) {
    pthread_t th[MAX_THREAD_COUNT];
    fma_arg args[MAX_THREAD_COUNT];
    if (threads > MAX_THREAD_COUNT) threads = MAX_THREAD_COUNT;
    double t0 = now_s();
    int started = 0;
    for (int i = 1; i < threads; i++) {
        args[i].iters = iters;
        if (pthread_create(&th[i], NULL, fma_thread, &args[i])) break;
        started = i;
    }
    args[0].iters = iters;
    fma_thread(&args[0]);
    for (int i = 1; i <= started; i++) pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    return started == threads - 1 ? dt : NAN;
}

/* The machine's speed-up of `threads` over `base` threads, measured now (~0.2 s per side). */
static double fma_speedup(int base, int threads) {
    static long iters;
    if (!iters) { /* calibrate: about 0.2 s on one thread */
        iters = 1 << 20;
        double dt;
        while ((dt = fma_run(1, iters)) < 0.05 && iters < (1L << 40)) iters *= 2;
        iters = (long)((double)iters * 0.2 / dt) + 1;
    }
    double a = fma_run(base, iters), b = fma_run(threads, iters);
    return (double)threads / base * a / b;
}

typedef struct scaling_job { int type_index, base, threads; } scaling_job;
typedef struct scaling_result {
    int ok, pairs;
    char err[512];
    double ratio[MAX_REPEAT];      /* the model: mean of the base runs on either side ÷ the run between */
    double fma_ratio[MAX_REPEAT];  /* the FMA loop, measured right after that run */
} scaling_result;

/* Runs base, threads, base, threads, …, base (--repeat pairs) in one process
 * and one model: adjacent runs are seconds apart, so the drift of a shared
 * machine's speed cancels far better than between the rows' medians. */
static void child_scaling(const bench_opts *o, void *arg, void *result) {
    const scaling_job *j = arg;
    scaling_result *out = result;
    lt_err err = {{0}};
    lt_kokoro *m = NULL;
    lt_voice_pack vp = {0};
    lt_synth_result r = {0};
    lt_synth_hooks h = {0};
    h.seed = o->seed;
    const char *tname = lt_weight_type_name(o->types[j->type_index]);
    if (lt_kokoro_open(o->model_paths[j->type_index], NULL, &m, &err)) goto fail;
    if (lt_voice_pack_load(o->voice, NULL, 2 * m->cfg.style_dim, &vp, &err)) goto fail;
    lt_pool_set_threads(j->threads);
    if (synth(m, &vp, o->phonemes, 1.0f, &h, &r, &err)) goto fail; /* warm-up */
    lt_synth_result_free(&r);
    double base_s[MAX_REPEAT + 1], many_s[MAX_REPEAT]; /* the runs' seconds: base_s[p], many_s[p], base_s[p + 1] */
    for (int p = 0; p <= o->repeat; p++) {
        progress("%s: %d thread%s vs %d, paired runs: %d of %d", tname, j->threads, j->threads == 1 ? "" : "s",
                 j->base, p + 1, o->repeat + 1);
        lt_pool_set_threads(j->base);
        double t0 = now_s();
        if (synth(m, &vp, o->phonemes, 1.0f, &h, &r, &err)) goto fail;
        base_s[p] = now_s() - t0;
        lt_synth_result_free(&r);
        if (p == o->repeat) break;
        lt_pool_set_threads(j->threads);
        t0 = now_s();
        if (synth(m, &vp, o->phonemes, 1.0f, &h, &r, &err)) goto fail;
        many_s[p] = now_s() - t0;
        lt_synth_result_free(&r);
        out->fma_ratio[p] = fma_speedup(j->base, j->threads);
    }
    for (int p = 0; p < o->repeat; p++) out->ratio[p] = 0.5 * (base_s[p] + base_s[p + 1]) / many_s[p];
    out->pairs = o->repeat;
    out->ok = 1;
    lt_voice_pack_free(&vp);
    lt_kokoro_free(m);
    return;
fail:
    snprintf(out->err, sizeof out->err, "%s", err.msg);
    lt_synth_result_free(&r);
    lt_voice_pack_free(&vp);
    lt_kokoro_free(m);
}

/* ---- output ------------------------------------------------------------- */

static const char *const shown_features[] = {"avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16", NULL};

static double round_to(double x, int decimals) {
    if (!isfinite(x)) return x;
    double s = pow(10.0, decimals);
    return round(x * s) / s;
}

static json_t *num_or_null(double x, int decimals) {
    return isfinite(x) ? json_real(round_to(x, decimals)) : json_null();
}

static const row *find_row(const row *rows, int n, const char *type, int threads) {
    for (int i = 0; i < n; i++)
        if (!rows[i].reference_only && rows[i].ok && rows[i].threads == threads && !strcmp(rows[i].type, type))
            return &rows[i];
    return NULL;
}

/* sgemm with this thread count over the whole bench: the mean of the rows' figures */
static double rows_sgemm(const row *rows, int n, int threads) {
    double sum = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (rows[i].ok && rows[i].threads == threads && isfinite(rows[i].sgemm_gflops)) sum += rows[i].sgemm_gflops, k++;
    return k ? sum / k : NAN;
}

static void print_json(const bench_opts *o, const row *rows, int n, const lt_cpu_features *cpu) {
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        if (r->reference_only) continue;
        json_t *j = json_object();
        json_object_set_new(j, "weights", json_string(r->type));
        json_object_set_new(j, "threads", json_integer(r->threads));
        json_object_set_new(j, "ok", json_boolean(r->ok));
        if (!r->ok) json_object_set_new(j, "error", json_string(r->err));
        json_object_set_new(j, "audio_s", num_or_null(r->ok ? r->audio_s : NAN, 4));
        json_object_set_new(j, "wall_s", num_or_null(r->ok ? r->wall_s : NAN, 4));
        json_object_set_new(j, "rtf", num_or_null(r->ok ? r->wall_s / r->audio_s : NAN, 4));
        json_object_set_new(j, "ttfa_s", num_or_null(r->ok ? r->ttfa_s : NAN, 4));
        json_object_set_new(j, "ttfa_audio_s", num_or_null(r->ok ? r->ttfa_audio_s : NAN, 4));
        json_object_set_new(j, "load_s", num_or_null(r->ok ? r->load_s : NAN, 4));
        json_object_set_new(j, "peak_rss_mb", num_or_null(r->peak_rss_mb, 1));
        json_object_set_new(j, "cpu_s", num_or_null(r->ok ? r->cpu_s : NAN, 3));
        json_object_set_new(j, "steal_pct", num_or_null(r->ok ? r->steal_pct : NAN, 1));
        json_object_set_new(j, "gflop", num_or_null(r->ok ? r->flops / 1e9 : NAN, 2));
        json_object_set_new(j, "gflops_effective", num_or_null(r->ok ? r->flops / 1e9 / r->wall_s : NAN, 2));
        json_object_set_new(j, "sgemm_gflops", num_or_null(r->sgemm_gflops, 2));
        if (o->n_threads > 1 && r->threads != o->threads[0]) {
            json_object_set_new(j, "speedup_paired", num_or_null(r->speedup_paired, 3));
            json_object_set_new(j, "machine_speedup_paired", num_or_null(r->machine_speedup_paired, 3));
        }
        if (r->ok) {
            json_t *runs = json_array(), *bursts = json_array();
            for (int k = 0; k < r->runs; k++) json_array_append_new(runs, num_or_null(r->run_wall_s[k], 4));
            for (int k = 0; k <= r->runs; k++) json_array_append_new(bursts, num_or_null(r->sgemm_bursts[k], 2));
            json_object_set_new(j, "run_wall_s", runs);
            json_object_set_new(j, "sgemm_bursts_gflops", bursts);
        }
        json_object_set_new(j, "efficiency_vs_sgemm",
                            num_or_null(r->ok ? r->flops / 1e9 / r->wall_s / r->sgemm_gflops : NAN, 3));
        json_object_set_new(j, "efficiency_paired", num_or_null(r->ok ? paired_efficiency(r) : NAN, 3));
        const row *f = find_row(rows, n, "f32", r->threads);
        json_object_set_new(j, "speed_vs_f32", num_or_null(r->ok && f ? f->wall_s / r->wall_s : NAN, 3));
        json_object_set_new(j, "snr_db", num_or_null(r->snr_db, 2));
        json_object_set_new(j, "quality_reference", json_boolean(r->is_reference));
        json_object_set_new(j, "logmel_mean", num_or_null(r->logmel_mean, 4));
        json_object_set_new(j, "logmel_p99", num_or_null(r->logmel_p99, 4));
        if (r->length_differs) json_object_set_new(j, "length_differs_from_f32", json_true());
        if (r->quality_note[0]) json_object_set_new(j, "quality_note", json_string(r->quality_note));
        json_object_set_new(j, "weights_file_mb", num_or_null(r->weights_file_mb, 1));
        json_object_set_new(j, "n_tokens", json_integer(r->n_tokens));
        json_object_set_new(j, "frames", json_integer(r->frames));
        json_object_set_new(j, "model", json_string(o->model_label));
        json_object_set_new(j, "utterance", json_string(o->utterance_label));
        json_object_set_new(j, "quick", json_boolean(o->quick));
        json_object_set_new(j, "cpu", json_string(cpu->brand));
        json_t *feat = json_object();
        for (int k = 0; shown_features[k]; k++)
            json_object_set_new(feat, shown_features[k], json_boolean(lt_cpu_feature_flag(cpu, shown_features[k]) > 0));
        json_object_set_new(j, "cpu_features", feat);
        json_object_set_new(j, "openblas", json_string(openblas_get_config()));
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (s) puts(s);
        free(s);
        json_decref(j);
    }
    fflush(stdout);
}

static void fmt_num(char *buf, size_t cap, double x, int decimals) {
    if (isnan(x)) snprintf(buf, cap, "-");
    else snprintf(buf, cap, "%.*f", decimals, x);
}


/* the end of a goal line: the run-by-run ratio, when the row has one */
static void print_paired(const row *r) {
    double p = paired_efficiency(r);
    if (isfinite(p)) printf("; run by run %.3f", p);
    printf("\n");
}

static void print_table(const bench_opts *o, const row *rows, int n, const lt_cpu_features *cpu) {
    char feats[256];
    printf("LiteTTS bench — %s, %d core%s available\n", cpu->brand[0] ? cpu->brand : "unknown CPU", cores_available(),
           cores_available() == 1 ? "" : "s");
    printf("CPU features:");
    for (int k = 0; shown_features[k]; k++)
        printf(" %s%s", lt_cpu_feature_flag(cpu, shown_features[k]) > 0 ? "+" : "-", shown_features[k]);
    printf("   (all: %s)\n", lt_cpu_features_str(cpu, NULL, feats, sizeof feats));
    printf("OpenBLAS: %s\n", openblas_get_config());
    printf("model: %s\n", o->model_label);
    const row *any = NULL; /* the utterance as f32 makes it (reduced types may change durations) */
    for (int i = 0; i < n && !any; i++)
        if (rows[i].ok && !strcmp(rows[i].type, "f32") && rows[i].frames) any = &rows[i];
    for (int i = 0; i < n && !any; i++)
        if (rows[i].ok && rows[i].frames) any = &rows[i];
    if (any) {
        printf("utterance: %s: %d tokens, %lld frames, %.2f s of audio, %.1f GFLOP", o->utterance_label,
               any->n_tokens, (long long)any->frames, any->audio_s, any->flops / 1e9);
        if (o->quick) printf("; ttfa_s = wall_s\n");
        else printf("; ttfa: its first sentence, %.2f s of audio\n", any->ttfa_audio_s);
    }
    if (o->quality)
        printf("quality vs f32: snr_db with the golden harmonics injected (%s); logmel = mean log-mel distance, "
               "utterance, seed %llu\n", o->case_dir, (unsigned long long)o->seed);
    printf("\n%-7s %7s %7s %7s %6s %6s %6s %11s %16s %12s %7s %7s %6s %6s\n", "weights", "threads", "audio_s", "wall_s",
           "rtf", "ttfa_s", "load_s", "peak_rss_mb", "gflops_effective", "sgemm_gflops", "snr_db", "logmel", "cpu_s",
           "steal%");
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        if (r->reference_only) continue;
        if (!r->ok) {
            printf("%-7s %7d  FAILED: %s\n", r->type, r->threads, r->err);
            continue;
        }
        char snr[16], lm[16];
        if (r->is_reference) snprintf(snr, sizeof snr, "ref");
        else if (isinf(r->snr_db)) snprintf(snr, sizeof snr, "inf");
        else fmt_num(snr, sizeof snr, r->snr_db, 1);
        if (r->is_reference) snprintf(lm, sizeof lm, "ref");
        else fmt_num(lm, sizeof lm, r->logmel_mean, 4);
        if (r->length_differs) strncat(lm, "*", sizeof lm - strlen(lm) - 1);
        char st[16];
        fmt_num(st, sizeof st, r->steal_pct, 1);
        printf("%-7s %7d %7.2f %7.2f %6.3f %6.2f %6.3f %11.1f %16.2f %12.2f %7s %7s %6.2f %6s\n", r->type, r->threads,
               r->audio_s, r->wall_s, r->wall_s / r->audio_s, r->ttfa_s, r->load_s, r->peak_rss_mb,
               r->flops / 1e9 / r->wall_s, r->sgemm_gflops, snr, lm, r->cpu_s, st);
    }
    int star = 0;
    for (int i = 0; i < n; i++) star |= rows[i].length_differs;
    if (star) printf("* durations differ from f32: log-mel compared over the shorter length\n");

    /* goals */
    printf("\ngoals:\n");
    for (int t = 0; t < o->n_threads; t++) {
        int th = o->threads[t];
        const row *f = find_row(rows, n, "f32", th);
        if (f) {
            double eff = f->flops / 1e9 / f->wall_s / f->sgemm_gflops;
            printf("  f32 gflops_effective / sgemm_gflops, %d thread%s: %.3f (goal >= 1.0)", th, th == 1 ? "" : "s",
                   eff);
            print_paired(f);
        }
        const row *best = NULL;
        for (int i = 0; i < n; i++) {
            const row *r = &rows[i];
            if (r->reference_only || !r->ok || r->threads != th || !strcmp(r->type, "f32")) continue;
            if (!best || r->wall_s < best->wall_s) best = r;
        }
        if (best) {
            double eff = best->flops / 1e9 / best->wall_s / best->sgemm_gflops;
            printf("  best reduced type, %d thread%s: %s", th, th == 1 ? "" : "s", best->type);
            if (f) printf(", %.2fx the speed of f32", f->wall_s / best->wall_s);
            printf("; gflops_effective / sgemm_gflops %.3f (goal >= 1.5, ~2x ONNX Runtime f32)", eff);
            print_paired(best);
        }
    }
    if (o->n_threads > 1) {
        int t1 = o->threads[0];
        for (int t = 1; t < o->n_threads; t++) {
            int t2 = o->threads[t];
            printf("  %d thread%s vs %d (speed):", t2, t2 == 1 ? "" : "s", t1);
            for (int k = 0; k < o->n_types; k++) {
                const char *nm = lt_weight_type_name(o->types[k]);
                const row *a = find_row(rows, n, nm, t1), *b = find_row(rows, n, nm, t2);
                if (a && b) printf(" %s %.2fx,", nm, a->wall_s / b->wall_s);
            }
            printf(" OpenBLAS sgemm %.2fx\n", rows_sgemm(rows, n, t2) / rows_sgemm(rows, n, t1));
            printf("  %d thread%s vs %d, paired runs (goal >= 1.8 for 2 vs 1):", t2, t2 == 1 ? "" : "s", t1);
            double lo = INFINITY, hi = 0;
            for (int k = 0; k < o->n_types; k++) {
                const row *b = find_row(rows, n, lt_weight_type_name(o->types[k]), t2);
                if (!b || !isfinite(b->speedup_paired)) continue;
                printf(" %s %.2fx,", b->type, b->speedup_paired);
                if (b->machine_speedup_paired < lo) lo = b->machine_speedup_paired;
                if (b->machine_speedup_paired > hi) hi = b->machine_speedup_paired;
            }
            if (hi > 0 && round(lo * 100) == round(hi * 100))
                printf(" the machine's register-only FMA loop %.2fx\n", hi);
            else if (hi > 0) printf(" the machine's register-only FMA loop %.2f-%.2fx\n", lo, hi);
            else printf(" not measured\n");
        }
    }
    double worst_steal = 0;
    for (int i = 0; i < n; i++)
        if (!rows[i].reference_only && rows[i].ok && rows[i].steal_pct > worst_steal) worst_steal = rows[i].steal_pct;
    if (worst_steal >= 5.0)
        printf("  note: the hypervisor took up to %.0f%% of the CPUs' time during these rows (steal%%): wall-clock\n"
               "        figures and thread scaling are understated; compare cpu_s, or rerun on a quiet machine\n",
               worst_steal);
    /* how far the machine's own speed moved within a row: the spread of its sgemm bursts */
    double spread = 1.0, lo = NAN, hi = NAN;
    const row *wr = NULL;
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        if (r->reference_only || !r->ok) continue;
        double mn = INFINITY, mx = 0;
        for (int k = 0; k <= r->runs; k++)
            if (isfinite(r->sgemm_bursts[k]) && r->sgemm_bursts[k] > 0) {
                if (r->sgemm_bursts[k] < mn) mn = r->sgemm_bursts[k];
                if (r->sgemm_bursts[k] > mx) mx = r->sgemm_bursts[k];
            }
        if (mx > 0 && mx / mn > spread) spread = mx / mn, lo = mn, hi = mx, wr = r;
    }
    if (wr && spread >= 1.2)
        printf("  note: sgemm moved between %.0f and %.0f GFLOP/s within one row (%s, %d thread%s): the machine's\n"
               "        speed changed during the runs, so every ratio above carries that uncertainty\n",
               lo, hi, wr->type, wr->threads, wr->threads == 1 ? "" : "s");
    if (o->quality) {
        double worst = INFINITY;
        const char *wname = NULL;
        for (int i = 0; i < n; i++)
            if (!rows[i].reference_only && rows[i].ok && strcmp(rows[i].type, "f32") && !isnan(rows[i].snr_db) &&
                rows[i].snr_db < worst) {
                worst = rows[i].snr_db;
                wname = rows[i].type;
            }
        if (wname) printf("  quality: lowest SNR vs f32 %.1f dB (%s) (goal >= 30 dB)\n", worst, wname);
    }
    for (int i = 0; i < n; i++)
        if (!rows[i].reference_only && rows[i].ok && !strcmp(rows[i].type, "f16")) {
            printf("  f16 peak RSS, %d thread%s: %.1f MiB (goal <= 200 MB = 190.7 MiB)\n", rows[i].threads,
                   rows[i].threads == 1 ? "" : "s", rows[i].peak_rss_mb);
        }
    fflush(stdout);
}

/* ---- arguments ---------------------------------------------------------- */

static int parse_threads(const char *s, bench_opts *o) {
    o->n_threads = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > MAX_THREAD_COUNT || (*end && *end != ',')) return -1;
        if (o->n_threads == MAX_THREADS) return -1;
        int dup = 0;
        for (int i = 0; i < o->n_threads; i++) dup |= o->threads[i] == (int)v;
        if (!dup) o->threads[o->n_threads++] = (int)v;
        p = *end ? end + 1 : end;
    }
    return o->n_threads ? 0 : -1;
}

static int parse_types(const char *s, bench_opts *o) {
    o->n_types = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        lt_dtype t;
        if (lt_weight_type_parse(tok, &t)) {
            fprintf(stderr, "litetts bench: unknown weight type '%s': use f32, f16, bf16 or q8\n", tok);
            return -1;
        }
        int dup = 0;
        for (int i = 0; i < o->n_types; i++) dup |= o->types[i] == t;
        if (!dup) o->types[o->n_types++] = t;
    }
    if (!o->n_types) {
        fprintf(stderr, "litetts bench: --types is empty\n");
        return -1;
    }
    return 0;
}

/* Phonemes up to and including the first sentence end ('.', '!' or '?'). */
static char *first_sentence(const char *ph) {
    size_t n = strcspn(ph, ".!?");
    if (ph[n]) n++;
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, ph, n);
    s[n] = 0;
    while (n && s[n - 1] == ' ') s[--n] = 0;
    return s;
}

static int load_utterance(bench_opts *o) {
    if (o->phonemes_arg) {
        o->phonemes = strdup(o->phonemes_arg);
        snprintf(o->utterance_label, sizeof o->utterance_label, "--phonemes (%zu bytes)", strlen(o->phonemes_arg));
    } else {
        json_error_t jerr;
        json_t *j = json_load_file(o->utterance, 0, &jerr);
        if (!j) {
            fprintf(stderr, "litetts bench: %s: %s (pass --utterance FILE or --phonemes TEXT)\n", o->utterance,
                    jerr.text);
            return -1;
        }
        json_t *u = json_object_get(j, o->key);
        const char *ph = json_string_value(json_object_get(u ? u : j, "phonemes"));
        if (!ph) {
            fprintf(stderr, "litetts bench: %s has no \"%s\".phonemes\n", o->utterance, o->key);
            json_decref(j);
            return -1;
        }
        o->phonemes = strdup(ph);
        const char *slash = strrchr(o->utterance, '/');
        snprintf(o->utterance_label, sizeof o->utterance_label, "%s \"%s\"", slash ? slash + 1 : o->utterance,
                 u ? o->key : "phonemes");
        json_decref(j);
    }
    o->first_sentence = first_sentence(o->phonemes);
    if (!o->phonemes || !o->first_sentence) return -1;
    if (o->quick) {
        free(o->phonemes);
        o->phonemes = strdup(o->first_sentence);
        size_t l = strlen(o->utterance_label);
        snprintf(o->utterance_label + l, sizeof o->utterance_label - l, ", first sentence (--quick)");
    }
    return o->phonemes ? 0 : -1;
}

int lt_cmd_bench(int argc, char **argv) {
    static bench_opts opts;
    bench_opts *o = &opts;
    memset(o, 0, sizeof *o);
    o->quality = 1;
    o->key = "10s";
    o->repeat = 3;
    const char *threads_arg = NULL, *types_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        static const char *const valued[] = {"--model", "--config", "--voice", "--threads", "--types", "--utterance",
                                             "--key", "--phonemes", "--case", "--seed", "--repeat", NULL};
        int has_value = 0;
        for (int k = 0; valued[k]; k++) has_value |= !strcmp(a, valued[k]);
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--quick")) {
            o->quick = 1;
        } else if (!strcmp(a, "--no-quality")) {
            o->quality = 0;
        } else if (has_value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litetts bench: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--model")) o->model = v;
            else if (!strcmp(a, "--config")) o->config = v;
            else if (!strcmp(a, "--voice")) o->voice = v;
            else if (!strcmp(a, "--threads")) threads_arg = v;
            else if (!strcmp(a, "--types")) types_arg = v;
            else if (!strcmp(a, "--utterance")) o->utterance = v;
            else if (!strcmp(a, "--key")) o->key = v;
            else if (!strcmp(a, "--phonemes")) o->phonemes_arg = v;
            else if (!strcmp(a, "--case")) o->case_dir = v;
            else if (!strcmp(a, "--repeat")) {
                char *end;
                long n = strtol(v, &end, 10);
                if (*end || !*v || n < 1 || n > MAX_REPEAT) {
                    fprintf(stderr, "litetts bench: --repeat must be an integer from 1 to %d\n", MAX_REPEAT);
                    return 2;
                }
                o->repeat = (int)n;
            } else {
                char *end;
                o->seed = strtoull(v, &end, 10);
                if (*end || !*v || *v == '-') {
                    fprintf(stderr, "litetts bench: --seed must be a non-negative integer\n");
                    return 2;
                }
            }
        } else {
            fprintf(stderr, "litetts bench: unknown argument '%s' (see litetts bench --help)\n", a);
            return 2;
        }
    }
    const lt_cpu_features *cpu = lt_cpu_features_get();
    if (threads_arg) {
        if (parse_threads(threads_arg, o)) {
            fprintf(stderr, "litetts bench: --threads wants N or a comma list like 1,2 (at most %d counts)\n",
                    MAX_THREADS);
            return 2;
        }
    } else {
        o->threads[0] = cores_available();
        o->n_threads = 1;
    }
    if (parse_types(types_arg ? types_arg : cpu->avx512_bf16 ? "f32,f16,q8,bf16" : "f32,f16,q8", o)) return 2;
    int has_f32 = 0;
    for (int i = 0; i < o->n_types; i++) has_f32 |= o->types[i] == LT_F32;
    int hidden_reference = 0;
    if (!has_f32) { /* f32 runs anyway: it is the quality reference and the files' source */
        if (o->n_types == MAX_TYPES) return 2;
        memmove(o->types + 1, o->types, sizeof(lt_dtype) * (size_t)o->n_types);
        o->n_types++;
        hidden_reference = 1;
    } else { /* f32 first */
        for (int i = 0; i < o->n_types; i++)
            if (o->types[i] == LT_F32) {
                memmove(o->types + 1, o->types, sizeof(lt_dtype) * (size_t)i);
                break;
            }
    }
    o->types[0] = LT_F32;
    for (int i = 0; i < o->n_types; i++)
        if (o->types[i] == LT_BF16 && !cpu->avx512_bf16)
            progress("note: this CPU has no AVX512_BF16; bf16 runs without it");

    const char *sh = getenv("LT_SHARED");
    snprintf(o->shared, sizeof o->shared, "%s", sh && *sh ? sh : "../shared");
    static char voice_buf[PATH_CAP], utt_buf[PATH_CAP], case_buf[PATH_CAP];
    if (!o->voice) {
        snprintf(voice_buf, sizeof voice_buf, "%s/kokoro-voices/af_heart.bin", o->shared);
        o->voice = voice_buf;
    }
    if (!o->utterance) {
        snprintf(utt_buf, sizeof utt_buf, "%s/kokoro-golden/bench-utterance.json", o->shared);
        o->utterance = utt_buf;
    }
    if (!o->case_dir) {
        snprintf(case_buf, sizeof case_buf, "%s/kokoro-golden/full/case1", o->shared);
        o->case_dir = case_buf;
    }
    if (!file_exists(o->voice)) {
        fprintf(stderr, "litetts bench: voice pack %s not found (pass --voice FILE)\n", o->voice);
        return 2;
    }
    if (o->model && !file_exists(o->model)) {
        fprintf(stderr, "litetts bench: model %s not found\n", o->model);
        return 2;
    }
    if (load_utterance(o)) return 2;

    /* the temporary folder and the native file of each type */
    const char *td = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/litetts-bench-XXXXXX", td && *td ? td : "/tmp");
    if (!mkdtemp(tmp_dir)) {
        fprintf(stderr, "litetts bench: cannot create a temporary folder %s: %s\n", tmp_dir, strerror(errno));
        tmp_dir[0] = 0;
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int f32_native = 0;
    if (o->model) {
        /* a GGUF of f32 weights is used as is; anything else is converted */
        lt_tensor_set probe;
        lt_err perr;
        const char *dot = strrchr(o->model, '.');
        if (dot && !strcmp(dot, ".gguf") && lt_gguf_load(o->model, &probe, NULL, &perr) == 0) {
            f32_native = 1;
            for (size_t i = 0; i < probe.count; i++) f32_native &= probe.items[i].dtype == LT_F32;
            lt_tensor_set_free(&probe);
        }
        snprintf(o->model_label, sizeof o->model_label, "%s", o->model);
    } else {
        snprintf(o->model_label, sizeof o->model_label, "recipe weights (kokoro-golden/README.md), generated from "
                 "%s/kokoro-golden/state-dict-official.tsv", o->shared);
    }
    for (int i = 0; i < o->n_types; i++) {
        if (o->types[i] == LT_F32 && f32_native) {
            o->model_paths[i] = o->model;
            continue;
        }
        char name[64];
        snprintf(name, sizeof name, "model-%s.gguf", lt_weight_type_name(o->types[i]));
        o->model_paths[i] = tmp_file(name);
    }
    o->ref_case = tmp_file("reference-case.f32");
    o->ref_utt = tmp_file("reference-utterance.f32");

    int rc = 0;
    char why[512];
    prep_result prep;
    memset(&prep, 0, sizeof prep);
    if (in_child(o, child_prepare, NULL, &prep, sizeof prep, NULL, why, sizeof why) || !prep.ok) {
        fprintf(stderr, "litetts bench: preparing the models failed: %s\n", prep.err[0] ? prep.err : why);
        rc = 1;
        goto out;
    }

    static row rows[MAX_ROWS];
    int n_rows = 0, have_reference = 0;
    for (int k = 0; k < o->n_types; k++)
        for (int t = 0; t < o->n_threads; t++) {
            if (k == 0 && hidden_reference && t > 0) break; /* one hidden reference run is enough */
            row *r = &rows[n_rows++];
            memset(r, 0, sizeof *r);
            row_job job = {k, o->threads[t], !have_reference};
            row res;
            memset(&res, 0, sizeof res);
            res.reference_only = k == 0 && hidden_reference;
            double peak = NAN;
            sgemm_server sv = {-1, -1, -1};
            if (!res.reference_only && sgemm_server_start(o->threads[t], &sv))
                fprintf(stderr, "litetts bench: cannot start the sgemm process: %s\n", strerror(errno));
            o->sgemm_req_fd = sv.req_w;
            o->sgemm_ans_fd = sv.ans_r;
            if (in_child(o, child_row, &job, &res, sizeof res, &peak, why, sizeof why)) {
                res.ok = 0;
                snprintf(res.err, sizeof res.err, "%s", why);
            }
            sgemm_server_stop(&sv);
            o->sgemm_req_fd = o->sgemm_ans_fd = -1;
            *r = res;
            snprintf(r->type, sizeof r->type, "%s", lt_weight_type_name(o->types[k]));
            r->threads = o->threads[t];
            r->reference_only = k == 0 && hidden_reference;
            r->peak_rss_mb = peak;
            r->weights_file_mb = file_mb(o->model_paths[k]);
            if (!r->ok) {
                fprintf(stderr, "litetts bench: %s with %d thread%s failed: %s\n", r->type, r->threads,
                        r->threads == 1 ? "" : "s", r->err);
                rc = 1;
            } else if (!r->reference_only) {
                progress("%s, %d thread%s: %.2f s for %.2f s of audio (rtf %.3f, median of %d), ttfa %.2f s, "
                         "peak RSS %.1f MiB, sgemm %.1f GFLOP/s",
                         r->type, r->threads, r->threads == 1 ? "" : "s", r->wall_s, r->audio_s,
                         r->wall_s / r->audio_s, r->runs, r->ttfa_s, r->peak_rss_mb, r->sgemm_gflops);
            }
            if (k == 0 && r->ok && !have_reference) have_reference = 1;
        }

    /* step 4: each type's speed-up of every later thread count over the first, runs paired in time */
    for (int i = 0; i < n_rows && o->n_threads > 1; i++) {
        row *r = &rows[i];
        r->speedup_paired = r->machine_speedup_paired = NAN;
        if (r->reference_only || !r->ok || r->threads == o->threads[0]) continue;
        int k = 0;
        while (k < o->n_types && strcmp(lt_weight_type_name(o->types[k]), r->type)) k++;
        scaling_job job = {k, o->threads[0], r->threads};
        scaling_result res;
        memset(&res, 0, sizeof res);
        if (in_child(o, child_scaling, &job, &res, sizeof res, NULL, why, sizeof why) || !res.ok) {
            fprintf(stderr, "litetts bench: %s, paired runs failed: %s\n", r->type, res.err[0] ? res.err : why);
            rc = 1;
            continue;
        }
        r->speedup_paired = median_of(res.ratio, res.pairs);
        r->machine_speedup_paired = median_of(res.fma_ratio, res.pairs);
        progress("%s: %d threads vs %d, paired: %.2fx (the machine's FMA loop: %.2fx)", r->type, r->threads,
                 o->threads[0], r->speedup_paired, r->machine_speedup_paired);
    }

    if (o->json) print_json(o, rows, n_rows, cpu);
    else print_table(o, rows, n_rows, cpu);
out:
    cleanup_tmp();
    free(o->phonemes);
    free(o->first_sentence);
    return rc;
}
