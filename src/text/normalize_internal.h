/* normalize_internal.h — what the normaliser's rule files share: the output
 * buffer that remembers, for every byte it holds, the input bytes it came from
 * (normalize_buf.c), the scanning context, the English number speller
 * (normalize_numwords.c) and one entry point per rule group.
 *
 * A rule is called at a position i of the cleaned text; it either returns i
 * (no match, nothing written) or the end of what it consumed, having written
 * its words to the output and committed them to the input span it read. */
#ifndef LT_TEXT_NORMALIZE_INTERNAL_H
#define LT_TEXT_NORMALIZE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "text/normalize.h"

/* ---- output buffer with per-byte input spans (normalize_buf.c) ---------- */
typedef struct lt_nbuf {
    char *s;
    size_t len, cap;
    size_t *ib, *ie;     /* input span of each output byte */
    unsigned char *keep; /* 1: copied verbatim, 0: written by a rule */
    int oom;
} lt_nbuf;

void lt_nb_init(lt_nbuf *b);
void lt_nb_free(lt_nbuf *b);
/* Append n bytes that all come from input [ib, ie). */
void lt_nb_put(lt_nbuf *b, const char *t, size_t n, size_t ib, size_t ie, int keep);
/* Append words written by a rule; their span is set by lt_nb_commit. A space
 * is put first when the output so far ends in a letter or digit. */
void lt_nb_word(lt_nbuf *b, const char *w);
void lt_nb_words(lt_nbuf *b, const char *w, size_t n);
/* Give every byte from mark to the end the input span [ib, ie), rule-written. */
void lt_nb_commit(lt_nbuf *b, size_t mark, size_t ib, size_t ie);
void lt_nb_truncate(lt_nbuf *b, size_t len);
char lt_nb_last(const lt_nbuf *b);

/* ---- scanning context --------------------------------------------------- */
typedef struct lt_nctx {
    const char *s; /* cleaned text (after the markup pass) */
    size_t n;
    const size_t *ib, *ie;       /* origin of each cleaned byte in the input */
    const unsigned char *keep;   /* cleaned byte unchanged from the input */
    unsigned groups;
    char lang;
    int uk;      /* 'b' */
    int english; /* 'a' or 'b' */
    lt_nbuf *out;
} lt_nctx;

/* misaki's inline pronunciation at s[i]: "[word](/phonemes/)" or "[word](stress)"
 * with stress 1, -2, +0.5 ... on one line. Returns the index after its ')',
 * or 0 when none starts at i. Such spans pass the normaliser verbatim. */
size_t lt_custom_pron_end(const char *s, size_t n, size_t i);

/* Commit the output written since mark to the cleaned range [i, j). Returns j. */
size_t lt_nc_done(lt_nctx *c, size_t mark, size_t i, size_t j);

/* character classes on the cleaned text (ASCII; bytes >= 0x80 count as letters) */
static inline int lt_isdigit(int ch) { return ch >= '0' && ch <= '9'; }
static inline int lt_isupper(int ch) { return ch >= 'A' && ch <= 'Z'; }
static inline int lt_islower(int ch) { return ch >= 'a' && ch <= 'z'; }
static inline int lt_isalpha(int ch) { return lt_isupper(ch) || lt_islower(ch); }
static inline int lt_isalnum(int ch) { return lt_isalpha(ch) || lt_isdigit(ch); }
static inline int lt_iswordch(int ch) { return lt_isalnum(ch) || (unsigned char)ch >= 0x80; }
static inline int lt_tolower(int ch) { return lt_isupper(ch) ? ch + 32 : ch; }

/* byte at i, or 0 outside the text */
static inline char lt_at(const lt_nctx *c, size_t i) { return i < c->n ? c->s[i] : 0; }
/* i is at the start of a word: the previous byte is no letter or digit */
static inline int lt_word_start(const lt_nctx *c, size_t i) { return i == 0 || !lt_iswordch(c->s[i - 1]); }
/* no letter or digit at i (end of a token) */
static inline int lt_boundary(const lt_nctx *c, size_t i) { return i >= c->n || !lt_iswordch(c->s[i]); }
/* length of the run of ASCII letters at i */
size_t lt_alpha_run(const lt_nctx *c, size_t i);
size_t lt_digit_run(const lt_nctx *c, size_t i);
/* case-insensitive: does the text at i start with the ASCII word w? */
int lt_match_ci(const lt_nctx *c, size_t i, const char *w);
/* The word just before i (after skipping spaces): copies its ASCII letters
 * into buf (at most cap-1), returns its length, 0 when there is none. */
size_t lt_prev_word(const lt_nctx *c, size_t i, char *buf, size_t cap);
/* the next word after j, skipping one run of spaces; returns its start or c->n */
size_t lt_next_word(const lt_nctx *c, size_t j);
int lt_streq_ci(const char *a, size_t alen, const char *b);

/* ---- number speller (normalize_numwords.c) ------------------------------ */
#define LT_NW_MAX_DIGITS 18 /* cardinals up to 999 quadrillion...; longer: digit by digit */
void lt_say_cardinal(lt_nbuf *b, uint64_t v, int uk);
void lt_say_ordinal(lt_nbuf *b, uint64_t v, int uk);
void lt_say_year(lt_nbuf *b, uint64_t v, int uk);
/* digits one by one ("zero" for 0) */
void lt_say_digits(lt_nbuf *b, const char *d, size_t n);
/* a digit string (no separators): cardinal when it fits and has no leading
 * zero, else digit by digit */
void lt_say_digit_string(lt_nbuf *b, const char *d, size_t n, int uk);
/* "one point two five" */
void lt_say_decimal(lt_nbuf *b, const char *ip, size_t ipn, const char *fp, size_t fpn, int uk);
/* "three quarters", "one half", "five eighths" */
void lt_say_fraction(lt_nbuf *b, uint64_t num, uint64_t den, int uk);
/* turn the last word of the output into its plural ("nineties", "hundreds") */
void lt_plural_last(lt_nbuf *b);
/* parse up to 18 digits; returns 0 if there are more or none */
int lt_parse_u64(const char *d, size_t n, uint64_t *v);

/* A parsed number token at i: [-]digits[,ddd]*[.digits] */
typedef struct lt_num {
    size_t start, end;   /* bytes consumed */
    int neg;
    char ip[64];         /* integer digits without separators (may be truncated: ipn counts all) */
    size_t ipn;
    const char *fp;      /* fraction digits in the text */
    size_t fpn;
    int has_sep;         /* thousands separators were used */
    int has_point;
} lt_num;
/* Parse a number at i (sign allowed when allow_sign). Returns 1 on success. */
int lt_parse_num(const lt_nctx *c, size_t i, int allow_sign, lt_num *num);
/* speak a parsed number (cardinal or decimal, with "minus") */
void lt_say_num(lt_nctx *c, const lt_num *num);
/* the number is exactly 1 or -1 (singular units) */
int lt_num_is_one(const lt_num *num);

/* ---- rule groups -------------------------------------------------------- */
size_t lt_rule_web(lt_nctx *c, size_t i);
size_t lt_rule_money(lt_nctx *c, size_t i);
size_t lt_rule_money_local(lt_nctx *c, size_t i); /* e f i p h: normalize_money_local.c */
size_t lt_rule_units_local(lt_nctx *c, size_t i);  /* e f i p h: normalize_units_local.c */
size_t lt_rule_dates_local(lt_nctx *c, size_t i);  /* e f i p h: normalize_dates_local.c */
size_t lt_rule_ordinals_local(lt_nctx *c, size_t i); /* e f i p: normalize_ordinals_local.c */

/* A number as written in the languages above (normalize_money_local.c): a run of digits, groups of
 * three after '.', ',', an apostrophe or a space (when the first run has at most three digits), then
 * optionally '.' or ',' and exactly two digits (minor). Anything else with a separator ("2,5",
 * "1,2345") is a decimal, to be read as written. Returns 0 when no number starts at i or it runs into
 * more digits. */
typedef struct lt_local_amount {
    size_t start, end;
    char whole[40]; /* integer digits, separators dropped */
    size_t wn;
    int minor;      /* the two digits after the last separator, or -1 */
    int decimal;    /* 1: neither whole nor whole + two digits; the text [start, end) is read as it is */
} lt_local_amount;
int lt_parse_local_amount(const lt_nctx *c, size_t i, lt_local_amount *a);
size_t lt_rule_dates_times(lt_nctx *c, size_t i);
size_t lt_rule_numbers(lt_nctx *c, size_t i);
size_t lt_rule_abbreviations(lt_nctx *c, size_t i);
size_t lt_rule_roman(lt_nctx *c, size_t i);
size_t lt_rule_acronyms(lt_nctx *c, size_t i);
size_t lt_rule_symbols(lt_nctx *c, size_t i);
/* Unit after a number ending at j (optional single space first). Returns the
 * end of the unit and fills its words (singular or plural), or returns j. */
size_t lt_unit_after(const lt_nctx *c, size_t j, int singular, const char **words, int *is_temp);
/* write unit words (metre/litre in UK) */
void lt_say_unit(lt_nctx *c, const char *words);
/* month name at i (full or 3-4 letter abbreviation with optional '.');
 * returns its end and the month 1..12, or i */
size_t lt_month_at(const lt_nctx *c, size_t i, int *month);
extern const char *const lt_month_names[13];

/* The markup pass (normalize_markup.c): Markdown, emoji, smart quotes,
 * dashes, ellipses, control characters and odd spaces, from the input to
 * out (spans relative to the input). */
void lt_norm_markup(const char *s, size_t n, unsigned groups, lt_nbuf *out);
/* Final pass: collapse spaces, trim lines, no space before closing punctuation. */
void lt_norm_tidy(const lt_nbuf *in, lt_nbuf *out);

#endif
