/* frontend.c — see frontend.h. */
#include "text/frontend.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "text/g2p_en.h"
#include "text/normalize.h"

struct lt_frontend {
    lt_g2p *g2p;
    lt_normalize_options norm;
    int no_normalize;
};

lt_frontend *lt_frontend_new(const lt_frontend_opts *o, lt_err *err) {
    lt_frontend *fe = calloc(1, sizeof *fe);
    if (!fe) { lt_fail(err, "out of memory"); return NULL; }
    char lang = o && o->lang ? o->lang : 'a';
    lt_normalize_options_default(&fe->norm);
    fe->norm.lang = lang;
    if (lt_normalize_check_lang(lang, err) ||
        (o && o->normalize && lt_normalize_options_parse(o->normalize, &fe->norm, err))) {
        free(fe);
        return NULL;
    }
    lt_g2p_opts g = {.lang = lang,
                     .lexicon_dir = o ? o->lexicon_dir : NULL,
                     .user_lexicon = o ? o->user_lexicon : NULL,
                     .quiet = o ? o->quiet : 0,
                     .keep_flap = o ? o->keep_flap : 0};
    fe->no_normalize = o ? o->no_normalize : 0;
    fe->g2p = lt_g2p_new(&g, err);
    if (!fe->g2p) {
        free(fe);
        return NULL;
    }
    return fe;
}

void lt_frontend_free(lt_frontend *fe) {
    if (!fe) return;
    lt_g2p_free(fe->g2p);
    free(fe);
}

char lt_frontend_lang(const lt_frontend *fe) { return fe->norm.lang; }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

typedef struct span { size_t a, b; } span;

/* whitespace-separated words of s[0..len) as byte spans; returns the count (or -1 on OOM) */
static int split_words(const char *s, size_t len, span **out) {
    int n = 0, cap = 0;
    *out = NULL;
    for (size_t i = 0; i < len;) {
        while (i < len && is_space(s[i])) i++;
        if (i >= len) break;
        size_t a = i;
        while (i < len && !is_space(s[i])) i++;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            span *ns = realloc(*out, sizeof(span) * (size_t)cap);
            if (!ns) { free(*out); *out = NULL; return -1; }
            *out = ns;
        }
        (*out)[n++] = (span){a, i};
    }
    return n;
}

/* sentence ends in the normalised text: after . ! ? … followed by whitespace, and at newlines */
static size_t sentence_end(const char *s, size_t len, size_t from) {
    for (size_t i = from; i < len; i++) {
        if (s[i] == '\n') return i + 1;
        int mark = s[i] == '.' || s[i] == '!' || s[i] == '?';
        if (!mark && i + 2 < len && !memcmp(s + i, "…", 3)) { mark = 1; i += 2; }
        if (mark && (i + 1 == len || is_space(s[i + 1]))) return i + 1;
    }
    return len;
}

int lt_frontend_words(lt_frontend *fe, const char *text, lt_fe_words *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    lt_norm_result nr;
    lt_normalize_options norm = fe->norm;
    if (fe->no_normalize) norm.groups = 0; /* only the UTF-8 check and whitespace clean-up */
    if (lt_normalize_map(text, &norm, &nr, err)) return -1;
    size_t cap_bytes = 256, used = 0;
    int cap_w = 0, rc = -1;
    char *buf = malloc(cap_bytes);
    if (!buf) goto oom;
    for (size_t s0 = 0; s0 < nr.len;) {
        size_t s1 = sentence_end(nr.text, nr.len, s0);
        char *sent = strndup(nr.text + s0, s1 - s0), *ph = NULL;
        if (!sent) goto oom;
        int g = lt_g2p_phonemize(fe->g2p, sent, &ph, err);
        free(sent);
        if (g) goto done;
        span *nw = NULL, *pw = NULL;
        int nn = split_words(nr.text + s0, s1 - s0, &nw), np = split_words(ph, strlen(ph), &pw);
        if (nn < 0 || np < 0) { free(nw); free(pw); free(ph); goto oom; }
        for (int j = 0; j < np; j++) {
            /* phoneme word j ↔ normalised word: one to one when the counts agree, else spread evenly */
            int k = nn == np ? j : nn > 0 ? (int)((long long)j * nn / np) : -1;
            size_t in_a = 0, in_b = 0;
            if (k >= 0) lt_norm_result_source(&nr, s0 + nw[k].a, s0 + nw[k].b, &in_a, &in_b);
            size_t len = pw[j].b - pw[j].a;
            if (used + len + 1 > cap_bytes) {
                while (used + len + 1 > cap_bytes) cap_bytes *= 2;
                char *nb = realloc(buf, cap_bytes);
                if (!nb) { free(nw); free(pw); free(ph); goto oom; }
                buf = nb;
            }
            memcpy(buf + used, ph + pw[j].a, len);
            buf[used + len] = 0;
            if (out->n == cap_w) {
                cap_w = cap_w ? 2 * cap_w : 64;
                lt_chunk_word *w = realloc(out->words, sizeof(lt_chunk_word) * (size_t)cap_w);
                if (!w) { free(nw); free(pw); free(ph); goto oom; }
                out->words = w;
            }
            /* ph holds an offset until buf stops moving */
            out->words[out->n++] = (lt_chunk_word){.ph = (const char *)(uintptr_t)used, .ph_len = len,
                                                   .src_start = in_a, .src_end = in_b};
            used += len + 1;
        }
        free(nw);
        free(pw);
        free(ph);
        s0 = s1;
    }
    for (int i = 0; i < out->n; i++) out->words[i].ph = buf + (uintptr_t)out->words[i].ph;
    out->phonemes = buf;
    buf = NULL;
    rc = 0;
    goto done;
oom:
    lt_fail(err, "text front-end: out of memory");
done:
    free(buf);
    if (rc) {
        free(out->words);
        memset(out, 0, sizeof *out);
    }
    lt_norm_result_free(&nr);
    return rc;
}

void lt_fe_words_free(lt_fe_words *w) {
    if (!w) return;
    free(w->words);
    free(w->phonemes);
    memset(w, 0, sizeof *w);
}

int lt_frontend_phonemize(lt_frontend *fe, const char *text, char **out, lt_err *err) {
    lt_fe_words w;
    *out = NULL;
    if (lt_frontend_words(fe, text, &w, err)) return -1;
    size_t n = 1;
    for (int i = 0; i < w.n; i++) n += w.words[i].ph_len + 1;
    char *s = malloc(n), *p = s;
    if (!s) { lt_fe_words_free(&w); return lt_fail(err, "text front-end: out of memory"); }
    for (int i = 0; i < w.n; i++) {
        if (i) *p++ = ' ';
        memcpy(p, w.words[i].ph, w.words[i].ph_len);
        p += w.words[i].ph_len;
    }
    *p = 0;
    lt_fe_words_free(&w);
    *out = s;
    return 0;
}
