/* cmd_serve.c — `litetts serve`: the OpenAI-compatible speech server
 * (src/server/) from the command line, until SIGINT/SIGTERM, then a
 * graceful stop. Settings come from a JSON file, LITETTS_* variables and
 * flags (src/server/settings.c), each overriding the one before. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "server/server.h"
#include "server/settings.h"

extern char **environ;

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts serve --model FILE [--voices DIR] [options]\n"
            "\n"
            "  --config FILE       settings as a JSON object (keys below; also $LITETTS_CONFIG)\n"
            "  --print-config      print the effective settings (API keys redacted) with their origin, and exit\n"
            "  --model FILE        kokoro-v1_0.pth, a .gguf from `litetts convert`, or the tiny golden model\n"
            "  --model-config FILE the model's config.json (default: beside the model; a .gguf carries its own)\n"
            "  --voices DIR        voice packs: NAME.pt, raw NAME.bin, .npz archives such as voices-v1.0.bin\n"
            "                      (default: <model dir>/voices; rescanned when the folder changes)\n"
            "  --lexicon-dir DIR   misaki's lexicons (default <model dir>/lexicons)\n"
            "  --host H            address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)\n"
            "  --port P            default 8880 (Kokoro-FastAPI's port)\n"
            "  --threads N         HTTP threads (default 2)\n"
            "  --workers N         requests synthesised at the same time (default 1; each uses the engine's\n"
            "                      threads, $LITETTS_THREADS); first chunks go ahead of later chunks\n"
            "  --queue N           requests admitted beyond the workers before 503 (default 16)\n"
            "  --max-input N       characters of `input` (default 4096)\n"
            "  --max-body BYTES    request body limit (default 1048576)\n"
            "  --read-timeout S    close a connection idle this long (slow clients; default 30)\n"
            "  --max-connections N open connections at once (default 512)\n"
            "  --api-key KEY       require `Authorization: Bearer KEY` (repeatable; also $LITETTS_API_KEYS,\n"
            "                      comma-separated); /health, /ready, /v1/models, /v1/audio/models,\n"
            "                      /v1/audio/voices, /v1/test and /metrics stay open unless --auth-info-routes\n"
            "  --auth-info-routes  with API keys, only /health and /ready stay open\n"
            "  --drain-seconds S   on SIGTERM/SIGINT, time in-flight requests get to finish (default 10)\n"
            "  --data-dir DIR      saved voices (voices.db, voices/) and the disk cache (cache/) (default ./data;\n"
            "                      --data-dir '' turns both off)\n"
            "  --voice-cache N     parsed voice packs and blends kept in memory (default 64)\n"
            "  --preload LIST      voices loaded at start, comma-separated (e.g. af_heart,af_bella)\n"
            "  --max-blend-terms N terms allowed in a blend expression (default 8, at most 16)\n"
            "  --blend-raw-weights blends use the raw weights instead of normalising them to sum 1\n"
            "  --max-voice-upload BYTES  size limit of an uploaded voice pack (default 2097152)\n"
            "  --cache-mem-mb N    audio cache, memory tier (default 64; 0 = off)\n"
            "  --cache-disk-mb N   audio cache, disk tier under <data-dir>/cache (default 512; 0 = off)\n"
            "  --rate-limit R      requests per second per API key (or client address) on the keyed routes;\n"
            "                      more get 429 + Retry-After (default 0 = off); --rate-burst B (default 2R)\n"
            "  --redis URL         shared cache and saved voices for several replicas: redis://host[:port][/db]\n"
            "                      (Redis down: logged once, local tiers only, reconnects later)\n"
            "  --precache FILE     JSON list of {\"text\", \"voice\", \"format\"?} synthesised into the cache\n"
            "                      at start, in the background\n"
            "  --access-log FILE   one JSON line per request (default stderr; '-' = stdout, 'off' = none)\n"
            "  --quiet             no log lines (and no access log unless --access-log)\n"
            "\n"
            "Every setting, its config-file key and environment variable (flags > environment > file):\n");
    char *h = lt_settings_help();
    if (h) fputs(h, f);
    free(h);
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* flag → setting key; value NULL: the flag takes an argument */
typedef struct flag_map {
    const char *flag, *key, *value;
} flag_map;

static const flag_map FLAGS[] = {
    {"model", "model", NULL},          {"model-config", "model_config", NULL}, {"voices", "voices", NULL},
    {"lexicon-dir", "lexicon_dir", NULL}, {"host", "host", NULL},            {"port", "port", NULL},
    {"threads", "http_threads", NULL}, {"workers", "workers", NULL},         {"queue", "queue", NULL},
    {"max-input", "max_input", NULL},  {"max-body", "max_body", NULL},
    {"read-timeout", "read_timeout", NULL}, {"max-connections", "max_connections", NULL},       {"api-key", "api_keys", NULL},
    {"auth-info-routes", "auth_info_routes", "1"}, {"drain-seconds", "drain_seconds", NULL},
    {"quiet", "quiet", "1"},           {"data-dir", "data_dir", NULL},       {"voice-cache", "voice_cache", NULL},
    {"preload", "preload", NULL},      {"max-blend-terms", "max_blend_terms", NULL},
    {"blend-raw-weights", "blend_raw_weights", "1"}, {"max-voice-upload", "max_voice_upload", NULL},
    {"cache-mem-mb", "cache_mem_mb", NULL}, {"cache-disk-mb", "cache_disk_mb", NULL},
    {"precache", "precache", NULL},    {"redis", "redis", NULL},             {"rate-limit", "rate_limit", NULL},
    {"rate-burst", "rate_burst", NULL}, {"access-log", "access_log", NULL},
};
#define N_FLAGS (int)(sizeof FLAGS / sizeof FLAGS[0])

/* A file given to --config that is a Kokoro config.json (older command
 * lines used --config for it): 1 when it has the model's keys. */
static int is_model_config(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, "\"istftnet\"") && strstr(buf, "\"vocab\"");
}

int lt_cmd_serve(int argc, char **argv) {
    struct option opts[N_FLAGS + 4];
    for (int i = 0; i < N_FLAGS; i++)
        opts[i] = (struct option){FLAGS[i].flag, FLAGS[i].value ? no_argument : required_argument, 0, 1000 + i};
    opts[N_FLAGS] = (struct option){"config", required_argument, 0, 'c'};
    opts[N_FLAGS + 1] = (struct option){"print-config", no_argument, 0, 'P'};
    opts[N_FLAGS + 2] = (struct option){"help", no_argument, 0, 'h'};
    opts[N_FLAGS + 3] = (struct option){0, 0, 0, 0};

    /* first pass: the config file and what the flags say, applied in order afterwards */
    const char *config_file = getenv("LITETTS_CONFIG");
    int print_config = 0;
    int *given = calloc((size_t)argc + 1, sizeof *given);
    char **values = calloc((size_t)argc + 1, sizeof *values);
    int n_given = 0;
    if (!given || !values) {
        free(given);
        free(values);
        fprintf(stderr, "litetts serve: out of memory\n");
        return 1;
    }
    optind = 1;
    int o, rc = 2;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o >= 1000 && o < 1000 + N_FLAGS) {
            given[n_given] = o - 1000;
            values[n_given++] = FLAGS[o - 1000].value ? (char *)FLAGS[o - 1000].value : optarg;
        } else if (o == 'c') {
            config_file = optarg;
        } else if (o == 'P') {
            print_config = 1;
        } else if (o == 'h') {
            usage(stdout);
            free(given);
            free(values);
            return 0;
        } else {
            usage(stderr);
            free(given);
            free(values);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "litetts serve: unexpected argument '%s'\n", argv[optind]);
        free(given);
        free(values);
        return 2;
    }

    lt_settings st;
    lt_settings_init(&st);
    lt_err err;
    if (config_file && *config_file) {
        if (is_model_config(config_file)) {
            fprintf(stderr, "litetts serve: %s is a model config.json; using it as --model-config\n", config_file);
            if (lt_settings_set(&st, "model_config", config_file, "flag --config", &err)) goto bad;
        } else if (lt_settings_load_file(&st, config_file, &err)) {
            goto bad;
        }
    }
    if (lt_settings_load_env(&st, environ, &err)) goto bad;
    for (int i = 0; i < n_given; i++) {
        const flag_map *f = &FLAGS[given[i]];
        char origin[64];
        snprintf(origin, sizeof origin, "flag --%s", f->flag);
        int r = !strcmp(f->key, "api_keys") ? lt_settings_append(&st, f->key, values[i], origin, &err)
                                             : lt_settings_set(&st, f->key, values[i], origin, &err);
        if (r) goto bad;
    }
    free(given);
    free(values);
    given = NULL;
    values = NULL;

    lt_server_config c = st.cfg;
    /* defaults beside the model, as `litetts download` lays them out */
    char voices[4096], lex[4096];
    if (c.model_path) {
        const char *slash = strrchr(c.model_path, '/');
        int dlen = slash ? (int)(slash - c.model_path) + 1 : 0;
        if (!c.voices_dir) {
            snprintf(voices, sizeof voices, "%.*svoices", dlen, c.model_path);
            c.voices_dir = voices;
        }
        if (!c.lexicon_dir) {
            snprintf(lex, sizeof lex, "%.*slexicons", dlen, c.model_path);
            if (is_dir(lex)) c.lexicon_dir = lex;
        }
    }
    if (print_config) {
        st.cfg.voices_dir = c.voices_dir;
        st.cfg.lexicon_dir = c.lexicon_dir;
        char *j = lt_settings_dump(&st, 1);
        if (j) printf("%s\n", j);
        free(j);
        lt_settings_free(&st);
        return j ? 0 : 1;
    }
    if (!c.model_path) {
        fprintf(stderr, "litetts serve: no model: give --model FILE (or \"model\" in --config, or LITETTS_MODEL)\n");
        lt_settings_free(&st);
        return 2;
    }

    /* the signals go to sigwait below, not to whichever thread runs */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    lt_server *s;
    if (lt_server_start(&c, &s, &err)) {
        fprintf(stderr, "litetts serve: %s\n", err.msg);
        lt_settings_free(&st);
        return 1;
    }
    int sig = 0;
    sigwait(&set, &sig);
    if (!c.quiet) fprintf(stderr, "litetts serve: %s: finishing in-flight requests, then exiting\n", strsignal(sig));
    lt_server_stop(s);
    lt_settings_free(&st);
    return 0;

bad:
    fprintf(stderr, "litetts serve: %s\n", err.msg);
    free(given);
    free(values);
    lt_settings_free(&st);
    return rc;
}
