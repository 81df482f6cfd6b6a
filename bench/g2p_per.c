/* g2p_per.c — phoneme error rate of the English fallback G2P on unseen words.
 *
 * Holds out a seeded random sample of misaki's gold lexicon (plain-string
 * entries whose key is letters only), phonemizes each word WITHOUT the
 * lexicon (espeak-ng + E2M + our refinements, or misaki's plain mapping with
 * --raw), and reports PER = Σ Levenshtein distance over code points (stress
 * marks ˈ ˌ removed) ÷ Σ reference length, and the exact-match count.
 *
 * --stems: the realistic setting. Only the held-out words are removed from
 * the gold lexicon (a filtered copy is written to a temporary folder; gold
 * and silver are disjoint, so silver is used as is), and each word goes
 * through the full pipeline, lt_g2p_word: lexicon stems with morphology
 * (-s, -ed, -ing, -ly, -er, prefixes and derivational suffixes) where a stem
 * is known, espeak-ng otherwise. Both figures are reported: the fallback
 * alone and the full pipeline (with how many words the pipeline built from
 * a stem).
 *
 *   build/g2p_per [--lexicon-dir D] [--lang a|b] [--limit N] [--seed S]
 *                 [--sample N] [--raw] [--stems] [--dump FILE]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "text/espeak_g2p.h"
#include "text/g2p_en.h"
#include "text/lexicon.h"

typedef struct words {
    const lt_lex_entry **e;
    size_t n, cap;
} words;

static int collect(void *ud, const lt_lex_entry *e) {
    words *w = ud;
    if (!e->ps || e->ntags) return 0;
    for (const char *p = e->key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return 0;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 4096;
        w->e = realloc(w->e, w->cap * sizeof *w->e);
        if (!w->e) exit(1);
    }
    w->e[w->n++] = e;
    return 0;
}

static int by_key(const void *a, const void *b) {
    return strcmp((*(const lt_lex_entry *const *)a)->key, (*(const lt_lex_entry *const *)b)->key);
}

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* UTF-8 → code points, stress marks dropped. */
static size_t cps(const char *s, uint32_t *out, size_t cap) {
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < cap) {
        uint32_t c;
        int l;
        if (*p < 0x80) c = *p, l = 1;
        else if (*p < 0xE0) c = *p & 0x1F, l = 2;
        else if (*p < 0xF0) c = *p & 0x0F, l = 3;
        else c = *p & 0x07, l = 4;
        for (int i = 1; i < l && p[i]; i++) c = (c << 6) | (p[i] & 0x3F);
        for (int i = 0; i < l && *p; i++) p++;
        if (c == 0x2C8 || c == 0x2CC) continue;
        out[n++] = c;
    }
    return n;
}

static size_t lev(const uint32_t *a, size_t na, const uint32_t *b, size_t nb) {
    size_t row[256];
    if (nb >= 255) nb = 255;
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* ---- --stems: a gold lexicon without the hold-out ------------------------ */

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

typedef struct held {
    const char **k; /* sorted keys of the hold-out */
    size_t n;
    FILE *f;
    int first;
} held;

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int write_entry(void *ud, const lt_lex_entry *e) {
    held *h = ud;
    if (bsearch(&e->key, h->k, h->n, sizeof *h->k, cmp_str)) return 0;
    fputs(h->first ? "{\n" : ",\n", h->f);
    h->first = 0;
    json_str(h->f, e->key);
    fputs(": ", h->f);
    if (!e->ntags) json_str(h->f, e->ps);
    else {
        fputc('{', h->f);
        for (int i = 0; i < e->ntags; i++) {
            if (i) fputs(", ", h->f);
            json_str(h->f, e->tags[2 * i]);
            fputs(": ", h->f);
            if (e->tags[2 * i + 1]) json_str(h->f, e->tags[2 * i + 1]);
            else fputs("null", h->f);
        }
        fputc('}', h->f);
    }
    return 0;
}

/* Writes <tmp>/{us,gb}_gold.json without the hold-out, links silver. */
static int filtered_dir(const lt_lexicon *lx, const char *src, char lang, const lt_lex_entry *const *hold, size_t n,
                        char *tmpl) {
    if (!mkdtemp(tmpl)) return -1;
    const char *pre = lang == 'b' ? "gb" : "us";
    char path[4200], sil[4200];
    snprintf(path, sizeof path, "%s/%s_gold.json", tmpl, pre);
    held h = {malloc(n * sizeof(char *)), n, fopen(path, "w"), 1};
    if (!h.k || !h.f) return -1;
    for (size_t i = 0; i < n; i++) h.k[i] = hold[i]->key;
    qsort(h.k, n, sizeof *h.k, cmp_str);
    lt_lexicon_foreach(lx, LT_LEX_GOLD, write_entry, &h);
    fputs(h.first ? "{}\n" : "\n}\n", h.f);
    fclose(h.f);
    free(h.k);
    char abs[4096];
    if (!realpath(src, abs)) return -1;
    snprintf(sil, sizeof sil, "%s/%s_silver.json", abs, pre);
    snprintf(path, sizeof path, "%s/%s_silver.json", tmpl, pre);
    return symlink(sil, path);
}

static void rm_dir(const char *d, char lang) {
    char p[4200];
    const char *pre = lang == 'b' ? "gb" : "us";
    snprintf(p, sizeof p, "%s/%s_gold.json", d, pre);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s_silver.json", d, pre);
    unlink(p);
    rmdir(d);
}

int main(int argc, char **argv) {
    const char *dir = NULL, *dump = NULL;
    char lang = 'a';
    long limit = 2000;
    uint64_t seed = 20261126;
    int raw = 0, stems = 0;
    long sample = 2000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lexicon-dir") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc) lang = argv[++i][0];
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc) limit = atol(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else if (!strcmp(argv[i], "--sample") && i + 1 < argc) sample = atol(argv[++i]);
        else if (!strcmp(argv[i], "--raw")) raw = 1;
        else if (!strcmp(argv[i], "--stems")) stems = 1;
        else {
            fprintf(stderr,
                    "usage: g2p_per [--lexicon-dir D] [--lang a|b] [--limit N (default 2000)] [--seed S] "
                    "[--sample N (hold-out size, default 2000)] [--raw] [--stems] [--dump FILE]\n"
                    "  --stems: remove only the hold-out from the lexicon and also score the full\n"
                    "           pipeline (lt_g2p_word: lexicon stems + morphology, else espeak-ng)\n");
            return 2;
        }
    }
    char defdir[4096];
    if (!dir) {
        const char *sh = getenv("LT_SHARED");
        snprintf(defdir, sizeof defdir, "%s/misaki-lexicon", sh ? sh : "../shared");
        dir = defdir;
    }
    lt_err err;
    lt_lexicon *lx = lt_lexicon_new(lang, &err);
    if (!lx || lt_lexicon_load_dir(lx, dir, &err)) {
        fprintf(stderr, "g2p_per: %s\n", err.msg);
        lt_lexicon_free(lx);
        return 1;
    }
    printf("lexicon: %zu gold + %zu silver entries loaded in %.1f ms\n", lt_lexicon_count(lx, LT_LEX_GOLD),
           lt_lexicon_count(lx, LT_LEX_SILVER), lt_lexicon_load_seconds(lx) * 1e3);
    words w = {0};
    lt_lexicon_foreach(lx, LT_LEX_GOLD, collect, &w);
    qsort(w.e, w.n, sizeof *w.e, by_key);
    uint64_t st = seed;
    size_t take = sample > 0 && (size_t)sample < w.n ? (size_t)sample : w.n; /* default: the same 2,000 */
    for (size_t i = 0; i < take; i++) {
        size_t j = i + (size_t)(splitmix(&st) % (w.n - i));
        const lt_lex_entry *t = w.e[i];
        w.e[i] = w.e[j];
        w.e[j] = t;
    }
    if (limit > 0 && (size_t)limit < take) take = (size_t)limit;
    lt_g2p *g = NULL;
    char tmpl[] = "/tmp/g2p_per_XXXXXX";
    if (stems) {
        if (filtered_dir(lx, dir, lang, w.e, take, tmpl)) {
            fprintf(stderr, "g2p_per: cannot write the filtered lexicon in %s\n", tmpl);
            return 1;
        }
        lt_g2p_opts o = {.lang = lang, .lexicon_dir = tmpl, .quiet = 1, .keep_flap = 1};
        g = lt_g2p_new(&o, &err);
        rm_dir(tmpl, lang);
        if (!g) {
            fprintf(stderr, "g2p_per: %s\n", err.msg);
            return 1;
        }
    }
    FILE *df = dump ? fopen(dump, "w") : NULL;
    size_t dist = 0, ref = 0, exact = 0, pdist = 0, pexact = 0, built = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < take; i++) {
        char hyp[1024], full[1024];
        if (lt_espeak_en_word(w.e[i]->key, lang == 'b', raw, hyp, sizeof hyp, &err)) {
            fprintf(stderr, "g2p_per: %s\n", err.msg);
            return 1;
        }
        uint32_t a[256], b[256];
        size_t na = cps(w.e[i]->ps, a, 256), nb = cps(hyp, b, 256);
        size_t d = lev(a, na, b, nb);
        dist += d;
        ref += na;
        exact += d == 0;
        size_t pd = d;
        if (g) {
            if (lt_g2p_word(g, w.e[i]->key, NULL, full, sizeof full, &err)) {
                fprintf(stderr, "g2p_per: %s\n", err.msg);
                return 1;
            }
            nb = cps(full, b, 256);
            pd = lev(a, na, b, nb);
            pdist += pd;
            pexact += pd == 0;
            built += strcmp(full, hyp) != 0;
        }
        if (df) {
            fprintf(df, "%zu\t%s\t%s\t%s", d, w.e[i]->key, w.e[i]->ps, hyp);
            if (g) fprintf(df, "\t%zu\t%s", pd, full);
            fputc('\n', df);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (df) fclose(df);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("hold-out: %zu of %zu letter-only gold words (seed %llu), %s mapping\n", take, w.n,
           (unsigned long long)seed, raw ? "misaki's plain E2M" : "E2M + LiteTTS rules");
    printf("PER %.2f %% (%zu edits / %zu reference phonemes, stress ignored), exact %zu / %zu, %.2f ms/word\n",
           ref ? 100.0 * (double)dist / (double)ref : 0.0, dist, ref, exact, take, take ? secs * 1e3 / (double)take : 0);
    if (g) {
        printf("full pipeline (lexicon without the hold-out, lt_g2p_word): PER %.2f %% (%zu edits), exact %zu / %zu, "
               "%zu words differ from the fallback (built from a lexicon stem)\n",
               ref ? 100.0 * (double)pdist / (double)ref : 0.0, pdist, pexact, take, built);
        lt_g2p_free(g);
    }
    free(w.e);
    lt_lexicon_free(lx);
    lt_espeak_shutdown();
    return 0;
}
