/* cmd_serve.c — `litetts serve`: the OpenAI-compatible speech server
 * (src/server/) from the command line, until SIGINT/SIGTERM, then a
 * graceful stop. */
#include <getopt.h>
#include <libavutil/log.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "server/server.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts serve --model FILE [--voices DIR] [options]\n"
            "\n"
            "  --model FILE        kokoro-v1_0.pth, a .gguf from `litetts convert`, or the tiny golden model\n"
            "  --config FILE       the model's config.json (default: beside the model; a .gguf carries its own)\n"
            "  --voices DIR        voice packs: NAME.pt, raw NAME.bin, .npz archives such as voices-v1.0.bin\n"
            "                      (default: <model dir>/voices; rescanned when the folder changes)\n"
            "  --lexicon-dir DIR   misaki's lexicons (default $LITETTS_LEXICON_DIR, else <model dir>/lexicons)\n"
            "  --host H            address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)\n"
            "  --port P            default 8880 (Kokoro-FastAPI's port)\n"
            "  --threads N         HTTP threads (default 2)\n"
            "  --workers N         synthesis workers (default 1; each uses the engine's threads)\n"
            "  --queue N           requests that may wait for a worker before 503 (default 16)\n"
            "  --max-input N       characters of `input` (default 4096)\n"
            "  --max-body BYTES    request body limit (default 1048576)\n"
            "  --api-key KEY       require `Authorization: Bearer KEY` (repeatable; also $LITETTS_API_KEYS,\n"
            "                      comma-separated); /health, /ready, /v1/models, /v1/audio/models,\n"
            "                      /v1/audio/voices and /v1/test stay open\n"
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
            "  --redis URL         shared cache tier for several replicas: redis://host[:port][/db]\n"
            "                      (Redis down: logged once, local tiers only, reconnects later)\n"
            "  --precache FILE     JSON list of {\"text\", \"voice\", \"format\"?} synthesised into the cache\n"
            "                      at start, in the background\n"
            "  --quiet             no log lines\n");
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int lt_cmd_serve(int argc, char **argv) {
    av_log_set_level(AV_LOG_ERROR); /* FFmpeg's encoders chat at info level; the server logs what matters */
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},     {"config", required_argument, 0, 'c'},
        {"voices", required_argument, 0, 'v'},    {"lexicon-dir", required_argument, 0, 'd'},
        {"host", required_argument, 0, 'H'},      {"port", required_argument, 0, 'p'},
        {"threads", required_argument, 0, 't'},   {"workers", required_argument, 0, 'w'},
        {"queue", required_argument, 0, 'q'},     {"max-input", required_argument, 0, 'i'},
        {"max-body", required_argument, 0, 'b'},  {"api-key", required_argument, 0, 'k'},
        {"drain-seconds", required_argument, 0, 's'}, {"quiet", no_argument, 0, 'Q'},
        {"data-dir", required_argument, 0, 'D'},  {"voice-cache", required_argument, 0, 'V'},
        {"preload", required_argument, 0, 'P'},   {"max-blend-terms", required_argument, 0, 'T'},
        {"blend-raw-weights", no_argument, 0, 'R'}, {"max-voice-upload", required_argument, 0, 'U'},
        {"cache-mem-mb", required_argument, 0, 'M'}, {"cache-disk-mb", required_argument, 0, 'K'},
        {"precache", required_argument, 0, 'C'}, {"redis", required_argument, 0, 'r'},
        {"rate-limit", required_argument, 0, 'L'}, {"rate-burst", required_argument, 0, 'B'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    lt_server_config c;
    lt_server_config_default(&c);
    char keys[4096] = "";
    const char *env_keys = getenv("LITETTS_API_KEYS");
    if (env_keys) snprintf(keys, sizeof keys, "%s", env_keys);
    optind = 1;
    int o;
    char *end;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        long v = 0;
        if (strchr("ptwqibsVTUMK", o)) {
            v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 1L << 30) {
                fprintf(stderr, "litetts serve: --%s: '%s' is not a valid number\n",
                        o == 'p' ? "port" : o == 't' ? "threads" : o == 'w' ? "workers" : o == 'q' ? "queue"
                        : o == 'i' ? "max-input" : o == 'b' ? "max-body" : o == 's' ? "drain-seconds"
                        : o == 'V' ? "voice-cache" : o == 'T' ? "max-blend-terms" : o == 'U' ? "max-voice-upload"
                        : o == 'M' ? "cache-mem-mb" : "cache-disk-mb", optarg);
                return 2;
            }
        }
        switch (o) {
        case 'm': c.model_path = optarg; break;
        case 'c': c.config_path = optarg; break;
        case 'v': c.voices_dir = optarg; break;
        case 'd': c.lexicon_dir = optarg; break;
        case 'H': c.host = optarg; break;
        case 'p': c.port = (int)v; break;
        case 't': c.http_threads = (int)v; break;
        case 'w': c.workers = (int)v; break;
        case 'q': c.queue_size = (int)v; break;
        case 'i': c.max_input = (size_t)v; break;
        case 'b': c.max_body = (size_t)v; break;
        case 's': c.drain_ms = (int)v * 1000; break;
        case 'Q': c.quiet = 1; break;
        case 'D': c.data_dir = optarg; break;
        case 'V': c.voice_cache = (int)v; break;
        case 'P': c.preload = optarg; break;
        case 'T':
            if (v < 1 || v > 16) {
                fprintf(stderr, "litetts serve: --max-blend-terms must be 1-16\n");
                return 2;
            }
            c.max_blend_terms = (int)v;
            break;
        case 'R': c.blend_raw_weights = 1; break;
        case 'U': c.max_voice_upload = (size_t)v; break;
        case 'M': c.cache_mem_mb = (size_t)v; break;
        case 'K': c.cache_disk_mb = (size_t)v; break;
        case 'C': c.precache = optarg; break;
        case 'r': c.redis_url = optarg; break;
        case 'L':
        case 'B': {
            double d = strtod(optarg, &end);
            if (*end || end == optarg || !(d >= 0) || d > 1e6) {
                fprintf(stderr, "litetts serve: --%s: '%s' is not a valid number\n", o == 'L' ? "rate-limit" : "rate-burst",
                        optarg);
                return 2;
            }
            if (o == 'L') c.rate_limit = d;
            else c.rate_burst = d;
            break;
        }
        case 'k': {
            size_t len = strlen(keys);
            snprintf(keys + len, sizeof keys - len, "%s%s", len ? "," : "", optarg);
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !c.model_path) {
        usage(stderr);
        return 2;
    }
    if (c.port > 65535) {
        fprintf(stderr, "litetts serve: --port must be 0-65535\n");
        return 2;
    }
    /* defaults beside the model, as `litetts download` lays them out */
    char voices[4096], lex[4096];
    const char *slash = strrchr(c.model_path, '/');
    int dlen = slash ? (int)(slash - c.model_path) + 1 : 0;
    if (!c.voices_dir) {
        snprintf(voices, sizeof voices, "%.*svoices", dlen, c.model_path);
        c.voices_dir = voices;
    }
    if (!c.lexicon_dir) c.lexicon_dir = getenv("LITETTS_LEXICON_DIR");
    if (!c.lexicon_dir) {
        snprintf(lex, sizeof lex, "%.*slexicons", dlen, c.model_path);
        if (is_dir(lex)) c.lexicon_dir = lex;
    }
    c.api_keys = keys[0] ? keys : NULL;

    /* the signals go to sigwait below, not to whichever thread runs */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    lt_err err;
    lt_server *s;
    if (lt_server_start(&c, &s, &err)) {
        fprintf(stderr, "litetts serve: %s\n", err.msg);
        return 1;
    }
    int sig = 0;
    sigwait(&set, &sig);
    if (!c.quiet) fprintf(stderr, "litetts serve: %s: finishing in-flight requests, then exiting\n", strsignal(sig));
    lt_server_stop(s);
    return 0;
}
