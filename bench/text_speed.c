/* text_speed.c — speed of the text front-end on a long, varied English text.
 *
 * Builds a deterministic text of N words (default 10,000) from sentence
 * templates filled with numbers, money, dates, times, units, URLs,
 * abbreviations, acronyms, heteronyms and made-up words that no lexicon knows
 * (so espeak-ng's fallback is exercised too), then times, after one warm-up:
 *   normalise   lt_normalize on the whole text;
 *   phonemize   lt_g2p_phonemize on the normalised text;
 *   front-end   lt_frontend_words: normalise + G2P + the word/span map, the
 *               path `litetts say --text` takes.
 * Lexicon loading is timed separately (once per process, not per text).
 * Progress goes to stderr; the results to stdout, with words/s and the time
 * per 10,000 words. The goal is "well under a second" for 10,000
 * words; this program reports, it does not judge.
 *
 *   build/text_speed [--lexicon-dir D] [--lang a|b] [--words N] [--runs R]
 *                    [--seed S] [--dump FILE]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/espeak_g2p.h"
#include "text/frontend.h"
#include "text/g2p_en.h"
#include "text/normalize.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s) {
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) exit(1);
    }
    memcpy(b->p + b->n, s, l + 1);
    b->n += l;
}

static size_t count_words(const char *s) {
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t';
        if (!sp && !in) n++;
        in = !sp;
    }
    return n;
}

/* A made-up word of 2-4 syllables: in no lexicon. */
static void nonce(uint64_t *s, char *out) {
    static const char *const ON[] = {"b", "br", "d", "dr", "f", "fl", "g", "gr", "k", "kl", "m", "n", "p",
                                     "pl", "qu", "s", "sk", "st", "t", "tr", "v", "z", "sh", "th", "ch"};
    static const char *const NU[] = {"a", "e", "i", "o", "u", "ai", "ea", "oo", "ou", "y"};
    static const char *const CO[] = {"", "", "n", "r", "l", "m", "x", "ck", "st", "nd"};
    int syl = 2 + (int)(rng(s) % 3);
    out[0] = 0;
    for (int i = 0; i < syl; i++) {
        strcat(out, ON[rng(s) % (sizeof ON / sizeof ON[0])]);
        strcat(out, NU[rng(s) % (sizeof NU / sizeof NU[0])]);
        strcat(out, CO[rng(s) % (sizeof CO / sizeof CO[0])]);
    }
}

/* One sentence from a template; %N number, %Y year, %M money, %D date, %T time,
 * %U unit amount, %W a made-up word, %C a capitalised made-up word. */
static void sentence(uint64_t *s, buf *b) {
    static const char *const TPL[] = {
        "Dr. %C paid %M for %N %W tickets on %D at %T.",
        "In %Y the %W factory in %C shipped %N units, up %N%% from the year before.",
        "The %C team won %N to %N, and the crowd of %N cheered until %T.",
        "I read that the %W will record %U of rain by %D; e-mail info@%W.com or see https://%W.org/news.",
        "Mr. and Mrs. %C live at %N Elm St., about %U from the FBI office and NASA's %W lab.",
        "Chapter IV: the %W of %C, who spent %M (about %M) in %Y.",
        "\"Can't we %W it?\" she asked; he said it's 3/4 done, i.e. %N%% — call 555-%N-%N.",
        "Temperatures of %N°C and %N °F were logged; the %W ran at %N km/h for %U.",
        "They'll present the %W award to %C on %D; the lead actor won't attend.",
        "Henry VIII had %N %W courtiers and %N cooks, or so the 1st edition says.",
    };
    const char *t = TPL[rng(s) % (sizeof TPL / sizeof TPL[0])];
    char tmp[128];
    static const char *const MON[] = {"Jan", "February", "March", "Apr.", "May", "June", "Jul", "August", "Sept", "Oct",
                                      "November", "Dec"};
    static const char *const UNIT[] = {"km", "mi", "kg", "lb", "GB", "MB", "ms", "Hz", "mph", "cm"};
    for (const char *p = t; *p; p++) {
        if (*p != '%' || !p[1]) {
            char c[2] = {*p, 0};
            put(b, c);
            continue;
        }
        p++;
        switch (*p) {
        case 'N': snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)(rng(s) % (rng(s) % 2 ? 100 : 100000))); break;
        case 'Y': snprintf(tmp, sizeof tmp, "%d", 1900 + (int)(rng(s) % 125)); break;
        case 'M':
            if (rng(s) % 2) snprintf(tmp, sizeof tmp, "$%d.%02d", (int)(rng(s) % 5000), (int)(rng(s) % 100));
            else snprintf(tmp, sizeof tmp, "£%d%s", 1 + (int)(rng(s) % 90), rng(s) % 2 ? "M" : "");
            break;
        case 'D':
            if (rng(s) % 2) snprintf(tmp, sizeof tmp, "%d-%02d-%02d", 1990 + (int)(rng(s) % 40), 1 + (int)(rng(s) % 12), 1 + (int)(rng(s) % 28));
            else snprintf(tmp, sizeof tmp, "%s %dth, %d", MON[rng(s) % 12], 4 + (int)(rng(s) % 16), 1990 + (int)(rng(s) % 40));
            break;
        case 'T': snprintf(tmp, sizeof tmp, "%d:%02d %s", 1 + (int)(rng(s) % 12), (int)(rng(s) % 60), rng(s) % 2 ? "pm" : "am"); break;
        case 'U': snprintf(tmp, sizeof tmp, "%d.%d %s", 1 + (int)(rng(s) % 99), (int)(rng(s) % 10), UNIT[rng(s) % 10]); break;
        case 'W': nonce(s, tmp); break;
        case 'C':
            nonce(s, tmp);
            tmp[0] = (char)(tmp[0] - 32);
            break;
        case '%': snprintf(tmp, sizeof tmp, "%%"); break;
        default: snprintf(tmp, sizeof tmp, "%%%c", *p);
        }
        put(b, tmp);
    }
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const char *dir = NULL, *dump = NULL;
    char lang = 'a';
    long words = 10000, runs = 3;
    uint64_t seed = 4;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lexicon-dir") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc) lang = argv[++i][0];
        else if (!strcmp(argv[i], "--words") && i + 1 < argc) words = atol(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atol(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else {
            fprintf(stderr, "usage: text_speed [--lexicon-dir D] [--lang a|b] [--words N (default 10000)] "
                            "[--runs R (default 3)] [--seed S] [--dump FILE]\n");
            return 2;
        }
    }
    if (words < 1 || runs < 1 || (lang != 'a' && lang != 'b')) {
        fprintf(stderr, "text_speed: --words and --runs must be positive, --lang a or b\n");
        return 2;
    }
    char defdir[4096];
    if (!dir) {
        const char *sh = getenv("LT_SHARED");
        snprintf(defdir, sizeof defdir, "%s/misaki-lexicon", sh ? sh : "../shared");
        dir = defdir;
    }
    /* the text */
    buf text = {0};
    uint64_t st = seed;
    size_t nw = 0;
    while (nw < (size_t)words) {
        size_t at = text.n;
        sentence(&st, &text);
        put(&text, (rng(&st) % 6) ? " " : "\n");
        nw += count_words(text.p + at);
    }
    if (dump) {
        FILE *f = fopen(dump, "w");
        if (f) {
            fputs(text.p, f);
            fclose(f);
        }
    }
    fprintf(stderr, "text: %zu words, %zu bytes (seed %llu)\n", nw, text.n, (unsigned long long)seed);

    lt_err err;
    double t0 = now_s();
    lt_frontend_opts fo = {.lang = lang, .lexicon_dir = dir, .quiet = 1};
    lt_frontend *fe = lt_frontend_new(&fo, &err);
    lt_g2p_opts go = {.lang = lang, .lexicon_dir = dir, .quiet = 1};
    lt_g2p *g = fe ? lt_g2p_new(&go, &err) : NULL;
    if (!fe || !g) {
        fprintf(stderr, "text_speed: %s\n", err.msg);
        return 1;
    }
    double load = now_s() - t0;
    fprintf(stderr, "lexicons loaded twice (front-end and G2P) in %.2f s%s\n", load,
            lt_g2p_has_lexicon(g) ? "" : " (none found: espeak-ng only)");
    /* warm-up: espeak-ng's voice, page faults */
    {
        lt_fe_words w;
        if (lt_frontend_words(fe, "Warm up: Dr. Smith paid $5 on 2024-01-05 for a zorbleflax.", &w, &err)) {
            fprintf(stderr, "text_speed: %s\n", err.msg);
            return 1;
        }
        lt_fe_words_free(&w);
    }
    lt_normalize_options no;
    lt_normalize_options_default(&no);
    no.lang = lang;
    double *tn = calloc((size_t)runs, sizeof *tn), *tg = calloc((size_t)runs, sizeof *tg), *tf = calloc((size_t)runs, sizeof *tf);
    size_t nph = 0, nfw = 0;
    for (long r = 0; r < runs; r++) {
        char *norm = NULL, *ps = NULL;
        double a = now_s();
        if (lt_normalize(text.p, &no, &norm, &err)) {
            fprintf(stderr, "text_speed: %s\n", err.msg);
            return 1;
        }
        double b = now_s();
        if (lt_g2p_phonemize(g, norm, &ps, &err)) {
            fprintf(stderr, "text_speed: %s\n", err.msg);
            return 1;
        }
        double c = now_s();
        lt_fe_words w;
        if (lt_frontend_words(fe, text.p, &w, &err)) {
            fprintf(stderr, "text_speed: %s\n", err.msg);
            return 1;
        }
        double d = now_s();
        tn[r] = b - a;
        tg[r] = c - b;
        tf[r] = d - c;
        nph = strlen(ps);
        nfw = (size_t)w.n;
        lt_fe_words_free(&w);
        free(norm);
        free(ps);
        fprintf(stderr, "run %ld/%ld: normalise %.3f s, phonemize %.3f s, front-end %.3f s\n", r + 1, runs, tn[r], tg[r],
                tf[r]);
    }
    qsort(tn, (size_t)runs, sizeof *tn, cmp_d);
    qsort(tg, (size_t)runs, sizeof *tg, cmp_d);
    qsort(tf, (size_t)runs, sizeof *tf, cmp_d);
    double mn = tn[runs / 2], mg = tg[runs / 2], mf = tf[runs / 2];
    printf("text: %zu words (%zu bytes), lang %c, lexicons %s, %ld runs (median)\n", nw, text.n, lang,
           lt_g2p_has_lexicon(g) ? "loaded" : "missing", runs);
    printf("normalise  %.3f s  %9.0f words/s  %.3f s per 10,000 words\n", mn, nw / mn, mn * 1e4 / nw);
    printf("phonemize  %.3f s  %9.0f words/s  %.3f s per 10,000 words (%zu bytes of phonemes)\n", mg, nw / mg,
           mg * 1e4 / nw, nph);
    printf("front-end  %.3f s  %9.0f words/s  %.3f s per 10,000 words (normalise + G2P + word map, %zu phoneme words)\n",
           mf, nw / mf, mf * 1e4 / nw, nfw);
    printf("lexicon load (once per process, not included): %.2f s for two copies\n", load);
    free(tn);
    free(tg);
    free(tf);
    free(text.p);
    lt_g2p_free(g);
    lt_frontend_free(fe);
    lt_espeak_shutdown();
    return 0;
}
