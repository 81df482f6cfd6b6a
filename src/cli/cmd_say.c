/* cmd_say.c — `litetts say`: phonemes + voice → WAV or .npy, with the parity
 * hooks the golden tests use (--noise-dir, --inject-f0, --inject-harmonics,
 * --dump-dir). */
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio/wav.h"
#include "cli/commands.h"
#include "engine/kokoro.h"
#include "engine/npy.h"
#include "api/speak.h"
#include "text/espeak_g2p.h"
#include "text/frontend.h"
#include "voice/voice_pack.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts say --model FILE --voice FILE|NAME (--phonemes \"...\" | --text \"...\") -o out.wav|out.npy [options]\n"
            "\n"
            "  --model FILE        kokoro-v1_0.pth, a .gguf from `litetts convert`, or any Kokoro checkpoint\n"
            "  --config FILE       config.json (default: beside the model; a .gguf carries its own)\n"
            "  --voice FILE|NAME   voice pack (.pt, raw .bin, or NAME looked up in --voices / beside the model)\n"
            "  --voices DIR        folder of voice packs for NAME lookups (default: <model dir>/voices)\n"
            "  --phonemes TEXT     misaki phonemes, at most 510 code points\n"
            "  --text TEXT         plain text instead: normalised, phonemised, cut into chunks, concatenated\n"
            "  --lang L            a b e f h i j p z (default: from the voice name's prefix, else a)\n"
            "  --lexicon-dir DIR   misaki's lexicons (default $LITETTS_LEXICON_DIR, else <model dir>/lexicons)\n"
            "  --normalize LIST    normalisation groups, e.g. \"-web,-acronyms\" (see `litetts normalize --help`)\n"
            "  --timestamps FILE   with --text: word timings as JSON (word, phonemes, source span, start/end s)\n"
            "  --user-lexicon FILE JSON word → phonemes, overriding the lexicons\n"
            "  --speed S           0.25 .. 4 (default 1)\n"
            "  --seed N            seed of the random source (default 0); same seed, same audio\n"
            "  -o, --output FILE   .wav (24 kHz, 16-bit) or .npy (float32 samples)\n"
            "\n"
            "parity hooks:\n"
            "  --noise-dir DIR     take the random draws from DIR/noise_000.npy, noise_001.npy\n"
            "  --inject-f0         (with --noise-dir) use DIR/F0_pred.npy and DIR/N_pred.npy\n"
            "  --inject-harmonics  (with --noise-dir) use DIR/har_spec.npy and DIR/har_phase.npy\n"
            "  --dump-dir DIR      write every intermediate as DIR/<name>.npy\n");
}

typedef struct dump_ctx {
    const char *dir;
    int failed;
} dump_ctx;

static void dump_npy(void *ud, const char *name, lt_dtype dtype, int ndim, const int64_t *shape, const void *data) {
    dump_ctx *d = ud;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", d->dir, name);
    lt_err err;
    if (lt_npy_write_file(path, dtype, ndim, shape, data, &err)) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        d->failed = 1;
    }
}

static int file_exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* NAME → <dir>/NAME.pt or .bin; a path that exists is used as is. */
static const char *resolve_voice(const char *voice, const char *voices_dir, const char *model, char *buf, size_t len) {
    if (file_exists(voice)) return voice;
    char dir[4096];
    if (voices_dir) {
        snprintf(dir, sizeof dir, "%s", voices_dir);
    } else {
        const char *slash = strrchr(model, '/');
        snprintf(dir, sizeof dir, "%.*svoices", slash ? (int)(slash - model) + 1 : 0, model);
    }
    static const char *ext[] = {".pt", ".bin"};
    for (int i = 0; i < 2; i++) {
        snprintf(buf, len, "%s/%s%s", dir, voice, ext[i]);
        if (file_exists(buf)) return buf;
    }
    return NULL;
}

/* Adds DIR/NAME.npy to the hook set; the caller looks tensors up after the
 * last load (adding may move the set's array). */
static int load_hook(lt_tensor_set *set, const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    lt_err err;
    if (lt_npy_read_file(path, set, name, &err)) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int ends_with(const char *s, const char *sfx) {
    size_t a = strlen(s), b = strlen(sfx);
    return a >= b && strcmp(s + a - b, sfx) == 0;
}

/* "voices/af_heart.pt" → "af_heart.pt": the language comes from the file name's prefix */
static const char *voice_name(const char *voice) {
    const char *slash = strrchr(voice, '/');
    return slash ? slash + 1 : voice;
}

/* misaki's lexicons: $LITETTS_LEXICON_DIR, else <model dir>/lexicons (where `litetts download` puts them) */
static const char *default_lexicon_dir(const char *model, char *buf, size_t len) {
    const char *env = getenv("LITETTS_LEXICON_DIR");
    if (env && *env) return env;
    const char *slash = strrchr(model, '/');
    snprintf(buf, len, "%.*slexicons", slash ? (int)(slash - model) + 1 : 0, model);
    return buf;
}

/* collects every chunk's audio into one buffer and the word timings into JSON */
typedef struct text_sink {
    const char *text;
    lt_synth_result *res;
    json_t *times;
    int oom;
} text_sink;

static int sink_audio(void *user, const float *x, int64_t n, int chunk) {
    (void)chunk;
    text_sink *s = user;
    float *a = realloc(s->res->audio, sizeof(float) * (size_t)(s->res->n_samples + n));
    if (!a) return s->oom = 1;
    memcpy(a + s->res->n_samples, x, sizeof(float) * (size_t)n);
    s->res->audio = a;
    s->res->n_samples += n;
    return 0;
}

static int sink_word(void *user, const lt_spoken_word *w) {
    text_sink *s = user;
    json_array_append_new(s->times, json_pack("{s:s%, s:s%, s:I, s:I, s:f, s:f}", "word", s->text + w->src_start,
                                              w->src_end - w->src_start, "phonemes", w->ph, w->ph_len, "start",
                                              (json_int_t)w->src_start, "end", (json_int_t)w->src_end, "start_time",
                                              w->start_time, "end_time", w->end_time));
    return 0;
}

/* Text → audio (all chunks concatenated into *res); word timings (seconds,
 * source byte spans) to a JSON file if asked. */
static int say_text(const lt_kokoro *m, const lt_voice_pack *pack, const char *text, const lt_frontend_opts *fo,
                    float speed, uint64_t seed, const char *timestamps, lt_synth_result *res) {
    lt_err err;
    lt_frontend *fe = lt_frontend_new(fo, &err);
    if (!fe) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        return -1;
    }
    memset(res, 0, sizeof *res);
    text_sink sink = {.text = text, .res = res, .times = json_array()};
    int rc = lt_speak_text(m, pack, fe, text, speed, seed, sink_audio, sink_word, &sink, &err) < 0 ? -1 : 0;
    if (rc) fprintf(stderr, "litetts say: %s\n", sink.oom ? "out of memory" : err.msg);
    if (!rc && timestamps && json_dump_file(sink.times, timestamps, JSON_INDENT(1) | JSON_ENSURE_ASCII) != 0) {
        fprintf(stderr, "litetts say: cannot write --timestamps file '%s'\n", timestamps);
        rc = -1;
    }
    json_decref(sink.times);
    lt_frontend_free(fe);
    return rc;
}

int lt_cmd_say(int argc, char **argv) {
    const char *model = NULL, *config = NULL, *voice = NULL, *voices_dir = NULL, *phonemes = NULL, *output = NULL;
    const char *noise_dir = NULL, *dump_dir = NULL;
    const char *text = NULL, *lexicon_dir = NULL, *normalize = NULL, *timestamps = NULL, *user_lexicon = NULL;
    char lang = 0;
    double speed = 1.0;
    unsigned long long seed = 0;
    int inject_f0 = 0, inject_har = 0;
    enum { O_MODEL = 256, O_CONFIG, O_VOICE, O_VOICES, O_PHON, O_SPEED, O_SEED, O_NOISE, O_INJF0, O_INJHAR, O_DUMP,
           O_TEXT, O_LANG, O_LEXDIR, O_NORM, O_TIMES, O_USERLEX };
    static const struct option opts[] = {
        {"model", required_argument, 0, O_MODEL},   {"config", required_argument, 0, O_CONFIG},
        {"voice", required_argument, 0, O_VOICE},   {"voices", required_argument, 0, O_VOICES},
        {"phonemes", required_argument, 0, O_PHON}, {"speed", required_argument, 0, O_SPEED},
        {"seed", required_argument, 0, O_SEED},     {"output", required_argument, 0, 'o'},
        {"noise-dir", required_argument, 0, O_NOISE}, {"inject-f0", no_argument, 0, O_INJF0},
        {"inject-harmonics", no_argument, 0, O_INJHAR}, {"dump-dir", required_argument, 0, O_DUMP},
        {"text", required_argument, 0, O_TEXT},     {"lang", required_argument, 0, O_LANG},
        {"lexicon-dir", required_argument, 0, O_LEXDIR}, {"normalize", required_argument, 0, O_NORM},
        {"timestamps", required_argument, 0, O_TIMES}, {"user-lexicon", required_argument, 0, O_USERLEX},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0}};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case O_MODEL: model = optarg; break;
        case O_CONFIG: config = optarg; break;
        case O_VOICE: voice = optarg; break;
        case O_VOICES: voices_dir = optarg; break;
        case O_PHON: phonemes = optarg; break;
        case O_SPEED:
            speed = strtod(optarg, &end);
            if (*end || !(speed >= 0.25 && speed <= 4.0)) {
                fprintf(stderr, "litetts say: --speed must be a number in 0.25..4, got '%s'\n", optarg);
                return 2;
            }
            break;
        case O_SEED:
            seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg) { fprintf(stderr, "litetts say: --seed must be a non-negative integer\n"); return 2; }
            break;
        case 'o': output = optarg; break;
        case O_NOISE: noise_dir = optarg; break;
        case O_INJF0: inject_f0 = 1; break;
        case O_INJHAR: inject_har = 1; break;
        case O_DUMP: dump_dir = optarg; break;
        case O_TEXT: text = optarg; break;
        case O_LANG:
            if (strlen(optarg) != 1) { fprintf(stderr, "litetts say: --lang takes one letter (a b e f h i j p z)\n"); return 2; }
            lang = optarg[0];
            break;
        case O_LEXDIR: lexicon_dir = optarg; break;
        case O_NORM: normalize = optarg; break;
        case O_TIMES: timestamps = optarg; break;
        case O_USERLEX: user_lexicon = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) { fprintf(stderr, "litetts say: unexpected argument '%s'\n", argv[optind]); return 2; }
    if (!model || !voice || !(phonemes || text) || (phonemes && text) || (!output && !dump_dir)) {
        fprintf(stderr, "litetts say: --model, --voice, -o and one of --phonemes or --text are required\n");
        usage(stderr);
        return 2;
    }
    if (text && (noise_dir || dump_dir)) {
        fprintf(stderr, "litetts say: the parity hooks (--noise-dir, --dump-dir) take --phonemes, not --text\n");
        return 2;
    }
    if ((inject_f0 || inject_har) && !noise_dir) {
        fprintf(stderr, "litetts say: --inject-f0 and --inject-harmonics need --noise-dir\n");
        return 2;
    }
    if (output && !ends_with(output, ".wav") && !ends_with(output, ".npy")) {
        fprintf(stderr, "litetts say: -o must end in .wav or .npy, got '%s'\n", output);
        return 2;
    }
    if (dump_dir && mkdir(dump_dir, 0777) != 0) {
        struct stat st;
        if (stat(dump_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "litetts say: cannot create --dump-dir '%s'\n", dump_dir);
            return 1;
        }
    }

    lt_err err;
    lt_kokoro *m = NULL;
    if (lt_kokoro_open(model, config, &m, &err)) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        return 1;
    }
    int rc = 1;
    lt_voice_pack pack = {0};
    lt_tensor_set hooks_set;
    lt_tensor_set_init(&hooks_set);
    lt_synth_result res = {0};
    char vbuf[4096];
    const char *vpath = resolve_voice(voice, voices_dir, model, vbuf, sizeof vbuf);
    if (!vpath) {
        fprintf(stderr, "litetts say: voice '%s' is neither a file nor a NAME found as NAME.pt / NAME.bin in %s\n", voice,
                voices_dir ? voices_dir : "<model dir>/voices");
        goto done;
    }
    if (lt_voice_pack_load(vpath, NULL, 2 * m->cfg.style_dim, &pack, &err)) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        goto done;
    }
    lt_synth_hooks hooks = {.seed = seed};
    dump_ctx dctx = {.dir = dump_dir};
    if (dump_dir) {
        hooks.dump = dump_npy;
        hooks.dump_ud = &dctx;
    }
    if (noise_dir) {
        hooks.noise_what = noise_dir;
        if (load_hook(&hooks_set, noise_dir, "noise_000") || load_hook(&hooks_set, noise_dir, "noise_001") ||
            (inject_f0 && (load_hook(&hooks_set, noise_dir, "F0_pred") || load_hook(&hooks_set, noise_dir, "N_pred"))) ||
            (inject_har &&
             (load_hook(&hooks_set, noise_dir, "har_spec") || load_hook(&hooks_set, noise_dir, "har_phase"))))
            goto done;
        hooks.noise_rand_ini = lt_tensor_set_find(&hooks_set, "noise_000");
        hooks.noise_randn = lt_tensor_set_find(&hooks_set, "noise_001");
        hooks.inject_f0 = lt_tensor_set_find(&hooks_set, "F0_pred");
        hooks.inject_n = lt_tensor_set_find(&hooks_set, "N_pred");
        hooks.inject_har_spec = lt_tensor_set_find(&hooks_set, "har_spec");
        hooks.inject_har_phase = lt_tensor_set_find(&hooks_set, "har_phase");
    }
    if (text) {
        if (!lang) lang = lt_lang_from_voice(voice_name(voice));
        char lexbuf[4096];
        if (!lexicon_dir) lexicon_dir = default_lexicon_dir(model, lexbuf, sizeof lexbuf);
        lt_frontend_opts fo = {.lang = lang ? lang : 'a', .lexicon_dir = lexicon_dir, .user_lexicon = user_lexicon,
                               .normalize = normalize};
        if (say_text(m, &pack, text, &fo, (float)speed, seed, timestamps, &res)) goto done;
    } else {
    /* the voice row: code points of the whole string, out-of-vocab symbols included */
    int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
    int ncp = 0;
    if (lt_kokoro_tokenize(m, phonemes, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, &err) < 0) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        goto done;
    }
    const float *style = lt_voice_pack_row(&pack, ncp);
    if (lt_kokoro_synthesize(m, phonemes, style, (float)speed, &hooks, &res, &err)) {
        fprintf(stderr, "litetts say: %s\n", err.msg);
        goto done;
    }
    }
    if (dctx.failed) goto done;
    if (output) {
        int w = ends_with(output, ".npy")
                    ? lt_npy_write_file(output, LT_F32, 1, (const int64_t[]){res.n_samples}, res.audio, &err)
                    : lt_wav_write_file(output, res.audio, res.n_samples, 24000, LT_WAV_PCM16, &err);
        if (w) {
            fprintf(stderr, "litetts say: %s\n", err.msg);
            goto done;
        }
    }
    rc = 0;
done:
    lt_synth_result_free(&res);
    lt_tensor_set_free(&hooks_set);
    lt_voice_pack_free(&pack);
    lt_kokoro_free(m);
    lt_espeak_shutdown();
    return rc;
}
