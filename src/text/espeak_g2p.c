/* espeak_g2p.c — libespeak-ng behind one mutex (see espeak_g2p.h).
 *
 * Owns: espeak-ng initialisation and voice switching, the English E2M mapping
 * (misaki's EspeakFallback table) and our rule refinements on top of it
 * (measured by bench/g2p_per.c), misaki's EspeakG2P mapping for the other
 * languages, punctuation preservation, and voice-name → language. */
#include "text/espeak_g2p.h"

#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_inited;
static char g_voice[32];

/* ---- languages ----------------------------------------------------------- */

static const struct {
    char code;
    const char *espeak;
} LANGS[] = {
    {'a', "en-us"}, {'b', "en-gb"}, {'e', "es"}, {'f', "fr-fr"}, {'h', "hi"},
    {'i', "it"},    {'j', "ja"},    {'p', "pt-br"}, {'z', "cmn"},
};

const char *lt_lang_espeak_name(char lang) {
    for (size_t i = 0; i < sizeof LANGS / sizeof LANGS[0]; i++)
        if (LANGS[i].code == lang) return LANGS[i].espeak;
    return NULL;
}

int lt_lang_supported(char lang) { return lang && lt_lang_espeak_name(lang) != NULL; }

char lt_lang_from_voice(const char *voice) {
    if (!voice) return 0;
    const char *base = strrchr(voice, '/');
    base = base ? base + 1 : voice;
    if (strlen(base) < 3 || base[2] != '_' || (base[1] != 'f' && base[1] != 'm')) return 0;
    char c = base[0];
    return lt_lang_supported(c) ? c : 0;
}

/* ---- espeak-ng access (caller holds g_mu) --------------------------------- */

/* libespeak-ng queues a malloc'd copy of the voice (its voice_t, ~1.3 kB) on
 * every voice change, for the wave generator to apply and free when it next
 * synthesizes. Phonemising never synthesizes, so each change leaked that
 * copy (a server alternating en-us and en-gb words: 1.3 kB per request). An
 * empty synthesis right after the change runs the generator over the queue,
 * which frees it; nothing is spoken, the callback discards the samples.
 * espeak-ng is initialised in synchronous mode so that this synthesis runs
 * on the calling thread, under g_mu (in retrieval mode it runs on espeak's
 * own thread and raced the next phonemisation: a crash). */
static int discard_samples(short *wav, int n, espeak_EVENT *events) {
    (void)wav, (void)n, (void)events;
    return 0;
}

static void drain_voice_changes(void) {
    espeak_SetSynthCallback(discard_samples);
    espeak_Synth("", 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
}

static int ensure_voice(const char *name, lt_err *err) {
    if (!g_inited) {
        int sr = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
        if (sr <= 0) return lt_fail(err, "espeak-ng: initialisation failed (is espeak-ng-data installed?)");
        g_inited = 1;
        g_voice[0] = 0;
    }
    if (strcmp(g_voice, name)) {
        espeak_VOICE v;
        memset(&v, 0, sizeof v);
        v.languages = name;
        if (espeak_SetVoiceByProperties(&v) != EE_OK)
            return lt_fail(err, "espeak-ng: no voice for language '%s'", name);
        drain_voice_changes();
        snprintf(g_voice, sizeof g_voice, "%s", name);
    }
    return 0;
}

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 64;
        while (b->n + n + 1 > c) c *= 2;
        char *np = realloc(b->p, c);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = c;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* ---- what espeak-ng may be given ------------------------------------------
 * libespeak-ng 1.51 (Debian 12) corrupts its heap when a voice meets text it
 * switches language for: a use-after-free inside espeak_TextToPhonemes,
 * found by fuzz_pronunciation (Gujarati digits in English text) and then
 * reproduced with many scripts and, for pt-br and hi, with accumulated
 * switches over many calls. So each voice is only given the characters of
 * its own writing system: ASCII, the language's own letters, its script;
 * other Latin letters become their base letter (ß → ss) for the Latin-script
 * languages, everything else a space. Random mixes of the allowed sets ran
 * clean under AddressSanitizer (3 × 3,000 lines per voice). */

/* accented letters a Latin-script voice reads as its own */
static const char *own_letters(const char *lang) {
    if (!strcmp(lang, "es")) return "áéíóúüñÁÉÍÓÚÜÑ¡¿";
    if (!strcmp(lang, "fr-fr")) return "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ";
    if (!strcmp(lang, "it")) return "àèéìíîòóùúÀÈÉÌÍÎÒÓÙÚ";
    if (!strcmp(lang, "pt-br")) return "áâãàçéêíóôõúüÁÂÃÀÇÉÊÍÓÔÕÚÜ";
    return "éèêëïôüçñáàâäöåøæ"; /* English: loanword spellings */
}

/* Latin-1 and Latin Extended-A letters → ASCII base letters in out (its
 * length; 0 = none) */
static size_t latin_base(uint32_t c, char out[3]) {
    static const char *lat1[64] = {
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
        "D", "N", "O", "O", "O", "O", "O", "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};
    /* U+0100..U+017F, one letter each (mostly upper/lower case pairs) */
    static const char extA[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOo"
                               "OoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    out[0] = 0;
    if (c >= 0xC0 && c <= 0xFF) snprintf(out, 3, "%s", lat1[c - 0xC0]);
    else if (c >= 0x100 && c - 0x100 < sizeof extA - 1) out[0] = extA[c - 0x100], out[1] = 0;
    return strlen(out);
}

/* One UTF-8 sequence at p: its length and code point, or 0 when invalid. */
static int utf8_decode(const unsigned char *p, uint32_t *c) {
    int n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n) return 0;
    uint32_t d = n == 1 ? p[0] : n == 2 ? (uint32_t)(p[0] & 0x1F) : n == 3 ? (uint32_t)(p[0] & 0x0F) : (uint32_t)(p[0] & 0x07);
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) return 0;
        d = d << 6 | (p[k] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (d < min[n] || d > 0x10FFFF || (d >= 0xD800 && d <= 0xDFFF)) return 0;
    *c = d;
    return n;
}

static int in_utf8_list(uint32_t c, const char *list) {
    const unsigned char *p = (const unsigned char *)list;
    while (*p) {
        uint32_t d;
        int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        d = n == 1 ? *p : n == 2 ? (uint32_t)(*p & 0x1F) : n == 3 ? (uint32_t)(*p & 0x0F) : (uint32_t)(*p & 0x07);
        for (int k = 1; k < n && p[k]; k++) d = d << 6 | (p[k] & 0x3F);
        if (d == c) return 1;
        p += n;
    }
    return 0;
}

static int cjk(uint32_t c) {
    return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xFF01 && c <= 0xFF5E);
}

/* text → what lang's voice may read (see above); malloc'd */
static char *espeak_safe(const char *lang, const char *text) {
    size_t n = strlen(text);
    char *out = malloc(2 * n + 1), *o = out;
    if (!out) return NULL;
    int hi = !strcmp(lang, "hi"), east = !strcmp(lang, "ja") || !strcmp(lang, "cmn");
    const char *own = own_letters(lang);
    char base[3];
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        uint32_t c;
        int len = utf8_decode(p, &c);
        if (len <= 0) { /* invalid byte */
            *o++ = ' ';
            p++;
            continue;
        }
        int keep;
        if (c < 0x80) keep = c >= 0x20 && c != 0x7F;
        else if (hi) keep = c >= 0x900 && c <= 0x97F;
        else if (east) keep = cjk(c);
        else keep = in_utf8_list(c, own);
        if (keep) {
            memcpy(o, p, (size_t)len);
            o += len;
        } else if (!hi && !east && latin_base(c, base)) {
            o += sprintf(o, "%s", base);
        } else {
            *o++ = ' ';
        }
        p += len;
    }
    *o = 0;
    return out;
}

/* Raw IPA with '^' ties, clauses joined by spaces, "(xx)" language flags removed. */
/* IPA of text already made safe for lang's voice, appended to o. */
static int ipa_run(const char *lang, const char *safe, sbuf *o, int *first_clause, lt_err *err) {
    if (ensure_voice(lang, err)) return -1;
    const void *p = safe;
    int first = *first_clause;
    while (p && *(const char *)p) {
        const char *s = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, 0x02 | 0x80 | ('^' << 8));
        if (!s) break;
        /* skip language-switch flags such as (^e^n) */
        size_t start = o->n;
        if (!first && *s) sb_add(o, " ", 1);
        for (const char *q = s; *q;) {
            if (*q == '(') {
                const char *c = strchr(q, ')');
                if (c) {
                    q = c + 1;
                    continue;
                }
            }
            sb_add(o, q, 1);
            q++;
        }
        if (o->n > start) first = 0;
    }
    *first_clause = first;
    return o->oom ? lt_fail(err, "espeak-ng: out of memory") : 0;
}

static int ascii_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* Raw IPA of text in a language's voice. Hindi text's Latin-script runs
 * are read by the (British) English voice here, one run at a time, as
 * espeak-ng itself would, but not through
 * its own language switch (which corrupts its heap over many
 * switches; see espeak_safe). */
static int ipa_locked(const char *lang, const char *text, sbuf *o, lt_err *err) {
    char *safe = espeak_safe(lang, text);
    if (!safe) return lt_fail(err, "out of memory");
    int first = 1, rc = 0;
    if (!strcmp(lang, "hi")) {
        for (char *p = safe; *p && !rc;) {
            int latin = ascii_letter(*p);
            char *e = p;
            while (*e && ascii_letter(*e) == latin) e++;
            char keep = *e;
            *e = 0;
            rc = ipa_run(latin ? "en-gb" : "hi", p, o, &first, err);
            *e = keep;
            p = e;
        }
    } else {
        rc = ipa_run(lang, safe, o, &first, err);
    }
    free(safe);
    return rc;
}

int lt_espeak_ipa(const char *lang_name, const char *text, char *out, size_t cap, lt_err *err) {
    sbuf o = {0};
    pthread_mutex_lock(&g_mu);
    int rc = ipa_locked(lang_name, text, &o, err);
    pthread_mutex_unlock(&g_mu);
    if (!rc) snprintf(out, cap, "%s", o.p ? o.p : "");
    free(o.p);
    return rc;
}

void lt_espeak_shutdown(void) {
    pthread_mutex_lock(&g_mu);
    if (g_inited) espeak_Terminate();
    g_inited = 0;
    g_voice[0] = 0;
    pthread_mutex_unlock(&g_mu);
}

/* ---- string replacement --------------------------------------------------- */

/* Replace every occurrence of old by rep in buf (in place, bounded by cap). */
static void replace_all(char *buf, size_t cap, const char *old, const char *rep) {
    size_t on = strlen(old), rn = strlen(rep);
    if (!on || !strstr(buf, old)) return;
    size_t n = strlen(buf);
    char *tmp = malloc(n * (rn > on ? rn : on) + n + 1);
    if (!tmp) return;
    char *o = tmp;
    for (const char *p = buf; *p;) {
        if (!strncmp(p, old, on)) {
            memcpy(o, rep, rn);
            o += rn;
            p += on;
        } else
            *o++ = *p++;
    }
    *o = 0;
    snprintf(buf, cap, "%s", tmp);
    free(tmp);
}

/* misaki EspeakFallback.E2M, longest first (stable for equal lengths). */
static const char *const E2M_EN[][2] = {
    {"ʔˌn\u0329", "ʔn"}, {"ʔn\u0329", "ʔn"}, {"a^ɪ", "I"}, {"a^ʊ", "W"}, {"d^ʒ", "ʤ"}, {"e^ɪ", "A"},
    {"t^ʃ", "ʧ"},        {"ɔ^ɪ", "Y"},       {"ə^l", "ᵊl"}, {"ʲo", "jo"}, {"ʲə", "jə"},  {"e", "A"},
    {"ʲ", ""},           {"ɚ", "əɹ"},        {"r", "ɹ"},    {"x", "k"},   {"ç", "k"},    {"ɐ", "ə"},
    {"ɬ", "l"},          {"\u0303", ""},
};

void lt_e2m_english(const char *ipa, int british, char *out, size_t cap) {
    snprintf(out, cap, "%s", ipa);
    for (size_t i = 0; i < sizeof E2M_EN / sizeof E2M_EN[0]; i++) replace_all(out, cap, E2M_EN[i][0], E2M_EN[i][1]);
    /* (\S)U+0329 → ᵊ\1 (syllabic consonant), then drop stray U+0329 */
    {
        size_t n = strlen(out);
        char *tmp = malloc(2 * n + 8);
        if (tmp) {
            char *o = tmp;
            for (size_t i = 0; i < n;) {
                size_t l = 1;
                unsigned char c = (unsigned char)out[i];
                if (c >= 0xF0) l = 4;
                else if (c >= 0xE0) l = 3;
                else if (c >= 0xC0) l = 2;
                if (i + l > n) l = n - i;
                if (c != ' ' && i + l + 1 < n + 1 && !strncmp(out + i + l, "\u0329", 2)) {
                    memcpy(o, "ᵊ", strlen("ᵊ"));
                    o += strlen("ᵊ");
                    memcpy(o, out + i, l);
                    o += l;
                    i += l + 2;
                    continue;
                }
                memcpy(o, out + i, l);
                o += l;
                i += l;
            }
            *o = 0;
            snprintf(out, cap, "%s", tmp);
            free(tmp);
        }
        replace_all(out, cap, "\u0329", "");
    }
    if (british) {
        replace_all(out, cap, "e^ə", "ɛː");
        replace_all(out, cap, "iə", "ɪə");
        replace_all(out, cap, "ə^ʊ", "Q");
    } else {
        replace_all(out, cap, "o^ʊ", "O");
        replace_all(out, cap, "ɜːɹ", "ɜɹ");
        replace_all(out, cap, "ɜː", "ɜɹ");
        replace_all(out, cap, "ɪə", "iə");
        replace_all(out, cap, "ː", "");
    }
    replace_all(out, cap, "o", "ɔ");
    replace_all(out, cap, "^", "");
}

/* ---- English refinements -------------------------------------------------- */

/* Rules measured on a held-out sample of misaki's gold lexicon
 * (bench/g2p_per.c); each works on the phonemes (and stress) only, never on a
 * list of words. Stress marks sit just before their vowel, so a vowel is
 * unstressed when no mark precedes it. */
#define MAXCP 512
typedef struct cpv {
    uint32_t c[MAXCP];
    int n;
} cpv;

static void cp_decode(const char *s, cpv *v) {
    v->n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && v->n < MAXCP) {
        uint32_t c;
        int l = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        c = l == 1 ? *p : l == 2 ? (*p & 0x1Fu) : l == 3 ? (*p & 0x0Fu) : (*p & 0x07u);
        for (int i = 1; i < l && p[i]; i++) c = (c << 6) | (p[i] & 0x3Fu);
        for (int i = 0; i < l && *p; i++) p++;
        v->c[v->n++] = c;
    }
}

static void cp_encode(const cpv *v, char *out, size_t cap) {
    size_t o = 0;
    for (int i = 0; i < v->n; i++) {
        uint32_t c = v->c[i];
        char b[4];
        int l;
        if (c < 0x80) b[0] = (char)c, l = 1;
        else if (c < 0x800) b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F)), l = 2;
        else if (c < 0x10000)
            b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F)), b[2] = (char)(0x80 | (c & 0x3F)), l = 3;
        else
            b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F)), b[2] = (char)(0x80 | ((c >> 6) & 0x3F)),
            b[3] = (char)(0x80 | (c & 0x3F)), l = 4;
        if (o + (size_t)l + 1 > cap) break;
        memcpy(out + o, b, (size_t)l);
        o += (size_t)l;
    }
    if (cap) out[o < cap ? o : cap - 1] = 0;
}

static void cp_ins(cpv *v, int i, uint32_t c) {
    if (v->n >= MAXCP) return;
    memmove(v->c + i + 1, v->c + i, (size_t)(v->n - i) * sizeof v->c[0]);
    v->c[i] = c;
    v->n++;
}

static void cp_del(cpv *v, int i) {
    memmove(v->c + i, v->c + i + 1, (size_t)(v->n - i - 1) * sizeof v->c[0]);
    v->n--;
}

#define U_PRI 0x2C8
#define U_SEC 0x2CC
#define U_SCHWA 0x259
#define U_SMALL_I 0x26A /* ɪ */
#define U_BAR_I 0x1D7B  /* ᵻ */
#define U_R 0x279       /* ɹ */
#define U_UPS 0x28A     /* ʊ */
#define U_SUP_SCHWA 0x1D4A /* ᵊ */
#define U_ESH 0x283     /* ʃ */
#define U_EZH 0x292     /* ʒ */
static int is_mark(uint32_t c) { return c == U_PRI || c == U_SEC; }
static int vowel(uint32_t c) {
    switch (c) {
    case 'A': case 'I': case 'O': case 'Q': case 'W': case 'Y': case 'a': case 'i': case 'u': case 0xE6: case 0x251:
    case 0x252: case 0x254: case 0x259: case 0x25B: case 0x25C: case 0x26A: case 0x28A: case 0x28C: case 0x1D7B:
    case 0x1D4A: return 1;
    default: return 0;
    }
}
static int in_set(uint32_t c, const char *set) {
    cpv v;
    cp_decode(set, &v);
    for (int i = 0; i < v.n; i++)
        if (v.c[i] == c) return 1;
    return 0;
}
/* index of the next non-mark code point after i, or -1 */
static int next_cp(const cpv *v, int i) {
    for (int j = i + 1; j < v->n; j++)
        if (!is_mark(v->c[j])) return j;
    return -1;
}
static int is_last(const cpv *v, int i) { return next_cp(v, i) < 0; }

/* ---- context rules ---------------------------------------------------------
 * Rewrites of one phoneme in its neighbourhood, applied after the rules of
 * refine_en below, in table order; each rule sees the word as the previous
 * rule left it and rewrites every match at once. Fields, all UTF-8:
 *   l2, l1  the phonemes two and one before ("" any, "#" word edge,
 *           "V" a vowel, "C" anything else);
 *   h, s    the phoneme and its stress ("" any, "0" unstressed, "ˈ", "ˌ");
 *   r1, r2  the phonemes after, as l2/l1; r1 may carry a stress prefix
 *           ("0ɪ" an unstressed ɪ, "ˌɪ" a secondary-stressed one);
 *   t       the replacement ("" deletes the phoneme with its stress mark).
 * The table (espeak_en_rules.h) was found on misaki's gold lexicon with the
 * hold-outs of bench/g2p_per.c removed: each rule is a sound pattern, not a
 * word, and fixes many more words than it breaks. */
typedef struct ctx_rule {
    const char *l2, *l1, *h, *s, *r1, *r2, *t;
} ctx_rule;
#include "text/espeak_en_rules.h"

typedef struct ptok {
    uint32_t c, st; /* code point; stress mark before it (0 = none) */
} ptok;

/* a compiled pattern field */
enum { P_ANY, P_EDGE, P_VOWEL, P_CONS, P_SYM, P_SYM_ST };
typedef struct pfield {
    int kind;
    uint32_t c, st;
} pfield;
typedef struct crule {
    pfield l2, l1, r1, r2;
    uint32_t h, t; /* t = 0: delete */
    int any_st;
    uint32_t st;
} crule;
#define N_CTX_RULES (sizeof CTX_RULES / sizeof CTX_RULES[0])
static crule g_rules[N_CTX_RULES];
static pthread_once_t g_rules_once = PTHREAD_ONCE_INIT;

static uint32_t first_cp(const char *s, const char **rest) {
    const unsigned char *p = (const unsigned char *)s;
    if (!*p) {
        if (rest) *rest = s;
        return 0;
    }
    int l = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    uint32_t c = l == 1 ? *p : l == 2 ? (*p & 0x1Fu) : l == 3 ? (*p & 0x0Fu) : (*p & 0x07u);
    for (int i = 1; i < l && p[i]; i++) c = (c << 6) | (p[i] & 0x3Fu);
    if (rest) *rest = (const char *)p + l;
    return c;
}

static pfield compile_field(const char *p) {
    pfield f = {P_ANY, 0, 0};
    if (!*p) return f;
    if (!strcmp(p, "#")) f.kind = P_EDGE;
    else if (!strcmp(p, "V")) f.kind = P_VOWEL;
    else if (!strcmp(p, "C")) f.kind = P_CONS;
    else {
        const char *rest;
        uint32_t c0 = first_cp(p, &rest);
        if (c0 == '0' || c0 == U_PRI || c0 == U_SEC) {
            f.kind = P_SYM_ST;
            f.st = c0 == '0' ? 0 : c0;
            f.c = first_cp(rest, NULL);
        } else {
            f.kind = P_SYM;
            f.c = c0;
        }
    }
    return f;
}

static void compile_rules(void) {
    for (size_t r = 0; r < N_CTX_RULES; r++) {
        const ctx_rule *R = &CTX_RULES[r];
        crule *c = &g_rules[r];
        c->l2 = compile_field(R->l2);
        c->l1 = compile_field(R->l1);
        c->r1 = compile_field(R->r1);
        c->r2 = compile_field(R->r2);
        c->h = first_cp(R->h, NULL);
        c->t = first_cp(R->t, NULL);
        c->any_st = !*R->s;
        uint32_t s0 = first_cp(R->s, NULL);
        c->st = s0 == '0' ? 0 : s0;
    }
}

/* does the token at i (out of range = the word edge) fit field f? */
static int tok_fits(const ptok *t, int n, int i, const pfield *f) {
    switch (f->kind) {
    case P_ANY: return 1;
    case P_EDGE: return i < 0 || i >= n;
    default: break;
    }
    if (i < 0 || i >= n) return 0;
    switch (f->kind) {
    case P_VOWEL: return vowel(t[i].c);
    case P_CONS: return !vowel(t[i].c);
    case P_SYM: return t[i].c == f->c;
    default: return t[i].c == f->c && t[i].st == f->st;
    }
}

static void apply_ctx_rules(cpv *v) {
    pthread_once(&g_rules_once, compile_rules);
    ptok t[MAXCP], o[MAXCP];
    int n = 0;
    uint32_t st = 0;
    for (int i = 0; i < v->n; i++) {
        if (is_mark(v->c[i])) st = v->c[i];
        else {
            t[n].c = v->c[i];
            t[n].st = st;
            n++;
            st = 0;
        }
    }
    for (size_t r = 0; r < N_CTX_RULES; r++) {
        const crule *R = &g_rules[r];
        int any = 0;
        for (int i = 0; i < n && !any; i++) any = t[i].c == R->h;
        if (!any) continue;
        int m = 0;
        for (int i = 0; i < n; i++) {
            int hit = t[i].c == R->h && (R->any_st || t[i].st == R->st) && tok_fits(t, n, i - 2, &R->l2) &&
                      tok_fits(t, n, i - 1, &R->l1) && tok_fits(t, n, i + 1, &R->r1) && tok_fits(t, n, i + 2, &R->r2);
            if (!hit) o[m++] = t[i];
            else if (R->t) {
                o[m].c = R->t;
                o[m].st = t[i].st;
                m++;
            }
        }
        memcpy(t, o, (size_t)m * sizeof t[0]);
        n = m;
    }
    v->n = 0;
    for (int i = 0; i < n && v->n + 2 <= MAXCP; i++) {
        if (t[i].st) v->c[v->n++] = t[i].st;
        v->c[v->n++] = t[i].c;
    }
}

static void refine_en(const char *word, int british, char *ps, size_t cap) {
    (void)word;
    cpv v;
    cp_decode(ps, &v);
    /* 1. ɚ before ɹ: misaki's mapping gives əɹɹ; one ɹ. Likewise ʊɹɹ, ɑɹɹ, ɔɹɹ
     *    (espeak-ng's ʊə, ɑː, ɔː before r): within a word misaki never doubles ɹ */
    for (int i = 1; i < v.n; i++) {
        int j = next_cp(&v, i);
        if (v.c[i] == U_R && j > 0 && v.c[j] == U_R) cp_del(&v, i);
    }
    for (int i = 0; i < v.n; i++) {
        int stressed = i > 0 && is_mark(v.c[i - 1]);
        if (stressed) continue;
        int j = next_cp(&v, i);
        uint32_t nx = j >= 0 ? v.c[j] : 0;
        int nx_last = j >= 0 && is_last(&v, j);
        int nx_st = 0; /* final -st (-ist, -est) */
        if (j >= 0 && nx == 's') {
            int k = next_cp(&v, j);
            nx_st = k >= 0 && v.c[k] == 't' && is_last(&v, k);
        }
        /* -ɪvnəs (-iveness) keeps the ɪ of -ive */
        int ness = j >= 0 && j + 4 == v.n && v.c[j + 1] == 'n' && v.c[j + 2] == U_SCHWA && v.c[j + 3] == 's';
        int first_syll = 1; /* no vowel before i */
        for (int k = 0; k < i; k++)
            if (vowel(v.c[k])) first_syll = 0;
        /* the consonant ends the stem when only a plural s/z follows (-ics) */
        int nx_plural = 0;
        if (j >= 0 && !nx_last) {
            int k = next_cp(&v, j);
            nx_plural = (v.c[k] == 's' || v.c[k] == 'z') && is_last(&v, k) && v.c[j] != 's' && v.c[j] != 'z';
        }
        if (v.c[i] == U_BAR_I && !british) {
            /* 2. ᵻ stays only in the -ed/-es/-est endings */
            int keep = (nx == 'd' || nx == 'z') && nx_last;
            if (nx == 's' && j >= 0) {
                int k = next_cp(&v, j);
                keep |= k >= 0 && v.c[k] == 't' && is_last(&v, k);
            }
            if (!keep) v.c[i] = U_SCHWA;
        } else if (v.c[i] == U_SMALL_I) {
            /* 3. unstressed ɪ: before a vowel it is i; inside a word before
             *    these consonants it is reduced to ə; final -ɪt/-ɪn too */
            if (j >= 0 && (vowel(nx) || nx == 'w' || nx == 'h')) v.c[i] = 'i'; /* also -y- before w, h (citywide) */
            else if (j >= 0 && !nx_last && !nx_plural && in_set(nx, "kltɾvdfpɹbɡ") && !(nx == 'v' && ness))
                v.c[i] = U_SCHWA;
            /* after the first syllable also before s m n ʤ θ ʧ; in the first before z ʤ (re-, pre-, dis-) */
            else if (j >= 0 && !nx_last && !nx_plural && !nx_st && in_set(nx, first_syll ? "zʤ" : "smnʤθʧ"))
                v.c[i] = U_SCHWA;
            else if (nx_last && in_set(nx, "tn")) v.c[i] = U_SCHWA;
            /* -iest: the ending's vowel is ᵻ, as misaki's -est */
            else if (!british && nx == 's' && i > 0 && v.c[i - 1] == 'i') {
                int k = next_cp(&v, j);
                if (k >= 0 && v.c[k] == 't' && is_last(&v, k)) v.c[i] = U_BAR_I;
            }
        } else if (v.c[i] == U_UPS && i > 0 && v.c[i - 1] == 'j' && nx != U_R) {
            /* 4. unstressed jʊ (-ular, -ulate) is jə */
            v.c[i] = U_SCHWA;
        } else if (v.c[i] == 'u' && (nx == U_SCHWA || nx == U_SUP_SCHWA) && i > 0 && !vowel(v.c[i - 1])) {
            /* 5. unstressed u before a schwa: -ual, -uous are əw */
            v.c[i] = U_SCHWA;
            v.c[j] = U_SCHWA;
            cp_ins(&v, i + 1, 'w');
        } else if (v.c[i] == 'u' && i > 0 && in_set(v.c[i - 1], "jʧʃʒ") && j >= 0 && vowel(nx) && nx != U_SMALL_I) {
            /* 5b. unstressed ju, ʧu, ʃu before another vowel (-uate, -uation, -uality, -uary) is əw */
            v.c[i] = U_SCHWA;
            cp_ins(&v, i + 1, 'w');
        } else if (v.c[i] == 'u' && i > 0 && j >= 0 && ((v.c[i - 1] == 0x2A4 && (nx == 'l' || nx == 'k')) ||
                                                       (v.c[i - 1] == 'n' && nx == 'l'))) {
            /* 5c. unstressed ʤu before l, k and nu before l (-dulate, -ducation, -nular) are ʤə, nə */
            v.c[i] = U_SCHWA;
        }
    }
    /* 6. syllabic ᵊl before a vowel is əl (-ally, -alling, -alize), except -ically's final kᵊli;
     *    after ɹ or a vowel it is əl too (-ral, -rile, -ial, -ual), and before a final -nəs
     *    (-fulness, -ableness) */
    for (int i = 1; i + 1 < v.n; i++)
        if (v.c[i] == U_SUP_SCHWA && v.c[i + 1] == 'l') {
            int j = next_cp(&v, i + 1);
            int kli = v.c[i - 1] == 'k' && j >= 0 && v.c[j] == 'i' && is_last(&v, j);
            if (j >= 0 && vowel(v.c[j]) && !kli) v.c[i] = U_SCHWA;
            else if (v.c[i - 1] == U_R || v.c[i - 1] == 'i' || v.c[i - 1] == 'u') v.c[i] = U_SCHWA;
            else if (j >= 0 && v.c[j] == 'n' && i + 5 == v.n && v.c[i + 3] == U_SCHWA && v.c[i + 4] == 's')
                v.c[i] = U_SCHWA;
        }
    /* 7. -ʃənəl (-tional) is ʃᵊnəl */
    for (int i = 1; i + 3 < v.n; i++)
        if ((v.c[i - 1] == U_ESH || v.c[i - 1] == U_EZH) && v.c[i] == U_SCHWA && v.c[i + 1] == 'n' &&
            v.c[i + 2] == U_SCHWA && v.c[i + 3] == 'l')
            v.c[i] = U_SUP_SCHWA;
    /* 13. final unstressed -ɪs is -əs (-itis, -ice, -is), but -sɪs (-osis, -asis) keeps ɪ */
    if (v.n >= 3 && v.c[v.n - 1] == 's' && v.c[v.n - 2] == U_SMALL_I && v.c[v.n - 3] != 's' && !is_mark(v.c[v.n - 3]))
        v.c[v.n - 2] = U_SCHWA;
    /* 14. final secondary-stressed -ˌɪn after another syllable (-in, -ine of chemistry) is -ən */
    if (v.n >= 4 && v.c[v.n - 1] == 'n' && v.c[v.n - 2] == U_SMALL_I && v.c[v.n - 3] == U_SEC) {
        int before = 0;
        for (int k = 0; k < v.n - 3; k++) before |= vowel(v.c[k]);
        if (before) {
            cp_del(&v, v.n - 3);
            v.c[v.n - 2] = U_SCHWA;
        }
    }
    /* 15. final -ən after s, t, d is syllabic -ᵊn */
    if (v.n >= 3 && v.c[v.n - 1] == 'n' && v.c[v.n - 2] == U_SCHWA && in_set(v.c[v.n - 3], "std"))
        v.c[v.n - 2] = U_SUP_SCHWA;
    /* 16. unstressed ʌ before m after s, or in a final -ʌm, is ə (-some, -come) */
    for (int i = 1; i + 1 < v.n; i++)
        if (v.c[i] == 0x28C && !is_mark(v.c[i - 1]) && v.c[i + 1] == 'm' && (v.c[i - 1] == 's' || i + 2 == v.n))
            v.c[i] = U_SCHWA;
    /* 17. unstressed ɔ before n is ɑ (-ont-, -on-) */
    for (int i = 0; i + 1 < v.n; i++)
        if (v.c[i] == 0x254 && (i == 0 || !is_mark(v.c[i - 1])) && v.c[i + 1] == 'n') v.c[i] = 0x251;
    /* 18. word-initial ʊl is ʌl (ultra-) */
    {
        int i = is_mark(v.c[0]) ? 1 : 0;
        if (i + 1 < v.n && v.c[i] == U_UPS && v.c[i + 1] == 'l') v.c[i] = 0x28C;
    }
    /* 19. US yod-dropping: j after t d n z θ l before a stressed u or ʊ (neutron, deuce) */
    for (int i = 1; i + 2 < v.n; i++)
        if (v.c[i] == 'j' && in_set(v.c[i - 1], "tdnzθl") && is_mark(v.c[i + 1]) && (v.c[i + 2] == 'u' || v.c[i + 2] == U_UPS))
            cp_del(&v, i);
    /* 20. the prefixes in-, un-, en-, non-, con- keep n before k, ɡ: word-initial ɪŋk ʌŋk nɑŋk kəŋk are ɪnk ... */
    {
        int i = 0, k;
        while (i < v.n && is_mark(v.c[i])) i++;
        if (i < v.n && (v.c[i] == U_SMALL_I || v.c[i] == 0x28C)) k = i + 1;
        else if (i + 2 < v.n && ((v.c[i] == 'n' && v.c[i + 1] == 0x251) || (v.c[i] == 'k' && v.c[i + 1] == U_SCHWA))) k = i + 2;
        else k = -1;
        if (k > 0 && k + 1 < v.n && v.c[k] == 0x14B && (v.c[k + 1] == 'k' || v.c[k + 1] == 0x261)) v.c[k] = 'n';
    }
    /* 8. final -ənt/-əns after s, t, d, z is syllabic: -ᵊnt, -ᵊns (-ent, -ence) */
    for (int i = 1; i + 2 < v.n; i++)
        if (v.c[i] == U_SCHWA && in_set(v.c[i - 1], "stdz") && v.c[i + 1] == 'n' && (v.c[i + 2] == 't' || v.c[i + 2] == 's') &&
            (i + 3 == v.n || (i + 4 == v.n && v.c[i + 3] == 's')))
            v.c[i] = U_SUP_SCHWA;
    /* 10. æ before ɹ: US English merges marry/merry (ˈæɹ → ˈɛɹ); unstressed it is ə */
    for (int i = 0; i + 1 < v.n; i++)
        if (v.c[i] == 0xE6 && v.c[i + 1] == U_R) v.c[i] = i > 0 && is_mark(v.c[i - 1]) ? 0x25B : U_SCHWA;
    /* 11. word-initial unstressed ɛ (ex-, en-, em-, ep-, ef-): ɪ before k ɡ n ŋ, ə before m p f */
    if (v.n > 1 && v.c[0] == 0x25B) {
        if (in_set(v.c[1], "kɡnŋ")) v.c[0] = U_SMALL_I;
        else if (in_set(v.c[1], "mpf")) v.c[0] = U_SCHWA;
    }
    /* 12. -ily: unstressed i before a final li is ə */
    if (v.n >= 4 && v.c[v.n - 1] == 'i' && v.c[v.n - 2] == 'l' && v.c[v.n - 3] == 'i' && !is_mark(v.c[v.n - 4]))
        v.c[v.n - 3] = U_SCHWA;
    /* 9. -ically: espeak-ng's final əkli is əkᵊli */
    if (v.n >= 4 && v.c[v.n - 1] == 'i' && v.c[v.n - 2] == 'l' && v.c[v.n - 3] == 'k' && v.c[v.n - 4] == U_SCHWA)
        cp_ins(&v, v.n - 2, U_SUP_SCHWA);
    apply_ctx_rules(&v);
    cp_encode(&v, ps, cap);
}

int lt_espeak_en_word(const char *word, int british, int raw, char *out, size_t cap, lt_err *err) {
    sbuf o = {0};
    pthread_mutex_lock(&g_mu);
    int rc = ipa_locked(british ? "en-gb" : "en-us", word, &o, err);
    pthread_mutex_unlock(&g_mu);
    if (rc) {
        free(o.p);
        return -1;
    }
    char ipa[1024];
    snprintf(ipa, sizeof ipa, "%s", o.p ? o.p : "");
    free(o.p);
    lt_e2m_english(ipa, british, out, cap);
    replace_all(out, cap, "ʔ", "t");
    if (!raw && !british) refine_en(word, british, out, cap); /* measured: the rules help US only */
    return 0;
}

/* ---- other languages ------------------------------------------------------ */

/* misaki EspeakG2P e2m (Kokoro v1.0: no nasal-vowel letters). */
static const char *const E2M_OTHER[][2] = {
    {"a^ɪ", "I"}, {"a^ʊ", "W"}, {"d^z", "ʣ"}, {"d^ʒ", "ʤ"}, {"e^ɪ", "A"}, {"o^ʊ", "O"},
    {"ə^ʊ", "Q"}, {"s^s", "S"}, {"t^s", "ʦ"}, {"t^ʃ", "ʧ"}, {"ɔ^ɪ", "Y"},
};

/* Japanese/Mandarin clean-up: affricates to Kokoro's letters, tone letters to
 * arrows, diacritics outside the vocabulary removed. */
static const char *const CJK_MAP[][2] = {
    {"t^ɕ", "ʨ"}, {"d^ʑ", "ʥ"}, {"t^s", "ʦ"}, {"ä", "a"},   {"˥˩", "↘"}, {"˧˥", "↗"}, {"˨˩˦", "↓"},
    {"˨˩", "↓"},  {"˥˥", "→"},  {"˥", "→"},   {"˧", ""},    {"˨", ""},   {"˩", ""},   {"\u031E", ""},
    {"\u031D", ""}, {"\u0325", ""}, {"\u0308", ""}, {"\u032A", ""}, {"\u0339", ""}, {"\u031C", ""}, {".", ""},
};

static void map_other(char lang, char *s, size_t cap) {
    if (lang == 'j' || lang == 'z')
        for (size_t i = 0; i < sizeof CJK_MAP / sizeof CJK_MAP[0]; i++) replace_all(s, cap, CJK_MAP[i][0], CJK_MAP[i][1]);
    for (size_t i = 0; i < sizeof E2M_OTHER / sizeof E2M_OTHER[0]; i++) replace_all(s, cap, E2M_OTHER[i][0], E2M_OTHER[i][1]);
    replace_all(s, cap, "^", "");
    replace_all(s, cap, "-", "");
    if (lang == 'z') /* tone numbers from pinyin-like readings */
        for (char d = '0'; d <= '9'; d++) {
            char k[2] = {d, 0};
            replace_all(s, cap, k, "");
        }
}

/* Punctuation kept in place (with the mapping Kokoro's pipeline applies). */
static const char *punct_at(const char *p, size_t *len) {
    static const char *const P[][2] = {
        {"«", "“"}, {"»", "”"}, {"“", "“"}, {"”", "”"}, {"…", "…"}, {"—", "—"}, {"–", "—"}, {"¡", ""},
        {"¿", ""},  {"。", "."}, {"、", ","}, {"，", ","}, {"！", "!"}, {"？", "?"}, {"：", ":"}, {"；", ";"},
        {"（", "("}, {"）", ")"}, {"「", "“"}, {"」", "”"},
    };
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
        size_t n = strlen(P[i][0]);
        if (!strncmp(p, P[i][0], n)) {
            *len = n;
            return P[i][1];
        }
    }
    if (strchr(";:,.!?\"()", *p) && *p) {
        static char one[2];
        one[0] = *p;
        one[1] = 0;
        *len = 1;
        return one;
    }
    return NULL;
}

int lt_espeak_phonemize_text(char lang, const char *text, char **out, lt_err *err) {
    const char *name = lt_lang_espeak_name(lang);
    if (!name) return lt_fail(err, "phonemize: unknown language code '%c' (use one of a b e f h i j p z)", lang ? lang : '?');
    sbuf res = {0};
    sb_add(&res, "", 0);
    sbuf chunk = {0};
    const char *p = text;
    int rc = 0;
    while (!rc) {
        size_t plen = 0;
        const char *pm = *p ? punct_at(p, &plen) : NULL;
        /* 3,5 / 1.000 / 10:30: a separator between digits is part of the number, which espeak-ng reads */
        if (pm && (*p == ',' || *p == '.' || *p == ':') && p > text && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' &&
            p[1] <= '9')
            pm = NULL;
        if (*p && !pm) {
            sb_add(&chunk, p, 1);
            p++;
            continue;
        }
        /* flush the text before the punctuation mark (or the end) */
        if (chunk.n) {
            int blank = 1;
            for (size_t i = 0; i < chunk.n; i++)
                if (chunk.p[i] != ' ' && chunk.p[i] != '\t' && chunk.p[i] != '\n' && chunk.p[i] != '\r') blank = 0;
            if (!blank) {
                sbuf ipa = {0};
                pthread_mutex_lock(&g_mu);
                rc = ipa_locked(name, chunk.p, &ipa, err);
                pthread_mutex_unlock(&g_mu);
                if (!rc && ipa.p) {
                    size_t cap = ipa.n * 3 + 64;
                    char *m = malloc(cap);
                    if (!m) rc = lt_fail(err, "phonemize: out of memory");
                    else {
                        snprintf(m, cap, "%s", ipa.p);
                        map_other(lang, m, cap);
                        if (chunk.p[0] == ' ' && res.n && res.p[res.n - 1] != ' ' && res.p[res.n - 1] != '(' &&
                            strcmp(res.p + res.n - (res.n >= 3 ? 3 : res.n), "“"))
                            sb_add(&res, " ", 1);
                        sb_str(&res, m);
                        free(m);
                    }
                }
                free(ipa.p);
            } else if (res.n && res.p[res.n - 1] != ' ')
                sb_add(&res, " ", 1);
            chunk.n = 0;
            chunk.p[0] = 0;
        }
        if (!*p) break;
        sb_str(&res, pm);
        p += plen;
    }
    free(chunk.p);
    if (rc) {
        free(res.p);
        return -1;
    }
    if (res.oom) {
        free(res.p);
        return lt_fail(err, "phonemize: out of memory");
    }
    /* trim */
    while (res.n && res.p[res.n - 1] == ' ') res.p[--res.n] = 0;
    size_t lead = 0;
    while (res.p[lead] == ' ') lead++;
    memmove(res.p, res.p + lead, res.n - lead + 1);
    *out = res.p;
    return 0;
}
