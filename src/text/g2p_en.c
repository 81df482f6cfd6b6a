/* g2p_en.c — the English G2P pipeline (see g2p_en.h): tokenizer, inline
 * pronunciations, part-of-speech guess, misaki's lexicon rules (special
 * cases, stress, morphology, numbers) and the espeak-ng fallback; dispatch of
 * the other languages to espeak_g2p. */
#include "text/g2p_en.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "text/espeak_g2p.h"

#define PS_CAP 1024
#define STEM_MIN 3 /* letters a stem keeps when a prefix or suffix is split off */
#define NOSTRESS 99 /* stresses are kept in half units: 1 = 0.5, 2 = 1, 4 = 2 */

struct lt_g2p {
    char lang;
    int british, has_lex, keep_flap;
    lt_lexicon *lex;
};

/* ---- small UTF-8 helpers --------------------------------------------------- */

static size_t u8len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

static uint32_t u8get(const char *s, size_t *len) {
    const unsigned char *p = (const unsigned char *)s;
    size_t l = u8len(*p);
    uint32_t c = l == 1 ? *p : l == 2 ? (*p & 0x1Fu) : l == 3 ? (*p & 0x0Fu) : (*p & 0x07u);
    for (size_t i = 1; i < l; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *len = i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    *len = l;
    return c;
}

/* Length of the strictly valid UTF-8 sequence at s (no overlongs, surrogates
 * or code points past U+10FFFF), 0 when the byte starts none. */
static size_t u8valid(const unsigned char *s) {
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!n || c > 0xF4) return 0;
    uint32_t cp = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp < 0xE000)) return 0;
    return n;
}

/* Copies phonemes from custom pronunciations and user lexicons, which hold
 * whatever the user wrote: invalid UTF-8 and control characters are dropped
 * (tabs and newlines become spaces). Returns the bytes written. */
static size_t clean_copy(char *dst, const char *src) {
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    while (*s) {
        size_t l = u8valid(s);
        if (!l) {
            s++;
            continue;
        }
        if (l == 1 && (*s < 0x20 || *s == 0x7F)) {
            if ((*s == '\t' || *s == '\n' || *s == '\r') && o && dst[o - 1] != ' ') dst[o++] = ' ';
            s++;
            continue;
        }
        memcpy(dst + o, s, l);
        o += l;
        s += l;
    }
    return o;
}

static int is_vowel_cp(uint32_t c) {
    switch (c) {
    case 'A': case 'I': case 'O': case 'Q': case 'W': case 'Y': case 'a': case 'i': case 'u':
    case 0xE6: case 0x251: case 0x252: case 0x254: case 0x259: case 0x25B: case 0x25C: case 0x26A:
    case 0x28A: case 0x28C: case 0x1D7B: return 1;
    default: return 0;
    }
}
static int is_consonant_cp(uint32_t c) {
    static const uint32_t C[] = {'b', 'd', 'f', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 's', 't', 'v', 'w', 'z',
                                 0xF0, 0x14B, 0x261, 0x279, 0x27E, 0x283, 0x292, 0x2A4, 0x2A7, 0x3B8};
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++)
        if (C[i] == c) return 1;
    return 0;
}
#define PRI "ˈ"
#define SEC "ˌ"

static int has_vowel(const char *ps) {
    for (const char *p = ps; *p;) {
        size_t l;
        if (is_vowel_cp(u8get(p, &l))) return 1;
        p += l;
    }
    return 0;
}

static void replace_in(char *s, size_t cap, const char *old, const char *rep) {
    char tmp[PS_CAP * 2];
    size_t on = strlen(old), rn = strlen(rep), o = 0;
    for (const char *p = s; *p && o + rn + 4 < sizeof tmp;) {
        if (!strncmp(p, old, on)) {
            memcpy(tmp + o, rep, rn);
            o += rn;
            p += on;
        } else
            tmp[o++] = *p++;
    }
    tmp[o] = 0;
    snprintf(s, cap, "%s", tmp);
}

/* misaki apply_stress; stress in half units (NOSTRESS = None). */
static void apply_stress(char *ps, size_t cap, int s2) {
    if (s2 == NOSTRESS || !ps) return;
    int pri = strstr(ps, PRI) != NULL, sec = strstr(ps, SEC) != NULL;
    if (s2 < -2) {
        replace_in(ps, cap, PRI, "");
        replace_in(ps, cap, SEC, "");
    } else if (s2 == -2 || ((s2 == 0 || s2 == -1) && pri)) {
        replace_in(ps, cap, SEC, "");
        replace_in(ps, cap, PRI, SEC);
    } else if ((s2 == 0 || s2 == 1 || s2 == 2) && !pri && !sec) {
        if (!has_vowel(ps)) return;
        goto restress_sec;
    } else if (s2 >= 2 && !pri && sec) {
        replace_in(ps, cap, SEC, PRI);
    } else if (s2 > 2 && !pri && !sec) {
        if (!has_vowel(ps)) return;
        goto restress_pri;
    }
    return;
    const char *mark;
restress_sec:
    mark = SEC;
    goto restress;
restress_pri:
    mark = PRI;
restress:;
    /* a mark placed at the start moves to just before the first vowel */
    char tmp[PS_CAP];
    size_t o = 0;
    int done = 0;
    for (const char *p = ps; *p && o + 8 < sizeof tmp;) {
        size_t l;
        uint32_t c = u8get(p, &l);
        if (!done && is_vowel_cp(c)) {
            memcpy(tmp + o, mark, 2);
            o += 2;
            done = 1;
        }
        memcpy(tmp + o, p, l);
        o += l;
        p += l;
    }
    tmp[o] = 0;
    snprintf(ps, cap, "%s", tmp);
}

/* last code point of a phoneme string (stress marks skipped), and the one before */
static uint32_t last_cp(const char *ps, int back) {
    uint32_t cs[2] = {0, 0};
    for (const char *p = ps; *p;) {
        size_t l;
        uint32_t c = u8get(p, &l);
        p += l;
        if (c == 0x2C8 || c == 0x2CC) continue;
        cs[0] = cs[1];
        cs[1] = c;
    }
    return back ? cs[0] : cs[1];
}
static int cp_in(uint32_t c, const char *set) {
    for (const char *p = set; *p;) {
        size_t l;
        if (u8get(p, &l) == c) return 1;
        p += l;
    }
    return 0;
}
/* drop the last code point */
static void drop_last(char *ps) {
    size_t n = strlen(ps);
    while (n && ((unsigned char)ps[n - 1] & 0xC0) == 0x80) n--;
    if (n) ps[n - 1] = 0;
}

/* ---- lexicon access (misaki's Lexicon) ------------------------------------ */

typedef struct ctx {
    int future_vowel; /* -1 None (punctuation or end), 0 consonant, 1 vowel */
    int future_to;
} ctx;

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int ascii_upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
static int is_alpha_ascii(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static void to_lower(char *d, const char *s) {
    while (*s) *d++ = (char)ascii_lower((unsigned char)*s++);
    *d = 0;
}
static int is_all_upper(const char *w) { /* word == word.upper() */
    for (; *w; w++)
        if (*w >= 'a' && *w <= 'z') return 0;
    return 1;
}
static int is_all_lower(const char *w) {
    for (; *w; w++)
        if (*w >= 'A' && *w <= 'Z') return 0;
    return 1;
}
static int is_alpha_word(const char *w) { /* str.isalpha() for ASCII */
    if (!*w) return 0;
    for (; *w; w++)
        if (!is_alpha_ascii((unsigned char)*w)) return 0;
    return 1;
}

static const lt_lex_entry *find_any(const lt_g2p *g, const char *w, lt_lex_table *which) {
    for (int t = 0; t < LT_LEX_NTABLES; t++) {
        const lt_lex_entry *e = lt_lexicon_get(g->lex, (lt_lex_table)t, w, strlen(w));
        if (e) {
            if (which) *which = (lt_lex_table)t;
            return e;
        }
    }
    return NULL;
}
static int in_gold(const lt_g2p *g, const char *w) {
    return lt_lexicon_get(g->lex, LT_LEX_USER, w, strlen(w)) || lt_lexicon_get(g->lex, LT_LEX_GOLD, w, strlen(w));
}

static const char *parent_tag(const char *tag) {
    if (!tag) return NULL;
    if (!strncmp(tag, "VB", 2)) return "VERB";
    if (!strncmp(tag, "NN", 2)) return "NOUN";
    if (!strncmp(tag, "ADV", 3) || !strncmp(tag, "RB", 2)) return "ADV";
    if (!strncmp(tag, "ADJ", 3) || !strncmp(tag, "JJ", 2)) return "ADJ";
    return tag;
}

/* Phonemes of an entry for a tag, the way misaki picks them. */
static const char *pick(const lt_lex_entry *e, const char *tag, const ctx *cx) {
    if (!e->ntags) return e->ps;
    if (cx && cx->future_vowel < 0 && lt_lex_entry_has(e, "None")) return lt_lex_entry_pick(e, "None", NULL);
    if (tag && lt_lex_entry_has(e, tag)) return lt_lex_entry_pick(e, tag, NULL);
    return lt_lex_entry_pick(e, parent_tag(tag), NULL);
}

static int get_nnp(const lt_g2p *g, const char *word, char *out, size_t cap) {
    char ps[PS_CAP] = "";
    size_t n = 0;
    for (const char *p = word; *p; p++) {
        if (!is_alpha_ascii((unsigned char)*p)) continue;
        char k[2] = {(char)ascii_upper((unsigned char)*p), 0};
        const lt_lex_entry *e = lt_lexicon_get_exact(g->lex, LT_LEX_GOLD, k, 1);
        const char *v = e ? pick(e, NULL, NULL) : NULL;
        if (!v) return -1;
        size_t vl = strlen(v);
        if (n + vl + 1 >= sizeof ps) return -1;
        memcpy(ps + n, v, vl + 1);
        n += vl;
    }
    if (!n) return -1;
    apply_stress(ps, sizeof ps, 0);
    char *last = NULL;
    for (char *p = strstr(ps, SEC); p; p = strstr(p + 2, SEC)) last = p;
    if (last) memcpy(last, PRI, 2);
    snprintf(out, cap, "%s", ps);
    return 0;
}

static int lookup(const lt_g2p *g, const char *word0, const char *tag, int s2, const ctx *cx, char *out, size_t cap) {
    char word[PS_CAP];
    snprintf(word, sizeof word, "%s", word0);
    int is_nnp = 0;
    const lt_lex_entry *e = lt_lexicon_get(g->lex, LT_LEX_USER, word, strlen(word));
    if (!e) {
        if (is_all_upper(word) && !lt_lexicon_get(g->lex, LT_LEX_GOLD, word, strlen(word))) {
            to_lower(word, word0);
            is_nnp = tag && !strcmp(tag, "NNP");
        }
        e = lt_lexicon_get(g->lex, LT_LEX_USER, word, strlen(word));
        if (!e) e = lt_lexicon_get(g->lex, LT_LEX_GOLD, word, strlen(word));
        if (!e && !is_nnp) e = lt_lexicon_get(g->lex, LT_LEX_SILVER, word, strlen(word));
    }
    const char *ps = e ? pick(e, tag, cx) : NULL;
    if (!ps || (is_nnp && !strstr(ps, PRI))) {
        if (!get_nnp(g, word, out, cap)) return 0;
        if (!ps) return -1;
    }
    snprintf(out, cap, "%s", ps);
    apply_stress(out, cap, s2);
    return 0;
}

static int is_known(const lt_g2p *g, const char *word) {
    if (find_any(g, word, NULL)) return 1;
    if (!strcmp(word, "%") || !strcmp(word, "&") || !strcmp(word, "+") || !strcmp(word, "@")) return 1;
    if (!is_alpha_word(word)) return 0;
    if (strlen(word) == 1) return 1;
    char lw[PS_CAP];
    to_lower(lw, word);
    if (is_all_upper(word) && in_gold(g, lw)) return 1;
    return is_all_upper(word + 1);
}

/* -s, -ed, -ing (misaki's _s, _ed, _ing) */
static void add_s(const lt_g2p *g, char *ps, size_t cap) {
    uint32_t c = last_cp(ps, 0);
    size_t n = strlen(ps);
    if (cp_in(c, "ptkfθ")) snprintf(ps + n, cap - n, "s");
    else if (cp_in(c, "szʃʒʧʤ")) snprintf(ps + n, cap - n, "%sz", g->british ? "ɪ" : "ᵻ");
    else snprintf(ps + n, cap - n, "z");
}
static void add_ed(const lt_g2p *g, char *ps, size_t cap) {
    uint32_t c = last_cp(ps, 0), c1 = last_cp(ps, 1);
    size_t n = strlen(ps);
    if (cp_in(c, "pkfθʃsʧ")) snprintf(ps + n, cap - n, "t");
    else if (c == 'd') snprintf(ps + n, cap - n, "%sd", g->british ? "ɪ" : "ᵻ");
    else if (c != 't') snprintf(ps + n, cap - n, "d");
    else if (g->british || !c1) snprintf(ps + n, cap - n, "ɪd");
    else if (cp_in(c1, "AIOWYiuæɑəɛɪɹʊʌ")) {
        drop_last(ps);
        n = strlen(ps);
        snprintf(ps + n, cap - n, "ɾᵻd");
    } else
        snprintf(ps + n, cap - n, "ᵻd");
}
static int add_ing(const lt_g2p *g, char *ps, size_t cap) {
    uint32_t c = last_cp(ps, 0), c1 = last_cp(ps, 1);
    if (g->british) {
        if (cp_in(c, "əː")) return -1;
    } else if (c == 't' && c1 && cp_in(c1, "AIOWYiuæɑəɛɪɹʊʌ")) {
        drop_last(ps);
        size_t n = strlen(ps);
        snprintf(ps + n, cap - n, "ɾɪŋ");
        return 0;
    }
    size_t n = strlen(ps);
    snprintf(ps + n, cap - n, "ɪŋ");
    return 0;
}

static int ends(const char *w, const char *suf) {
    size_t a = strlen(w), b = strlen(suf);
    return a >= b && !strcmp(w + a - b, suf);
}

static int stem_s(const lt_g2p *g, const char *w, const char *tag, int s2, const ctx *cx, char *out, size_t cap) {
    size_t n = strlen(w);
    if (n < 3 || w[n - 1] != 's') return -1;
    char stem[PS_CAP];
    snprintf(stem, sizeof stem, "%.*s", (int)(n - 1), w);
    if (!ends(w, "ss") && is_known(g, stem)) {
    } else if ((ends(w, "'s") || (n > 4 && ends(w, "es") && !ends(w, "ies"))) &&
               (snprintf(stem, sizeof stem, "%.*s", (int)(n - 2), w), is_known(g, stem))) {
    } else if (n > 4 && ends(w, "ies") && (snprintf(stem, sizeof stem, "%.*sy", (int)(n - 3), w), is_known(g, stem))) {
    } else
        return -1;
    if (lookup(g, stem, tag, s2, cx, out, cap)) return -1;
    add_s(g, out, cap);
    return 0;
}

static int stem_ed(const lt_g2p *g, const char *w, const char *tag, int s2, const ctx *cx, char *out, size_t cap) {
    size_t n = strlen(w);
    if (n < 4 || w[n - 1] != 'd') return -1;
    char stem[PS_CAP];
    snprintf(stem, sizeof stem, "%.*s", (int)(n - 1), w);
    if (!ends(w, "dd") && is_known(g, stem)) {
    } else if (n > 4 && ends(w, "ed") && !ends(w, "eed") &&
               (snprintf(stem, sizeof stem, "%.*s", (int)(n - 2), w), is_known(g, stem))) {
    } else
        return -1;
    if (lookup(g, stem, tag, s2, cx, out, cap)) return -1;
    add_ed(g, out, cap);
    return 0;
}

static int doubled_ing(const char *w) { /* ([bcdgklmnprstvxz])\1ing$ | cking$ */
    size_t n = strlen(w);
    if (ends(w, "cking")) return 1;
    if (n < 5) return 0;
    char a = w[n - 5], b = w[n - 4];
    return a == b && strchr("bcdgklmnprstvxz", a) && ends(w, "ing");
}

static int stem_ing(const lt_g2p *g, const char *w, const char *tag, int s2, const ctx *cx, char *out, size_t cap) {
    size_t n = strlen(w);
    if (n < 5 || !ends(w, "ing")) return -1;
    char stem[PS_CAP];
    snprintf(stem, sizeof stem, "%.*s", (int)(n - 3), w);
    if (n > 5 && is_known(g, stem)) {
    } else if (snprintf(stem, sizeof stem, "%.*se", (int)(n - 3), w), is_known(g, stem)) {
    } else if (n > 5 && doubled_ing(w) && (snprintf(stem, sizeof stem, "%.*s", (int)(n - 4), w), is_known(g, stem))) {
    } else
        return -1;
    if (lookup(g, stem, tag, s2, cx, out, cap)) return -1;
    return add_ing(g, out, cap);
}

/* Our additions (misaki has none): -ly, -er, -est on a known stem. */
static int stem_ly_er(const lt_g2p *g, const char *w, int s2, const ctx *cx, char *out, size_t cap) {
    size_t n = strlen(w);
    char stem[PS_CAP];
    const char *add = NULL;
    int drop = 0; /* code points to drop from the stem's phonemes */
    if (n > 5 && ends(w, "ily") && (snprintf(stem, sizeof stem, "%.*sy", (int)(n - 3), w), is_known(g, stem)))
        add = "əli", drop = 1;
    else if (n > 6 && ends(w, "ically") && (snprintf(stem, sizeof stem, "%.*s", (int)(n - 4), w), is_known(g, stem)))
        add = "ᵊli";
    else if (n > 5 && ends(w, "bly") && (snprintf(stem, sizeof stem, "%.*sle", (int)(n - 3), w), is_known(g, stem)))
        add = "bli", drop = 3; /* -bᵊl → -bli */
    else if (n > 4 && ends(w, "ly") && (snprintf(stem, sizeof stem, "%.*s", (int)(n - 2), w), is_known(g, stem)))
        add = "li";
    else if (n > 4 && (ends(w, "er") || ends(w, "est"))) {
        int est = ends(w, "est");
        size_t k = n - (est ? 3 : 2);
        const char *suf = est ? (g->british ? "ɪst" : "ᵻst") : (g->british ? "ə" : "əɹ");
        if (snprintf(stem, sizeof stem, "%.*s", (int)k, w), is_known(g, stem)) add = suf;
        else if (snprintf(stem, sizeof stem, "%.*se", (int)k, w), is_known(g, stem)) add = suf;
        else if (w[k - 1] == 'i' && (snprintf(stem, sizeof stem, "%.*sy", (int)(k - 1), w), is_known(g, stem)))
            add = suf;
        else if (k > 2 && w[k - 1] == w[k - 2] && strchr("bdgmnpt", w[k - 1]) &&
                 (snprintf(stem, sizeof stem, "%.*s", (int)(k - 1), w), is_known(g, stem)))
            add = suf;
    }
    if (!add || strlen(stem) < 2) return -1;
    if (lookup(g, stem, NULL, s2, cx, out, cap)) return -1;
    if (drop == 3 && !ends(out, "bᵊl")) return -1;
    for (int i = 0; i < drop; i++) drop_last(out);
    size_t o = strlen(out);
    snprintf(out + o, cap - o, "%s", add);
    return 0;
}

/* misaki get_special_case: 1 = handled (out filled), 0 = not special. */
static int special_case(const lt_g2p *g, const char *w, const char *tag, int s2, const ctx *cx, char *out, size_t cap) {
    static const char *const SYM[][2] = {{"%", "percent"}, {"&", "and"}, {"+", "plus"}, {"@", "at"}};
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(w, SYM[i][0])) return !lookup(g, SYM[i][1], NULL, NOSTRESS, cx, out, cap);
    const char *t = tag ? tag : "";
    /* dotted abbreviations: U.S.A. */
    {
        size_t n = strlen(w), a = 0, b = n;
        while (a < n && w[a] == '.') a++;
        while (b > a && w[b - 1] == '.') b--;
        if (memchr(w + a, '.', b - a)) {
            int ok = 1, seg = 0, maxseg = 0, letters = 0;
            for (size_t i = 0; i < n; i++) {
                if (w[i] == '.') seg = 0;
                else if (is_alpha_ascii((unsigned char)w[i])) {
                    letters++;
                    if (++seg > maxseg) maxseg = seg;
                } else
                    ok = 0;
            }
            if (ok && letters && maxseg < 3) return !get_nnp(g, w, out, cap);
        }
    }
    if (!strcmp(w, "a") || !strcmp(w, "A")) {
        snprintf(out, cap, "%s", !strcmp(t, "DT") ? "ɐ" : "ˈA");
        return 1;
    }
    if (!strcmp(w, "am") || !strcmp(w, "Am") || !strcmp(w, "AM")) {
        if (!strncmp(t, "NN", 2)) return !get_nnp(g, w, out, cap);
        if (cx->future_vowel < 0 || strcmp(w, "am") || (s2 != NOSTRESS && s2 > 0))
            return !lookup(g, "am", NULL, NOSTRESS, NULL, out, cap);
        snprintf(out, cap, "ɐm");
        return 1;
    }
    if (!strcmp(w, "an") || !strcmp(w, "An") || !strcmp(w, "AN")) {
        if (!strcmp(w, "AN") && !strncmp(t, "NN", 2)) return !get_nnp(g, w, out, cap);
        snprintf(out, cap, "ɐn");
        return 1;
    }
    if (!strcmp(w, "I") && !strcmp(t, "PRP")) {
        snprintf(out, cap, SEC "I");
        return 1;
    }
    if ((!strcmp(w, "by") || !strcmp(w, "By") || !strcmp(w, "BY")) && !strcmp(parent_tag(t), "ADV")) {
        snprintf(out, cap, "bˈI");
        return 1;
    }
    if (!strcmp(w, "to") || !strcmp(w, "To") || (!strcmp(w, "TO") && (!strcmp(t, "TO") || !strcmp(t, "IN")))) {
        if (cx->future_vowel < 0) return !lookup(g, "to", NULL, NOSTRESS, NULL, out, cap);
        snprintf(out, cap, "%s", cx->future_vowel ? "tʊ" : "tə");
        return 1;
    }
    if (!strcmp(w, "in") || !strcmp(w, "In") || (!strcmp(w, "IN") && strcmp(t, "NNP"))) {
        snprintf(out, cap, "%sɪn", cx->future_vowel < 0 || strcmp(t, "IN") ? PRI : "");
        return 1;
    }
    if (!strcmp(w, "the") || !strcmp(w, "The") || (!strcmp(w, "THE") && !strcmp(t, "DT"))) {
        snprintf(out, cap, "%s", cx->future_vowel == 1 ? "ði" : "ðə");
        return 1;
    }
    if (!strcmp(t, "IN") && (!strcasecmp(w, "vs") || !strcasecmp(w, "vs.")))
        return !lookup(g, "versus", NULL, NOSTRESS, cx, out, cap);
    if (!strcmp(w, "used") || !strcmp(w, "Used") || !strcmp(w, "USED")) {
        const lt_lex_entry *e = lt_lexicon_get_exact(g->lex, LT_LEX_GOLD, "used", 4);
        if (!e) return 0;
        const char *ps = ((!strcmp(t, "VBD") || !strcmp(t, "JJ")) && cx->future_to) ? lt_lex_entry_pick(e, "VBD", NULL)
                                                                                     : lt_lex_entry_pick(e, "DEFAULT", NULL);
        if (!ps) return 0;
        snprintf(out, cap, "%s", ps);
        return 1;
    }
    return 0;
}

static int get_word(const lt_g2p *g, const char *word0, const char *tag, int s2, const ctx *cx, char *out, size_t cap);

/* Our additions: productive prefixes and suffixes around a stem the lexicon
 * knows (or derives), for lowercase words only. Each affix has one reading,
 * the one misaki's gold lexicon gives it most often (measured over the gold
 * words whose stem is also an entry); the stem keeps its own phonemes and
 * stress, a prefix takes secondary stress. */
static const char *const PREFIXES[][2] = {
    {"counter", "kˌWntəɹ"}, {"inter", "ˌɪntəɹ"}, {"super", "sˌupəɹ"}, {"under", "ˌʌndəɹ"}, {"multi", "mˌʌlti"},
    {"over", "ˌOvəɹ"},      {"non", "nˌɑn"},     {"mis", "mˌɪs"},     {"out", "ˌWt"},      {"pre", "pɹˌi"},
    {"sub", "sˌʌb"},        {"un", "ˌʌn"},
};
static const char *const SUFFIXES[][2] = {
    {"ness", "nəs"}, {"less", "ləs"}, {"ship", "ʃɪp"}, {"hood", "hʊd"}, {"like", "lIk"}, {"ment", "mənt"},
};

static int stem_affix(const lt_g2p *g, const char *w, int s2, const ctx *cx, char *out, size_t cap) {
    size_t n = strlen(w);
    if (!is_all_lower(w) || !is_alpha_word(w)) return -1;
    char stem[PS_CAP], ps[PS_CAP];
    for (size_t i = 0; i < sizeof PREFIXES / sizeof PREFIXES[0]; i++) {
        size_t pl = strlen(PREFIXES[i][0]);
        if (n < pl + STEM_MIN || strncmp(w, PREFIXES[i][0], pl)) continue;
        snprintf(stem, sizeof stem, "%s", w + pl);
        if (get_word(g, stem, NULL, s2, cx, ps, sizeof ps)) continue;
        snprintf(out, cap, "%s%s", PREFIXES[i][1], ps);
        return 0;
    }
    for (size_t i = 0; i < sizeof SUFFIXES / sizeof SUFFIXES[0]; i++) {
        size_t sl = strlen(SUFFIXES[i][0]);
        if (n < sl + STEM_MIN || !ends(w, SUFFIXES[i][0])) continue;
        snprintf(stem, sizeof stem, "%.*s", (int)(n - sl), w);
        int ok = !get_word(g, stem, NULL, s2, cx, ps, sizeof ps);
        if (!ok && stem[n - sl - 1] == 'i') { /* -iness, -iless, -iment: happy → happiness */
            stem[n - sl - 1] = 'y';
            ok = !get_word(g, stem, NULL, s2, cx, ps, sizeof ps) && last_cp(ps, 0) == 'i';
        }
        if (!ok) continue;
        snprintf(out, cap, "%s%s", ps, SUFFIXES[i][1]);
        return 0;
    }
    return -1;
}

/* misaki get_word */
static int get_word(const lt_g2p *g, const char *word0, const char *tag, int s2, const ctx *cx, char *out, size_t cap) {
    if (special_case(g, word0, tag, s2, cx, out, cap)) return 0;
    char word[PS_CAP], wl[PS_CAP];
    snprintf(word, sizeof word, "%s", word0);
    to_lower(wl, word);
    size_t n = strlen(word);
    char noap[PS_CAP];
    {
        size_t o = 0;
        for (const char *p = word; *p; p++)
            if (*p != '\'') noap[o++] = *p;
        noap[o] = 0;
    }
    if (n > 1 && is_alpha_word(noap) && strcmp(word, wl) && (!tag || strcmp(tag, "NNP") || n > 7) &&
        !find_any(g, word, NULL) && (is_all_upper(word) || is_all_lower(word + 1))) {
        char tmp[PS_CAP];
        if (find_any(g, wl, NULL) || !stem_s(g, wl, tag, s2, cx, tmp, sizeof tmp) ||
            !stem_ed(g, wl, tag, s2, cx, tmp, sizeof tmp) || !stem_ing(g, wl, tag, s2, cx, tmp, sizeof tmp))
            snprintf(word, sizeof word, "%s", wl);
    }
    if (is_known(g, word)) return lookup(g, word, tag, s2, cx, out, cap);
    n = strlen(word);
    if (ends(word, "s'")) {
        char t2[PS_CAP];
        snprintf(t2, sizeof t2, "%.*s's", (int)(n - 2), word);
        if (is_known(g, t2)) return lookup(g, t2, tag, s2, cx, out, cap);
    }
    if (n > 1 && word[n - 1] == '\'') {
        char t2[PS_CAP];
        snprintf(t2, sizeof t2, "%.*s", (int)(n - 1), word);
        if (is_known(g, t2)) return lookup(g, t2, tag, s2, cx, out, cap);
    }
    if (!stem_s(g, word, tag, s2, cx, out, cap)) return 0;
    if (!stem_ed(g, word, tag, s2, cx, out, cap)) return 0;
    if (!stem_ing(g, word, tag, s2 == NOSTRESS ? 1 : s2, cx, out, cap)) return 0;
    if (!stem_ly_er(g, word, s2, cx, out, cap)) return 0;
    if (!stem_affix(g, word, s2, cx, out, cap)) return 0;
    return -1;
}

/* ---- numbers --------------------------------------------------------------- */

typedef struct wl {
    char w[64][24];
    int n;
} wlist;
static void wl_add(wlist *l, const char *w) {
    if (l->n < 64) snprintf(l->w[l->n++], sizeof l->w[0], "%s", w);
}

static const char *const ONES[] = {"zero",    "one",     "two",       "three",    "four",     "five",    "six",
                                   "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
                                   "fourteen", "fifteen", "sixteen",   "seventeen", "eighteen", "nineteen"};
static const char *const TENS[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

static void say_below_1000(wlist *l, int n) {
    if (n >= 100) {
        wl_add(l, ONES[n / 100]);
        wl_add(l, "hundred");
        n %= 100;
        if (!n) return;
    }
    if (n >= 20) {
        wl_add(l, TENS[n / 10]);
        if (n % 10) wl_add(l, ONES[n % 10]);
    } else
        wl_add(l, ONES[n]);
}

static void say_cardinal(wlist *l, unsigned long long n) {
    static const char *const BIG[] = {"", "thousand", "million", "billion", "trillion", "quadrillion"};
    if (!n) {
        wl_add(l, "zero");
        return;
    }
    int parts[7], np = 0;
    while (n && np < 6) {
        parts[np++] = (int)(n % 1000);
        n /= 1000;
    }
    for (int i = np - 1; i >= 0; i--) {
        if (!parts[i]) continue;
        say_below_1000(l, parts[i]);
        if (i) wl_add(l, BIG[i]);
    }
}

static void say_year(wlist *l, int y) {
    if ((y % 1000 < 10 && (y / 100) % 10 == 0) || y < 1000) {
        say_cardinal(l, (unsigned long long)y);
        return;
    }
    say_below_1000(l, y / 100);
    int lo = y % 100;
    if (!lo) wl_add(l, "hundred");
    else if (lo < 10) {
        wl_add(l, "O");
        wl_add(l, ONES[lo]);
    } else
        say_below_1000(l, lo);
}

static void ordinalize(char *w, size_t cap) {
    static const char *const IRR[][2] = {{"one", "first"},  {"two", "second"}, {"three", "third"},  {"five", "fifth"},
                                         {"eight", "eighth"}, {"nine", "ninth"}, {"twelve", "twelfth"}};
    for (size_t i = 0; i < sizeof IRR / sizeof IRR[0]; i++)
        if (!strcmp(w, IRR[i][0])) {
            snprintf(w, cap, "%s", IRR[i][1]);
            return;
        }
    size_t n = strlen(w);
    if (n && w[n - 1] == 'y') snprintf(w + n - 1, cap - n + 1, "ieth");
    else snprintf(w + n, cap - n, "th");
}

static int is_number(const char *w) {
    int digits = 0;
    for (const char *p = w; *p; p++) digits |= is_digit((unsigned char)*p);
    if (!digits) return 0;
    static const char *const SUF[] = {"ing", "'d", "ed", "'s", "st", "nd", "rd", "th", "s"};
    size_t n = strlen(w);
    for (size_t i = 0; i < sizeof SUF / sizeof SUF[0]; i++)
        if (ends(w, SUF[i])) {
            n -= strlen(SUF[i]);
            break;
        }
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)w[i]) && w[i] != ',' && w[i] != '.' && !(i == 0 && w[i] == '-')) return 0;
    return 1;
}

static int get_number(const lt_g2p *g, const char *word, char *out, size_t cap) {
    char num[128];
    size_t n = strlen(word), k = n;
    while (k && ((word[k - 1] >= 'a' && word[k - 1] <= 'z') || word[k - 1] == '\'')) k--;
    const char *suffix = word + k;
    snprintf(num, sizeof num, "%.*s", (int)k, word);
    wlist l = {.n = 0};
    const char *p = num;
    if (*p == '-') {
        wl_add(&l, "minus");
        p++;
    }
    char digits[128];
    size_t nd = 0;
    const char *dot = NULL;
    for (const char *q = p; *q && nd + 1 < sizeof digits; q++) {
        if (*q == ',') continue;
        if (*q == '.') {
            if (dot) return -1;
            dot = q;
        }
        digits[nd++] = *q;
    }
    digits[nd] = 0;
    char *dp = strchr(digits, '.');
    if (dp) *dp = 0;
    int ordinal = !strcmp(suffix, "st") || !strcmp(suffix, "nd") || !strcmp(suffix, "rd") || !strcmp(suffix, "th");
    size_t il = strlen(digits);
    if (il > 18) { /* too long to read as a number: digit by digit */
        for (size_t i = 0; i < il; i++) wl_add(&l, ONES[digits[i] - '0']);
    } else if (il) {
        unsigned long long v = strtoull(digits, NULL, 10);
        if (!ordinal && !dp && il == 4 && l.n == 0 && digits[0] != '0') say_year(&l, (int)v);
        else say_cardinal(&l, v);
        if (ordinal && l.n) ordinalize(l.w[l.n - 1], sizeof l.w[0]);
    }
    if (dp) {
        wl_add(&l, "point");
        for (const char *q = dp + 1; *q; q++) wl_add(&l, ONES[*q - '0']);
    }
    if (!l.n) return -1;
    char res[PS_CAP] = "";
    size_t o = 0;
    for (int i = 0; i < l.n; i++) {
        char ps[PS_CAP];
        if (lookup(g, l.w[i], NULL, !strcmp(l.w[i], "point") ? -4 : NOSTRESS, NULL, ps, sizeof ps)) {
            if (lt_espeak_en_word(l.w[i], g->british, 0, ps, sizeof ps, NULL)) return -1;
        }
        o += (size_t)snprintf(res + o, sizeof res - o, "%s%s", i ? " " : "", ps);
        if (o >= sizeof res) return -1;
    }
    if (!strcmp(suffix, "s") || !strcmp(suffix, "'s")) add_s(g, res, sizeof res);
    else if (!strcmp(suffix, "ed") || !strcmp(suffix, "'d")) add_ed(g, res, sizeof res);
    else if (!strcmp(suffix, "ing")) add_ing(g, res, sizeof res);
    snprintf(out, cap, "%s", res);
    return 0;
}

/* ---- one word -------------------------------------------------------------- */

static int fallback(const lt_g2p *g, const char *w, char *out, size_t cap, lt_err *err) {
    /* very long "words" are read in pieces so espeak-ng sees bounded input */
    size_t n = strlen(w);
    if (n <= 64) return lt_espeak_en_word(w, g->british, 0, out, cap, err);
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 48 < n ? i + 48 : n;
        while (j < n && ((unsigned char)w[j] & 0xC0) == 0x80) j++;
        char piece[64], ps[PS_CAP];
        snprintf(piece, sizeof piece, "%.*s", (int)(j - i), w + i);
        if (lt_espeak_en_word(piece, g->british, 0, ps, sizeof ps, err)) return -1;
        if (o + strlen(ps) + 2 >= cap) break;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " " : "", ps);
        i = j;
    }
    return 0;
}

/* misaki Lexicon.__call__ then the fallback. */
static int word_ps(const lt_g2p *g, const char *w, const char *tag, int tok_s2, const ctx *cx, char *out, size_t cap,
                   lt_err *err) {
    int s2 = is_all_lower(w) ? NOSTRESS : is_all_upper(w) ? 4 : 1;
    int hasalpha = 0;
    for (const char *p = w; *p; p++) hasalpha |= is_alpha_ascii((unsigned char)*p);
    if (!hasalpha && s2 == 4) s2 = NOSTRESS; /* digits and symbols have no case */
    if (!get_word(g, w, tag, s2, cx, out, cap)) {
        apply_stress(out, cap, tok_s2);
        return 0;
    }
    if (is_number(w) && !get_number(g, w, out, cap)) {
        apply_stress(out, cap, tok_s2);
        return 0;
    }
    if (fallback(g, w, out, cap, err)) return -1;
    apply_stress(out, cap, tok_s2);
    return 0;
}

/* ---- tokens ---------------------------------------------------------------- */

enum { T_WORD, T_PUNCT, T_CUSTOM };

typedef struct tok {
    char *text; /* owned, NUL-terminated (apostrophes normalised) */
    int kind, ws, s2;
    char *ps; /* result, owned */
    char tag[8];
} tok;

typedef struct toks {
    tok *t;
    size_t n, cap;
    int oom;
} toks;

static tok *tk_add(toks *v, const char *s, size_t n, int kind) {
    if (v->n == v->cap) {
        size_t c = v->cap ? v->cap * 2 : 64;
        tok *nt = realloc(v->t, c * sizeof *nt);
        if (!nt) {
            v->oom = 1;
            return NULL;
        }
        v->t = nt;
        v->cap = c;
    }
    tok *t = &v->t[v->n];
    memset(t, 0, sizeof *t);
    t->text = malloc(n + 1);
    if (!t->text) {
        v->oom = 1;
        return NULL;
    }
    memcpy(t->text, s, n);
    t->text[n] = 0;
    t->kind = kind;
    t->s2 = NOSTRESS;
    v->n++;
    return t;
}

static void toks_free(toks *v) {
    for (size_t i = 0; i < v->n; i++) {
        free(v->t[i].text);
        free(v->t[i].ps);
    }
    free(v->t);
}

/* punctuation code points → what Kokoro gets ("" = dropped) */
static const char *punct_map(uint32_t c, int opening) {
    switch (c) {
    case ',': return ",";
    case '.': return ".";
    case '!': return "!";
    case '?': return "?";
    case ';': return ";";
    case ':': return ":";
    case '(': case '[': case '{': return "(";
    case ')': case ']': case '}': return ")";
    case '"': return opening ? "“" : "”";
    case 0x201C: case 0xAB: return "“";
    case 0x201D: case 0xBB: return "”";
    case 0x2014: case 0x2013: case '-': return "—";
    case 0x2026: return "…";
    default: return NULL;
    }
}

static int is_word_cp(uint32_t c) {
    if (c < 0x80) return is_alpha_ascii((int)c) || is_digit((int)c) || c == '\'' || c == '%' || c == '&' || c == '+' || c == '@';
    if (c == 0x2018 || c == 0x2019) return 1; /* apostrophes */
    if (punct_map(c, 0)) return 0;
    if (c >= 0x2000 && c <= 0x206F) return 0; /* general punctuation, spaces */
    if (c == 0xA0 || c == 0x3000 || c == 0xFFFD) return 0;
    if (c >= 0x1F000) return 0; /* emoji */
    return c >= 0xC0;
}

static int is_space_cp(uint32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B); }

/* copy a word, turning ‘ ’ into ' */
static char *norm_apos(const char *s, size_t n, size_t *on) {
    char *o = malloc(n + 1);
    if (!o) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (i + 3 <= n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x98 || (unsigned char)s[i + 2] == 0x99)) {
            o[k++] = '\'';
            i += 3;
        } else
            o[k++] = s[i++];
    }
    o[k] = 0;
    *on = k;
    return o;
}

static void add_word_tokens(toks *v, const char *s, size_t n, int s2) {
    size_t m;
    char *w = norm_apos(s, n, &m);
    if (!w) {
        v->oom = 1;
        return;
    }
    /* strip leading apostrophes that are quotes ('hello') unless a lexicon form like 'cause */
    tok *t = tk_add(v, w, m, T_WORD);
    free(w);
    if (t) t->s2 = s2;
}

static int parse_stress_feature(const char *f, size_t n, int *s2) {
    char b[16];
    if (n == 0 || n >= sizeof b) return 0;
    memcpy(b, f, n);
    b[n] = 0;
    if (!strcmp(b, "0.5") || !strcmp(b, "+0.5")) return *s2 = 1, 1;
    if (!strcmp(b, "-0.5")) return *s2 = -1, 1;
    const char *p = b;
    if (*p == '+' || *p == '-') p++;
    if (!*p) return 0;
    for (const char *q = p; *q; q++)
        if (!is_digit((unsigned char)*q)) return 0;
    long v = strtol(b, NULL, 10);
    if (v > 8) v = 8;
    if (v < -8) v = -8;
    *s2 = (int)v * 2;
    return 1;
}

static void tokenize(const char *text, toks *v);

/* [text](/phonemes/) or [text](stress); returns bytes consumed or 0 */
static size_t custom_link(const char *p, toks *v) {
    const char *close = p + 1;
    while (*close && *close != ']' && *close != '[' && *close != '\n') close++;
    if (*close != ']' || close[1] != '(' || close == p + 1) return 0;
    const char *f = close + 2, *fe = f;
    while (*fe && *fe != ')' && *fe != '\n') fe++;
    if (*fe != ')') return 0;
    size_t fn = (size_t)(fe - f);
    if (fn >= 2 && f[0] == '/' && f[fn - 1] == '/') {
        size_t a = 1, b = fn - 1;
        tok *t = tk_add(v, p + 1, (size_t)(close - p - 1), T_CUSTOM);
        if (!t) return 0;
        t->ps = malloc(b - a + 1);
        if (!t->ps) {
            v->oom = 1;
            return 0;
        }
        memcpy(t->ps, f + a, b - a);
        t->ps[b - a] = 0;
        return (size_t)(fe + 1 - p);
    }
    int s2;
    if (parse_stress_feature(f, fn, &s2)) {
        size_t first = v->n;
        char *inner = malloc((size_t)(close - p));
        if (!inner) return 0;
        memcpy(inner, p + 1, (size_t)(close - p - 1));
        inner[close - p - 1] = 0;
        tokenize(inner, v);
        free(inner);
        for (size_t i = first; i < v->n; i++)
            if (v->t[i].kind == T_WORD) v->t[i].s2 = s2;
        return (size_t)(fe + 1 - p);
    }
    return 0; /* not a feature misaki knows: read as text */
}

static void tokenize(const char *text, toks *v) {
    const char *p = text;
    int prev_space = 1;
    while (*p && !v->oom) {
        size_t l;
        uint32_t c = u8get(p, &l);
        if (c == 0xFFFD && l < 3) { /* invalid byte: skip */
            p += l ? l : 1;
            continue;
        }
        if (is_space_cp(c)) {
            if (v->n) v->t[v->n - 1].ws = 1;
            prev_space = 1;
            p += l;
            continue;
        }
        if (c == '[') {
            size_t used = custom_link(p, v);
            if (used) {
                p += used;
                prev_space = 0;
                continue;
            }
        }
        if (is_word_cp(c) || (c == '-' && is_digit((unsigned char)p[1]) && prev_space)) {
            const char *s = p;
            p += l;
            for (;;) {
                uint32_t d = u8get(p, &l);
                if (!*p) break;
                if (is_word_cp(d)) {
                    p += l;
                    continue;
                }
                /* inner hyphen, dot or comma joins when a word character follows */
                if ((d == '-' || d == '.' || d == ',' || d == '_') && p[1]) {
                    size_t l2;
                    uint32_t e = u8get(p + 1, &l2);
                    int digit_ctx = is_digit((unsigned char)p[-1]) && is_digit((unsigned char)p[1]);
                    if ((d == '-' || d == '_') && is_word_cp(e) && e != '\'') {
                        p += 1;
                        continue;
                    }
                    if ((d == '.' || d == ',') && digit_ctx) {
                        p += 1;
                        continue;
                    }
                    if (d == '.' && is_alpha_ascii((unsigned char)p[1]) && is_alpha_ascii((unsigned char)p[-1]) &&
                        (p - s == 1 || p[-2] == '.')) {
                        p += 1; /* U.S.A */
                        continue;
                    }
                }
                break;
            }
            /* trailing '.' of an abbreviation like U.S. */
            if (*p == '.' && p - s >= 3 && p[-2] == '.' && is_alpha_ascii((unsigned char)p[-1])) p++;
            /* leading/trailing quote-apostrophes that are not part of the word */
            add_word_tokens(v, s, (size_t)(p - s), NOSTRESS);
            prev_space = 0;
            continue;
        }
        /* punctuation */
        const char *pm = punct_map(c, prev_space);
        if (c == '.' && p[1] == '.' && p[2] == '.') {
            tok *t = tk_add(v, "...", 3, T_PUNCT);
            if (t && !(t->ps = strdup("..."))) v->oom = 1;
            p += 3;
        } else if (c == '-' && !prev_space && !is_space_cp((uint32_t)(unsigned char)p[1]) && p[1] != '-') {
            p += l; /* a stray hyphen glued to a word: silent */
            continue;
        } else if (pm) {
            const char *e = p + l;
            if (c == '-')
                while (*e == '-') e++;
            tok *t = tk_add(v, p, (size_t)(e - p), T_PUNCT);
            if (t) {
                t->ps = strdup(pm);
                if (!t->ps) v->oom = 1;
            }
            p = e;
        } else
            p += l; /* other symbols: dropped */
        prev_space = 0;
    }
}

/* ---- part-of-speech guess -------------------------------------------------- */

static int in_list(const char *w, const char *const *list) {
    for (; *list; list++)
        if (!strcmp(w, *list)) return 1;
    return 0;
}

static const char *const MODALS[] = {"will", "would", "can", "could", "shall", "should", "may", "might", "must",
                                     "do", "does", "did", "don't", "doesn't", "didn't", "won't", "wouldn't",
                                     "can't", "cannot", "couldn't", "shouldn't", "mustn't", "let's", "i'll",
                                     "you'll", "we'll", "they'll", "he'll", "she'll", "to", "please", "'ll", NULL};
static const char *const HAVES[] = {"have", "has", "had", "having", "i've", "you've", "we've", "they've", "'ve", NULL};
static const char *const BES[] = {"is", "are", "was", "were", "be", "been", "being", "am", "it's", "that's",
                                  "i'm", "you're", "we're", "they're", "he's", "she's", "isn't", "aren't",
                                  "wasn't", "weren't", NULL};
static const char *const DETS[] = {"a", "an", "the", "this", "these", "those", "my", "your", "his", "her",
                                   "its", "our", "their", "some", "any", "no", "every", "each", "another",
                                   "that", "which", "what", "whose", "one", "first", "last", "next", "very",
                                   "more", "most", "such", NULL};
static const char *const PREPS[] = {"of", "in", "on", "at", "for", "with", "from", "into", "onto", "about",
                                    "by", "under", "over", "after", "before", "without", "through", "during",
                                    "against", "between", "like", "and", "or", NULL};
static const char *const SUBJ3[] = {"he", "she", "it", "who", "which", "that", NULL};
static const char *const SUBJ[] = {"i", "you", "we", "they", "people", NULL};
static const char *const OBJ_START[] = {"the", "a", "an", "my", "your", "his", "her", "its", "our", "their",
                                        "this", "that", "these", "those", "it", "them", "him", "me", "us",
                                        "some", "every", "all", "out", "up", "down", "off", NULL};
static const char *const PAST_CUES[] = {"yesterday", "ago", "last", "earlier", "was", "were", "had", "did",
                                        "once", "already", "then", "previously", NULL};
static const char *const SKIP_ADV[] = {"not", "never", "also", "just", "always", "often", "already", "still",
                                       "really", "then", "finally", "n't", "all", NULL};
static const char *const FUNCTION[] = {"of", "and", "or", "but", "to", "ago", "is", "was", "are", "were",
                                       "in", "on", "at", "for", "with", "from", "that", "it", "later", "before",
                                       "after", "as", "than", "so", "if", "when", NULL};

static void lower_copy(char *d, size_t cap, const char *s) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) d[i] = (char)ascii_lower((unsigned char)s[i]);
    d[i] = 0;
}

/* the word i positions away (skipping nothing), "" for punctuation/edges */
static const char *nb(const toks *v, long i, char *buf, size_t cap) {
    buf[0] = 0;
    if (i < 0 || (size_t)i >= v->n || v->t[i].kind == T_PUNCT) return buf;
    lower_copy(buf, cap, v->t[i].text);
    return buf;
}

static int sentence_start(const toks *v, size_t i) {
    if (i == 0) return 1;
    const tok *p = &v->t[i - 1];
    if (p->kind != T_PUNCT) return 0;
    return strchr(".!?", p->text[0]) || !strcmp(p->text, "“") || p->text[0] == '"' || strstr(p->text, "…");
}

static void guess_tag(const lt_g2p *g, const toks *v, size_t i, char *tag) {
    const tok *t = &v->t[i];
    tag[0] = 0;
    char w[64], p[64], n[64], tmp[64];
    lower_copy(w, sizeof w, t->text);
    long pi = (long)i - 1;
    while (pi >= 0 && (long)i - pi <= 8 && v->t[pi].kind != T_PUNCT && in_list(nb(v, pi, tmp, sizeof tmp), SKIP_ADV)) pi--;
    nb(v, pi, p, sizeof p);
    nb(v, (long)i + 1, n, sizeof n);
    int at_start = sentence_start(v, i);
    int next_punct = (size_t)i + 1 >= v->n || v->t[i + 1].kind == T_PUNCT;

    if (!strcmp(t->text, "I")) return (void)strcpy(tag, "PRP");
    if (!strcmp(w, "to")) return (void)strcpy(tag, "TO");
    if (!strcmp(w, "the") || !strcmp(w, "an")) return (void)strcpy(tag, "DT");
    if (!strcmp(t->text, "a")) return (void)strcpy(tag, "DT");
    if (!strcmp(t->text, "A")) return (void)strcpy(tag, at_start || (n[0] && is_all_lower(v->t[i + 1].text)) ? "DT" : "NNP");
    if (!strcmp(w, "in") || !strcmp(w, "vs") || !strcmp(w, "vs.")) return (void)strcpy(tag, "IN");
    if (!strcmp(w, "by")) return (void)strcpy(tag, next_punct ? "RB" : "IN");
    if (!strcmp(w, "that")) return (void)strcpy(tag, (in_list(n, OBJ_START) || in_list(n, SUBJ) || in_list(n, SUBJ3)) && !next_punct ? "IN" : "DT");
    if (!strcmp(w, "used")) return (void)strcpy(tag, !strcmp(n, "to") ? "VBD" : "VBN");
    if (!strcmp(w, "am") && strcmp(t->text, "am") && !at_start) return (void)strcpy(tag, "NN");
    size_t len = strlen(t->text);
    if (len > 1 && is_all_upper(t->text) && is_alpha_ascii((unsigned char)t->text[0])) return (void)strcpy(tag, "NNP");

    const lt_lex_entry *e = find_any(g, w, NULL);
    if (!e || !e->ntags) {
        if (e == NULL && t->text[0] >= 'A' && t->text[0] <= 'Z' && !at_start) strcpy(tag, "NNP");
        return;
    }
    /* a heteronym: decide from the neighbours */
    int has_vbd = lt_lex_entry_has(e, "VBD"), has_vbn = lt_lex_entry_has(e, "VBN");
    if (in_list(p, MODALS)) return (void)strcpy(tag, "VB");
    if (in_list(p, HAVES)) return (void)strcpy(tag, "VBN");
    if (in_list(p, BES)) return (void)strcpy(tag, has_vbn ? "VBN" : "JJ");
    if (in_list(p, DETS)) {
        int content = n[0] && !in_list(n, FUNCTION) && !in_list(n, DETS);
        return (void)strcpy(tag, content ? "JJ" : "NN");
    }
    if (in_list(p, PREPS)) return (void)strcpy(tag, "NN");
    /* past-tense cues in this sentence, at most CUE_SPAN tokens either side
     * (bounded so that a long text without full stops stays linear) */
    int past = 0;
    enum { CUE_SPAN = 64 };
    size_t k0 = i;
    while (k0 > 0 && i - k0 < CUE_SPAN && !(v->t[k0 - 1].kind == T_PUNCT && strchr(".!?", v->t[k0 - 1].text[0]))) k0--;
    for (size_t k = k0; k < v->n && k <= i + CUE_SPAN; k++) {
        if (v->t[k].kind == T_PUNCT) {
            if (k > i && strchr(".!?", v->t[k].text[0])) break;
            if (k < i && strchr(".!?", v->t[k].text[0])) past = 0;
            continue;
        }
        char b[64];
        if (k != i && in_list(nb(v, (long)k, b, sizeof b), PAST_CUES)) past = 1;
    }
    int subj = in_list(p, SUBJ);
    if (in_list(p, SUBJ3)) return (void)strcpy(tag, has_vbd ? "VBD" : "VBZ");
    if (subj) return (void)strcpy(tag, past && has_vbd ? "VBD" : "VB"); /* not VBP: the data reads VBP "read" as past */
    if (at_start && (in_list(n, OBJ_START) || next_punct)) return (void)strcpy(tag, "VB");
    if (in_list(n, OBJ_START)) return (void)strcpy(tag, past && has_vbd ? "VBD" : "VB");
}

/* ---- sentence pipeline ----------------------------------------------------- */

static int stress_weight(const char *ps) {
    int w = 0;
    for (const char *p = ps; *p;) {
        size_t l;
        uint32_t c = u8get(p, &l);
        p += l;
        w += (c == 'A' || c == 'I' || c == 'O' || c == 'Q' || c == 'W' || c == 'Y' || c == 0x2A4 || c == 0x2A7) ? 2 : 1;
    }
    return w;
}

/* a word with inner hyphens or letter/digit changes: parts read one by one */
static int compound_ps(const lt_g2p *g, const tok *t, const ctx *cx, char *out, size_t cap, lt_err *err) {
    const char *w = t->text;
    char parts[16][PS_CAP];
    int weights[16], pri[16], np = 0, space = 0;
    size_t n = strlen(w);
    int has_alpha = 0, has_digit = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int digit = is_digit((unsigned char)w[i]);
        if (w[i] == '-' || w[i] == '_') {
            i++;
            continue;
        }
        while (j < n && w[j] != '-' && w[j] != '_' &&
               (digit ? (is_digit((unsigned char)w[j]) || ((w[j] == '.' || w[j] == ',') && j + 1 < n && is_digit((unsigned char)w[j + 1])))
                      : !is_digit((unsigned char)w[j])))
            j++;
        /* keep number suffixes (1st, 90s) with their digits */
        if (digit && j < n && w[j] != '-') {
            size_t k = j;
            while (k < n && is_alpha_ascii((unsigned char)w[k])) k++;
            char suf[8];
            snprintf(suf, sizeof suf, "%.*s", (int)(k - j), w + j);
            if (k == n && (!strcmp(suf, "st") || !strcmp(suf, "nd") || !strcmp(suf, "rd") || !strcmp(suf, "th") ||
                           !strcmp(suf, "s") || !strcmp(suf, "ing") || !strcmp(suf, "ed")))
                j = k;
        }
        if (digit) has_digit = 1;
        else has_alpha = 1;
        char piece[PS_CAP];
        snprintf(piece, sizeof piece, "%.*s", (int)(j - i), w + i);
        i = j;
        if (np == 16) break;
        if (word_ps(g, piece, NULL, t->s2, cx, parts[np], PS_CAP, err)) return -1;
        weights[np] = stress_weight(parts[np]);
        pri[np] = strstr(parts[np], PRI) != NULL;
        np++;
    }
    space = has_alpha && has_digit;
    if (!space && np >= 2) { /* misaki resolve_tokens: demote the lighter half */
        int npri = 0;
        for (int k = 0; k < np; k++) npri += pri[k];
        if (npri > (np + 1) / 2) {
            int order[16];
            for (int k = 0; k < np; k++) order[k] = k;
            for (int a = 0; a < np; a++)
                for (int b = a + 1; b < np; b++) {
                    int x = order[a], y = order[b];
                    if (pri[y] < pri[x] || (pri[y] == pri[x] && (weights[y] < weights[x] || (weights[y] == weights[x] && y < x)))) {
                        order[a] = y;
                        order[b] = x;
                    }
                }
            for (int k = 0; k < np / 2; k++) apply_stress(parts[order[k]], PS_CAP, -1);
        }
    }
    size_t o = 0;
    out[0] = 0;
    for (int k = 0; k < np; k++) {
        if (!parts[k][0]) continue;
        o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "%s%s", space && o ? " " : "", parts[k]);
        if (o >= cap) break;
    }
    return 0;
}

static int needs_split(const char *w) {
    int a = 0, d = 0;
    for (const char *p = w; *p; p++) {
        if (*p == '-' || *p == '_') return 1;
        a |= is_alpha_ascii((unsigned char)*p);
        d |= is_digit((unsigned char)*p);
    }
    return a && d && !is_number(w);
}

static void next_ctx(ctx *cx, const tok *t) {
    const char *ps = t->ps;
    if (ps && *ps) {
        for (const char *p = ps; *p;) {
            size_t l;
            uint32_t c = u8get(p, &l);
            p += l;
            if (c < 0x80 && strchr(";:,.!?", (int)c)) {
                cx->future_vowel = -1;
                break;
            }
            if (c == 0x2014 || c == 0x2026) {
                cx->future_vowel = -1;
                break;
            }
            if (is_vowel_cp(c)) {
                cx->future_vowel = 1;
                break;
            }
            if (is_consonant_cp(c)) {
                cx->future_vowel = 0;
                break;
            }
        }
    }
    cx->future_to = !strcmp(t->text, "to") || !strcmp(t->text, "To") ||
                    (!strcmp(t->text, "TO") && (!strcmp(t->tag, "TO") || !strcmp(t->tag, "IN")));
}

static int english(lt_g2p *g, const char *text, char **out, lt_err *err) {
    toks v = {0};
    tokenize(text, &v);
    if (v.oom) {
        toks_free(&v);
        return lt_fail(err, "phonemize: out of memory");
    }
    for (size_t i = 0; i < v.n; i++)
        if (v.t[i].kind == T_WORD) guess_tag(g, &v, i, v.t[i].tag);
    ctx cx = {-1, 0};
    char ps[PS_CAP];
    for (size_t k = v.n; k-- > 0;) {
        tok *t = &v.t[k];
        if (t->kind == T_WORD) {
            int rc = needs_split(t->text) && !find_any(g, t->text, NULL)
                         ? compound_ps(g, t, &cx, ps, sizeof ps, err)
                         : word_ps(g, t->text, t->tag[0] ? t->tag : NULL, t->s2, &cx, ps, sizeof ps, err);
            if (rc) {
                toks_free(&v);
                return -1;
            }
            t->ps = strdup(ps);
            if (!t->ps) {
                toks_free(&v);
                return lt_fail(err, "phonemize: out of memory");
            }
        }
        next_ctx(&cx, t);
    }
    /* join: phonemes + a space where the text had whitespace */
    size_t cap = 16;
    for (size_t i = 0; i < v.n; i++) cap += (v.t[i].ps ? strlen(v.t[i].ps) : 0) + 1;
    char *res = malloc(cap);
    if (!res) {
        toks_free(&v);
        return lt_fail(err, "phonemize: out of memory");
    }
    size_t o = 0;
    int pending_space = 0;
    for (size_t i = 0; i < v.n; i++) {
        const char *s = v.t[i].ps ? v.t[i].ps : "";
        if (*s) {
            size_t at = o;
            if (pending_space && o) res[o++] = ' ';
            size_t l = clean_copy(res + o, s);
            if (l) {
                o += l;
                pending_space = 0;
            } else
                o = at; /* nothing left of it */
        }
        if (v.t[i].ws) pending_space = 1;
    }
    res[o] = 0;
    toks_free(&v);
    if (!g->keep_flap) {
        size_t n = strlen(res);
        char *t2 = malloc(n + 1);
        if (t2) {
            size_t k = 0;
            for (size_t i = 0; i < n;) {
                if (!strncmp(res + i, "ɾ", 2)) {
                    t2[k++] = 'T';
                    i += 2;
                } else if (!strncmp(res + i, "ʔ", 2)) {
                    t2[k++] = 't';
                    i += 2;
                } else
                    t2[k++] = res[i++];
            }
            t2[k] = 0;
            free(res);
            res = t2;
        }
    }
    *out = res;
    return 0;
}

/* ---- public ---------------------------------------------------------------- */

lt_g2p *lt_g2p_new(const lt_g2p_opts *o, lt_err *err) {
    lt_g2p_opts def = {0};
    if (!o) o = &def;
    char lang = o->lang ? o->lang : 'a';
    if (!lt_lang_supported(lang)) {
        lt_fail(err, "phonemize: unknown language code '%c' (use one of a b e f h i j p z)", lang);
        return NULL;
    }
    lt_g2p *g = calloc(1, sizeof *g);
    if (!g) {
        lt_fail(err, "phonemize: out of memory");
        return NULL;
    }
    g->lang = lang;
    g->british = lang == 'b';
    g->keep_flap = o->keep_flap;
    if (lang != 'a' && lang != 'b') return g;
    if (!(g->lex = lt_lexicon_new(lang, err))) {
        free(g);
        return NULL;
    }
    struct stat st;
    if (o->lexicon_dir && stat(o->lexicon_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (lt_lexicon_load_dir(g->lex, o->lexicon_dir, err)) {
            lt_g2p_free(g);
            return NULL;
        }
        g->has_lex = 1;
    } else if (!o->quiet)
        fprintf(stderr,
                "litetts: warning: no misaki lexicon folder%s%s; English is read by espeak-ng alone (lower quality). "
                "Get it with `litetts download` or pass --lexicon-dir.\n",
                o->lexicon_dir ? " at " : "", o->lexicon_dir ? o->lexicon_dir : "");
    if (o->user_lexicon && lt_lexicon_load_user(g->lex, o->user_lexicon, err)) {
        lt_g2p_free(g);
        return NULL;
    }
    return g;
}

void lt_g2p_free(lt_g2p *g) {
    if (!g) return;
    lt_lexicon_free(g->lex);
    free(g);
}

char lt_g2p_lang(const lt_g2p *g) { return g->lang; }
lt_lexicon *lt_g2p_lexicon(lt_g2p *g) { return g->lex; }
int lt_g2p_has_lexicon(const lt_g2p *g) { return g->has_lex; }

int lt_g2p_phonemize(lt_g2p *g, const char *text, char **out, lt_err *err) {
    *out = NULL;
    if (!text) text = "";
    if (g->lang != 'a' && g->lang != 'b') return lt_espeak_phonemize_text(g->lang, text, out, err);
    return english(g, text, out, err);
}

int lt_g2p_word(lt_g2p *g, const char *word, const char *tag, char *out, size_t cap, lt_err *err) {
    if (!g->lex) return lt_fail(err, "phonemize: lt_g2p_word is for English (lang a or b)");
    ctx cx = {0, 0};
    char w[PS_CAP];
    size_t n;
    char *nw = norm_apos(word, strlen(word), &n);
    if (!nw) return lt_fail(err, "phonemize: out of memory");
    snprintf(w, sizeof w, "%s", nw);
    free(nw);
    tok t = {.text = w, .kind = T_WORD, .s2 = NOSTRESS};
    if (needs_split(w) && !find_any(g, w, NULL)) return compound_ps(g, &t, &cx, out, cap, err);
    return word_ps(g, w, tag, NOSTRESS, &cx, out, cap, err);
}
