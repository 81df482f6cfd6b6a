/* cmd_phonemize.c — `litetts phonemize`: text → misaki phonemes through the
 * whole front-end (normaliser, then G2P: src/text/frontend.h), from the
 * command line or one line per stdin line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "text/espeak_g2p.h"
#include "text/frontend.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts phonemize [--lang L] [--voice NAME] [--lexicon-dir D] [--user-lexicon FILE] [TEXT...]\n"
            "\n"
            "  --lang L            a (US English, default), b (UK), e es, f fr, h hi, i it, p pt-br,\n"
            "                      j ja, z zh (j and z through espeak-ng: limited, see README)\n"
            "  --voice NAME        take the language from a voice name (af_heart → a, ff_siwis → f, ...)\n"
            "  --lexicon-dir D     misaki lexicon folder (us_gold.json, ...); default: $LITETTS_LEXICON_DIR,\n"
            "                      else ./models/lexicons; without one English uses espeak-ng alone\n"
            "  --user-lexicon FILE JSON {\"word\": \"phonemes\"} overriding the lexicon\n"
            "  --keep-flap         write ɾ/ʔ (misaki 2.0) instead of Kokoro v1.0's T/t\n"
            "  --normalize LIST    normalisation groups (see `litetts normalize --help`); default: all\n"
            "  --no-normalize      phonemize the text as given (no numbers, dates, ... rewriting)\n"
            "\n"
            "With no TEXT, reads stdin and prints one line of phonemes per input line.\n"
            "Inline pronunciations: [Kokoro](/kˈOkəɹO/) sets phonemes, [word](2) sets stress.\n");
}

int lt_cmd_phonemize(int argc, char **argv) {
    static const struct option opts[] = {
        {"lang", required_argument, 0, 'l'},   {"voice", required_argument, 0, 'v'},
        {"lexicon-dir", required_argument, 0, 'd'}, {"user-lexicon", required_argument, 0, 'u'},
        {"keep-flap", no_argument, 0, 'k'},    {"help", no_argument, 0, 'h'},
        {"normalize", required_argument, 0, 'n'}, {"no-normalize", no_argument, 0, 'N'},
        {0, 0, 0, 0},
    };
    lt_frontend_opts o = {0};
    const char *voice = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "l:v:d:u:khn:N", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (strlen(optarg) != 1 || !lt_lang_supported(optarg[0])) {
                fprintf(stderr, "litetts phonemize: unknown language '%s' (use one of a b e f h i j p z)\n", optarg);
                return 2;
            }
            o.lang = optarg[0];
            break;
        case 'v': voice = optarg; break;
        case 'd': o.lexicon_dir = optarg; break;
        case 'u': o.user_lexicon = optarg; break;
        case 'k': o.keep_flap = 1; break;
        case 'n': o.normalize = optarg; break;
        case 'N': o.no_normalize = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.lang && voice) {
        o.lang = lt_lang_from_voice(voice);
        if (!o.lang) {
            fprintf(stderr, "litetts phonemize: cannot tell the language of voice '%s'; pass --lang\n", voice);
            return 2;
        }
    }
    if (!o.lang) o.lang = 'a';
    if (!o.lexicon_dir) {
        const char *env = getenv("LITETTS_LEXICON_DIR");
        o.lexicon_dir = env && *env ? env : "models/lexicons";
    }
    lt_err err;
    lt_frontend *g = lt_frontend_new(&o, &err);
    if (!g) {
        fprintf(stderr, "litetts phonemize: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    if (optind < argc) {
        size_t n = 1;
        for (int i = optind; i < argc; i++) n += strlen(argv[i]) + 1;
        char *text = malloc(n);
        if (!text) rc = 1;
        else {
            text[0] = 0;
            for (int i = optind; i < argc; i++) {
                if (i > optind) strcat(text, " ");
                strcat(text, argv[i]);
            }
            char *ps = NULL;
            if (lt_frontend_phonemize(g, text, &ps, &err)) {
                fprintf(stderr, "litetts phonemize: %s\n", err.msg);
                rc = 1;
            } else
                printf("%s\n", ps);
            free(ps);
            free(text);
        }
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, stdin)) >= 0) {
            while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
            char *ps = NULL;
            if (lt_frontend_phonemize(g, line, &ps, &err)) {
                fprintf(stderr, "litetts phonemize: %s\n", err.msg);
                rc = 1;
                printf("\n");
            } else
                printf("%s\n", ps);
            free(ps);
            fflush(stdout);
        }
        free(line);
    }
    lt_frontend_free(g);
    lt_espeak_shutdown();
    return rc;
}
