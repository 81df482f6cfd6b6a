/* cmd_download.c — `litetts download`: fetches the official Kokoro v1.0
 * weights, config and voices and misaki's English lexicons into a directory,
 * resumably and sha256-checked (src/download/), with progress on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "download/download.h"
#include "download/manifest.h"

#define DEFAULT_DIR "models"

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts download [--dir D] [--only weights|voices|lexicons] [--voices LIST]\n"
            "                        [--base-url URL] [--retries N] [--quiet] [--list]\n"
            "\n"
            "Fetches the official Kokoro-82M v1.0 files from Hugging Face (hexgrad/Kokoro-82M:\n"
            "kokoro-v1_0.pth, config.json, voices/<name>.pt for the 54 voices) and misaki's English\n"
            "lexicons from GitHub (hexgrad/misaki: us_gold, us_silver, gb_gold, gb_silver .json).\n"
            "Interrupted downloads resume from D/<file>.part; every file is checked against its\n"
            "pinned sha256 before it is moved into place; complete files are skipped.\n"
            "\n"
            "options:\n"
            "  --dir D          download directory (default: " DEFAULT_DIR "). Layout:\n"
            "                     D/kokoro-v1_0.pth  D/config.json  D/voices/<name>.pt  D/lexicons/<name>.json\n"
            "  --only GROUPS    weights (model + config), voices or lexicons; a comma-separated\n"
            "                   list selects several (default: all three)\n"
            "  --voices LIST    comma-separated voice names, e.g. af_heart,bf_emma (default: all 54)\n"
            "  --base-url URL   fetch from a mirror: URL replaces both hosts and the paths stay:\n"
            "                     URL/hexgrad/Kokoro-82M/resolve/main/<file>\n"
            "                     URL/hexgrad/misaki/main/misaki/data/<file>\n"
            "                   (the environment variable LITETTS_DOWNLOAD_BASE does the same)\n"
            "  --retries N      requests per file on network errors, resuming each time (default 3)\n"
            "  --quiet          no progress lines (results and errors are still printed)\n"
            "  --list           print the files, sizes and pinned sha256 digests, then exit\n"
            "  -h, --help       this help\n"
            "\n"
            "Exit status: 0 when every selected file is in place, 1 if any failed, 2 on bad usage.\n");
}

/* ---- progress ---------------------------------------------------------- */

typedef struct progress_state {
    int tty;
    int quiet;
    int line_open;      /* a \r line is on screen */
    double last_plain;  /* time of the last plain (non-TTY) line */
    char label[256];    /* file the state refers to */
} progress_state;

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void human(char *out, size_t cap, double bytes) {
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(out, cap, "%.0f %s", bytes, units[u]);
    else
        snprintf(out, cap, "%.1f %s", bytes, units[u]);
}

static void format_line(char *out, size_t cap, const lt_download_progress *p) {
    char done[32], total[32], rate[32];
    human(done, sizeof done, (double)p->done);
    human(rate, sizeof rate, p->rate);
    if (p->total) {
        human(total, sizeof total, (double)p->total);
        snprintf(out, cap, "%s: %s / %s (%5.1f%%) %s/s", p->label, done, total,
                 100.0 * (double)p->done / (double)p->total, rate);
    } else {
        snprintf(out, cap, "%s: %s / ? %s/s", p->label, done, rate);
    }
}

static void on_progress(const lt_download_progress *p, void *ud) {
    progress_state *s = ud;
    if (s->quiet) return;
    int new_file = strncmp(s->label, p->label, sizeof s->label - 1) != 0;
    if (new_file) {
        snprintf(s->label, sizeof s->label, "%s", p->label);
        s->last_plain = 0;
    }
    char line[512];
    format_line(line, sizeof line, p);
    if (s->tty) {
        fprintf(stderr, "\r%s\033[K", line);
        s->line_open = 1;
        if (p->finished) {
            fputc('\n', stderr);
            s->line_open = 0;
        }
        fflush(stderr);
        return;
    }
    /* Not a terminal: the first report, one line every 5 s, and the last. */
    double t = mono_s();
    if (p->finished || s->last_plain == 0 || t - s->last_plain >= 5.0) {
        if (p->resumed_from && s->last_plain == 0 && !p->finished)
            fprintf(stderr, "%s (resuming at byte %llu)\n", line, (unsigned long long)p->resumed_from);
        else
            fprintf(stderr, "%s\n", line);
        s->last_plain = t;
    }
}

static void on_file(const lt_manifest_entry *e, const char *url, const lt_download_result *r,
                    const lt_err *file_err, void *ud) {
    progress_state *s = ud;
    if (s->line_open) {
        fputc('\n', stderr);
        s->line_open = 0;
    }
    if (file_err) {
        fprintf(stderr, "FAILED  %s\n", file_err->msg);
        return;
    }
    const char *how = r->skipped     ? "already present"
                      : r->restarted ? "downloaded (the server ignored the Range request; restarted from byte 0)"
                      : r->resumed   ? "downloaded (resumed)"
                      : r->replaced  ? "downloaded again (the existing file had the wrong sha256)"
                                     : "downloaded";
    if (r->verified)
        fprintf(stderr, "ok      %s: %s, %llu bytes, sha256 verified\n", e->path, how,
                (unsigned long long)r->size);
    else
        fprintf(stderr,
                "ok      %s: %s, %llu bytes, sha256 %s — NOT verified (no pinned checksum for this file; "
                "source %s)\n",
                e->path, how, (unsigned long long)r->size, r->sha256, url);
}

/* ---- arguments --------------------------------------------------------- */

/* Matches "--name value" and "--name=value"; advances *i past a separate value. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val) {
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != 0) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "litetts download: %s needs a value (see --help)\n", name);
        *val = NULL;
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static void list_manifest(void) {
    printf("%-24s %-9s %11s  %s\n", "path", "group", "bytes", "pinned sha256");
    for (size_t i = 0; i < lt_manifest_count(); i++) {
        const lt_manifest_entry *e = lt_manifest_at(i);
        char size[24];
        if (e->size)
            snprintf(size, sizeof size, "%llu", (unsigned long long)e->size);
        else
            snprintf(size, sizeof size, "?");
        printf("%-24s %-9s %11s  %s\n", e->path, lt_manifest_group_name(e->group), size,
               e->sha256 ? e->sha256 : "(unknown: computed and reported, not verified)");
    }
}

int lt_cmd_download(int argc, char **argv) {
    const char *dir = DEFAULT_DIR, *only = NULL, *voices_arg = NULL, *base = NULL, *retries = NULL;
    int quiet = 0, list = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            quiet = 1;
        } else if (!strcmp(argv[i], "--list")) {
            list = 1;
        } else if ((r = opt_value(argc, argv, &i, "--dir", &v)) != 0) {
            if (r < 0) return 2;
            dir = v;
        } else if ((r = opt_value(argc, argv, &i, "--only", &v)) != 0) {
            if (r < 0) return 2;
            only = v;
        } else if ((r = opt_value(argc, argv, &i, "--voices", &v)) != 0) {
            if (r < 0) return 2;
            voices_arg = v;
        } else if ((r = opt_value(argc, argv, &i, "--base-url", &v)) != 0) {
            if (r < 0) return 2;
            base = v;
        } else if ((r = opt_value(argc, argv, &i, "--retries", &v)) != 0) {
            if (r < 0) return 2;
            retries = v;
        } else {
            fprintf(stderr, "litetts download: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (list) {
        list_manifest();
        return 0;
    }
    if (!*dir) {
        fprintf(stderr, "litetts download: --dir must not be empty\n");
        return 2;
    }

    lt_download_manifest_opts o;
    lt_download_manifest_opts_init(&o);
    lt_err err;
    err.msg[0] = 0;
    if (only && lt_manifest_parse_groups(only, &o.groups, &err) != 0) {
        fprintf(stderr, "litetts download: %s\n", err.msg);
        return 2;
    }
    if (retries) {
        char *end = NULL;
        long n = strtol(retries, &end, 10);
        if (!*retries || *end || n < 1 || n > 100) {
            fprintf(stderr, "litetts download: --retries must be a whole number from 1 to 100, not '%s'\n",
                    retries);
            return 2;
        }
        o.file.max_attempts = (int)n;
    }
    if (base && strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        fprintf(stderr, "litetts download: --base-url must start with http:// or https://, not '%s'\n", base);
        return 2;
    }

    /* --voices a,b,c */
    char *voices_buf = NULL;
    const char **voices = NULL;
    size_t n_voices = 0;
    if (voices_arg) {
        voices_buf = strdup(voices_arg);
        voices = calloc(strlen(voices_arg) / 2 + 2, sizeof *voices);
        if (!voices_buf || !voices) {
            fprintf(stderr, "litetts download: out of memory\n");
            free(voices_buf);
            free(voices);
            return 1;
        }
        for (char *save = NULL, *tok = strtok_r(voices_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            if (*tok) voices[n_voices++] = tok;
        if (!n_voices) {
            fprintf(stderr, "litetts download: --voices needs at least one voice name\n");
            free(voices_buf);
            free(voices);
            return 2;
        }
        for (size_t i = 0; i < n_voices; i++)
            if (!lt_manifest_find_voice(voices[i])) {
                fprintf(stderr,
                        "litetts download: --voices: '%s' is not a Kokoro v1.0 voice "
                        "(`litetts download --list` shows the 54 names)\n",
                        voices[i]);
                free(voices_buf);
                free(voices);
                return 2;
            }
        o.voices = voices;
        o.n_voices = n_voices;
        if (o.groups && !(o.groups & LT_DL_VOICES))
            fprintf(stderr, "litetts download: note: --voices has no effect because --only does not include "
                            "voices\n");
    }

    progress_state ps;
    memset(&ps, 0, sizeof ps);
    ps.tty = isatty(STDERR_FILENO);
    ps.quiet = quiet;
    o.dir = dir;
    o.base_url = base;
    o.file.progress = on_progress;
    o.file.progress_ud = &ps;
    o.on_file = on_file;
    o.on_file_ud = &ps;

    const char *eff = lt_download_effective_base(base);
    if (!quiet)
        fprintf(stderr, "litetts download: into %s/ from %s\n", dir,
                eff ? eff : "https://huggingface.co and https://raw.githubusercontent.com");

    lt_download_summary sum;
    int rc = lt_download_manifest(&o, &sum, &err);
    char fetched[32];
    human(fetched, sizeof fetched, (double)sum.bytes_fetched);
    fprintf(stderr, "litetts download: %zu file%s selected: %zu downloaded, %zu already present, %zu failed; "
                    "%zu verified, %zu without a pinned checksum; %s received\n",
            sum.selected, sum.selected == 1 ? "" : "s", sum.downloaded, sum.skipped, sum.failed,
            sum.verified, sum.unverified, fetched);
    if (rc != 0) fprintf(stderr, "litetts download: error: %s\n", err.msg);
    free(voices_buf);
    free(voices);
    return rc == 0 ? 0 : 1;
}
