/* normalize.c — the normaliser's driver: options and their parser, UTF-8
 * validation, the three passes (markup clean-up, the rule scan, tidy) and the
 * offset map built from the per-byte spans. The rule scan tries each enabled
 * group at each position in a fixed order (web, money, dates/times, numbers,
 * abbreviations, Roman numerals, acronyms, symbols); where none matches, a
 * whole word or one character is copied as is, so rules only start at word
 * starts and every rule looks a bounded distance ahead: linear time. */
#include <stdlib.h>
#include <string.h>

#include "text/normalize_internal.h"

/* ---- options ------------------------------------------------------------ */

void lt_normalize_options_default(lt_normalize_options *opt) {
    opt->lang = 'a';
    opt->groups = LT_NORM_ALL;
}

static const struct {
    const char *name;
    unsigned bits;
} group_names[] = {
    {"numbers", LT_NORM_NUMBERS},
    {"money", LT_NORM_MONEY},
    {"dates_times", LT_NORM_DATES_TIMES},
    {"dates", LT_NORM_DATES_TIMES},
    {"times", LT_NORM_DATES_TIMES},
    {"units", LT_NORM_UNITS},
    {"web", LT_NORM_WEB},
    {"urls", LT_NORM_WEB},
    {"abbreviations", LT_NORM_ABBREVIATIONS},
    {"abbrev", LT_NORM_ABBREVIATIONS},
    {"acronyms", LT_NORM_ACRONYMS},
    {"symbols", LT_NORM_SYMBOLS},
    {"markdown_emoji", LT_NORM_MARKDOWN_EMOJI},
    {"markdown", LT_NORM_MARKDOWN_EMOJI},
    {"emoji", LT_NORM_MARKDOWN_EMOJI},
    {"roman_numerals", LT_NORM_ROMAN},
    {"roman", LT_NORM_ROMAN},
    {"all", LT_NORM_ALL},
    {"none", 0},
};

int lt_normalize_options_parse(const char *list, lt_normalize_options *opt, lt_err *err) {
    if (!list) list = "";
    unsigned groups = LT_NORM_ALL;
    int first = 1;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',') e++;
        size_t n = (size_t)(e - p);
        while (n && p[n - 1] == ' ') n--;
        int off = 0, explicit_on = 0;
        if (*p == '-' || *p == '!') {
            off = 1;
            p++;
            n--;
        } else if (*p == '+') {
            explicit_on = 1;
            p++;
            n--;
        } else if (n > 3 && !strncmp(p, "no-", 3)) {
            off = 1;
            p += 3;
            n -= 3;
        }
        unsigned bits = 0;
        int found = 0, is_none = 0;
        for (size_t k = 0; k < sizeof group_names / sizeof group_names[0]; k++)
            if (strlen(group_names[k].name) == n && !strncmp(group_names[k].name, p, n)) {
                bits = group_names[k].bits;
                found = 1;
                is_none = !strcmp(group_names[k].name, "none");
                break;
            }
        if (!found)
            return lt_fail(err,
                           "normalization options: unknown group '%.*s' (known: numbers, money, dates_times, "
                           "units, web, abbreviations, acronyms, symbols, markdown_emoji, roman_numerals, all, "
                           "none; prefix '-' to turn one off)",
                           (int)(n > 64 ? 64 : n), p);
        if (is_none) {
            groups = off ? LT_NORM_ALL : 0;
        } else if (off) {
            groups &= ~bits;
        } else {
            if (first && !explicit_on && bits != LT_NORM_ALL) groups = 0;
            groups |= bits;
        }
        first = 0;
        p = e;
    }
    opt->groups = groups;
    return 0;
}

int lt_normalize_check_lang(char lang, lt_err *err) {
    if (lang && strchr("abefhipjz", lang)) return 0;
    return lt_fail(err, "normalize: language '%c' is not a Kokoro language code (a, b, e, f, h, i, p, j, z)",
                   lang >= 32 && lang < 127 ? lang : '?');
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* offset of the first invalid sequence, or n */
static size_t utf8_invalid_at(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (n - i < len) return i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return n;
}

/* ---- scanning helpers ---------------------------------------------------- */

size_t lt_nc_done(lt_nctx *c, size_t mark, size_t i, size_t j) {
    lt_nb_commit(c->out, mark, c->ib[i], c->ie[j - 1]);
    return j;
}

size_t lt_alpha_run(const lt_nctx *c, size_t i) {
    size_t k = i;
    while (k < c->n && lt_isalpha(c->s[k])) k++;
    return k - i;
}

size_t lt_digit_run(const lt_nctx *c, size_t i) {
    size_t k = i;
    while (k < c->n && lt_isdigit(c->s[k])) k++;
    return k - i;
}

int lt_match_ci(const lt_nctx *c, size_t i, const char *w) {
    for (size_t k = 0; w[k]; k++)
        if (i + k >= c->n || lt_tolower(c->s[i + k]) != lt_tolower(w[k])) return 0;
    return 1;
}

int lt_streq_ci(const char *a, size_t alen, const char *b) {
    size_t k = 0;
    for (; k < alen; k++)
        if (!b[k] || lt_tolower(a[k]) != lt_tolower(b[k])) return 0;
    return b[k] == 0;
}

size_t lt_prev_word(const lt_nctx *c, size_t i, char *buf, size_t cap) {
    size_t k = i;
    while (k > 0 && c->s[k - 1] == ' ') k--;
    size_t e = k;
    while (k > 0 && lt_isalpha(c->s[k - 1]) && e - k < 64) k--;
    if (k > 0 && lt_iswordch(c->s[k - 1])) return 0; /* digits or a longer word */
    size_t n = e - k;
    if (n >= cap) return 0;
    memcpy(buf, c->s + k, n);
    buf[n] = 0;
    return n;
}

size_t lt_next_word(const lt_nctx *c, size_t j) {
    while (j < c->n && c->s[j] == ' ') j++;
    return j;
}

/* ---- the rule scan -------------------------------------------------------- */

static size_t try_rules(lt_nctx *c, size_t i) {
    size_t j;
    unsigned g = c->groups;
    if (c->english) {
        if ((g & LT_NORM_WEB) && (j = lt_rule_web(c, i)) > i) return j;
        if ((g & LT_NORM_MONEY) && (j = lt_rule_money(c, i)) > i) return j;
        if ((g & LT_NORM_DATES_TIMES) && (j = lt_rule_dates_times(c, i)) > i) return j;
        if ((g & (LT_NORM_NUMBERS | LT_NORM_UNITS)) && (j = lt_rule_numbers(c, i)) > i) return j;
        if ((g & LT_NORM_ABBREVIATIONS) && (j = lt_rule_abbreviations(c, i)) > i) return j;
        if ((g & LT_NORM_ROMAN) && (j = lt_rule_roman(c, i)) > i) return j;
        if ((g & LT_NORM_ACRONYMS) && (j = lt_rule_acronyms(c, i)) > i) return j;
    } else {
        if ((g & LT_NORM_DATES_TIMES) && (j = lt_rule_dates_local(c, i)) > i) return j;
        if ((g & LT_NORM_NUMBERS) && (j = lt_rule_ordinals_local(c, i)) > i) return j;
        if ((g & LT_NORM_MONEY) && (j = lt_rule_money_local(c, i)) > i) return j;
        if ((g & LT_NORM_UNITS) && (j = lt_rule_units_local(c, i)) > i) return j;
    }
    if ((g & LT_NORM_SYMBOLS) && (j = lt_rule_symbols(c, i)) > i) return j;
    return i;
}

static size_t utf8_len(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    return 4;
}

static void scan(lt_nctx *c) {
    size_t i = 0;
    while (i < c->n && !c->out->oom) {
        size_t pron = lt_custom_pron_end(c->s, c->n, i);
        if (pron) { /* inline pronunciations reach the G2P as written */
            for (size_t m = i; m < pron; m++) lt_nb_put(c->out, c->s + m, 1, c->ib[m], c->ie[m], c->keep[m]);
            i = pron;
            continue;
        }
        size_t j = try_rules(c, i);
        if (j > i) {
            /* keep words apart: "5km" -> "five kilometers", "$5and" */
            if (j < c->n && lt_iswordch(c->s[j]) && lt_iswordch(lt_nb_last(c->out)))
                lt_nb_put(c->out, " ", 1, c->ib[j - 1], c->ie[j - 1], 0);
            i = j;
            continue;
        }
        /* copy a run of letters (rules start only at word starts), else one character */
        size_t k = i;
        if (lt_isalpha(c->s[i]) || (unsigned char)c->s[i] >= 0x80) {
            while (k < c->n && (lt_isalpha(c->s[k]) || (unsigned char)c->s[k] >= 0x80))
                k += utf8_len((unsigned char)c->s[k]);
            if (k > c->n) k = c->n;
        } else {
            k = i + 1;
        }
        for (size_t m = i; m < k; m++) lt_nb_put(c->out, c->s + m, 1, c->ib[m], c->ie[m], c->keep[m]);
        i = k;
    }
}

/* ---- offset map ------------------------------------------------------------ */

static int build_spans(const lt_nbuf *b, lt_norm_result *res) {
    size_t cap = 16, n = 0;
    lt_norm_span *sp = malloc(cap * sizeof *sp);
    if (!sp) return -1;
    for (size_t k = 0; k < b->len; k++) {
        int extend = 0;
        if (n) {
            lt_norm_span *l = &sp[n - 1];
            if (!l->changed && b->keep[k] && b->ib[k] == l->in_end && b->ie[k] == b->ib[k] + 1)
                extend = 1;
            else if (l->changed && !b->keep[k] && b->ib[k] == b->ib[k - 1] && b->ie[k] == b->ie[k - 1])
                extend = 1;
        }
        if (extend) {
            sp[n - 1].out_end = k + 1;
            if (!sp[n - 1].changed) sp[n - 1].in_end = b->ie[k];
            continue;
        }
        if (n == cap) {
            cap *= 2;
            lt_norm_span *t = realloc(sp, cap * sizeof *sp);
            if (!t) {
                free(sp);
                return -1;
            }
            sp = t;
        }
        int verbatim = b->keep[k] && b->ie[k] == b->ib[k] + 1;
        sp[n++] = (lt_norm_span){k, k + 1, b->ib[k], b->ie[k], !verbatim};
    }
    res->spans = sp;
    res->n_spans = n;
    return 0;
}

void lt_norm_result_free(lt_norm_result *res) {
    if (!res) return;
    free(res->text);
    free(res->spans);
    memset(res, 0, sizeof *res);
}

int lt_norm_result_source(const lt_norm_result *res, size_t out_start, size_t out_end, size_t *in_start,
                          size_t *in_end) {
    if (!res || out_start >= out_end || out_end > res->len) return -1;
    /* binary search for the first span ending after out_start */
    size_t lo = 0, hi = res->n_spans;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (res->spans[mid].out_end <= out_start)
            lo = mid + 1;
        else
            hi = mid;
    }
    int found = 0;
    size_t a = 0, z = 0;
    for (size_t k = lo; k < res->n_spans && res->spans[k].out_start < out_end; k++) {
        const lt_norm_span *s = &res->spans[k];
        size_t ia = s->in_start, iz = s->in_end;
        if (!s->changed) { /* verbatim: byte for byte */
            size_t os = out_start > s->out_start ? out_start : s->out_start;
            size_t oe = out_end < s->out_end ? out_end : s->out_end;
            ia = s->in_start + (os - s->out_start);
            iz = s->in_start + (oe - s->out_start);
        }
        if (!found || ia < a) a = ia;
        if (!found || iz > z) z = iz;
        found = 1;
    }
    if (!found) return -1;
    *in_start = a;
    *in_end = z;
    return 0;
}

/* ---- entry points ------------------------------------------------------------ */

int lt_normalize_map_n(const char *text, size_t len, const lt_normalize_options *opt, lt_norm_result *res,
                       lt_err *err) {
    if (!res) return lt_fail(err, "normalize: no result to fill");
    memset(res, 0, sizeof *res);
    lt_normalize_options def;
    if (!opt) {
        lt_normalize_options_default(&def);
        opt = &def;
    }
    if (lt_normalize_check_lang(opt->lang, err)) return -1;
    if (!text && len) return lt_fail(err, "normalize: text is NULL");
    size_t bad = utf8_invalid_at((const unsigned char *)text, len);
    if (bad < len)
        return lt_fail(err, "normalize: text is not valid UTF-8 (byte %zu, value 0x%02x)", bad,
                       (unsigned)(unsigned char)text[bad]);

    lt_nbuf clean, scanned, tidy;
    lt_nb_init(&clean);
    lt_nb_init(&scanned);
    lt_nb_init(&tidy);
    lt_norm_markup(text ? text : "", len, opt->groups, &clean);

    lt_nctx c = {.s = clean.s ? clean.s : "",
                 .n = clean.len,
                 .ib = clean.ib,
                 .ie = clean.ie,
                 .keep = clean.keep,
                 .groups = opt->groups,
                 .lang = opt->lang,
                 .uk = opt->lang == 'b',
                 .english = opt->lang == 'a' || opt->lang == 'b',
                 .out = &scanned};
    if (!clean.oom) scan(&c);
    if (!clean.oom && !scanned.oom) lt_norm_tidy(&scanned, &tidy);
    int oom = clean.oom || scanned.oom || tidy.oom;
    lt_nb_free(&clean);
    lt_nb_free(&scanned);
    if (oom) {
        lt_nb_free(&tidy);
        return lt_fail(err, "normalize: out of memory normalising %zu bytes of text", len);
    }
    res->text = tidy.s ? tidy.s : calloc(1, 1);
    res->len = tidy.len;
    tidy.s = NULL;
    if (!res->text || build_spans(&tidy, res)) {
        lt_nb_free(&tidy);
        lt_norm_result_free(res);
        return lt_fail(err, "normalize: out of memory building the offset map");
    }
    lt_nb_free(&tidy);
    return 0;
}

int lt_normalize_map(const char *text, const lt_normalize_options *opt, lt_norm_result *res, lt_err *err) {
    return lt_normalize_map_n(text, text ? strlen(text) : 0, opt, res, err);
}

int lt_normalize(const char *text, const lt_normalize_options *opt, char **out, lt_err *err) {
    if (!out) return lt_fail(err, "normalize: no output pointer");
    *out = NULL;
    lt_norm_result r;
    if (lt_normalize_map(text, opt, &r, err)) return -1;
    *out = r.text;
    r.text = NULL;
    lt_norm_result_free(&r);
    return 0;
}
