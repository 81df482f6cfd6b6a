/* normalize.h — the text normaliser: turns text as a user types or pastes it
 * into the words a listener expects to hear, before G2P. "$100" becomes "one
 * hundred dollars", "Dr. Smith" becomes "Doctor Smith", Markdown and emoji go.
 *
 * The rules live in one file per group (normalize_numbers.c, _money.c,
 * _money_local.c, _dates.c, _dates_local.c, _units.c, _units_local.c,
 * _ordinals_local.c, _web.c, _words.c, _symbols.c, _markup.c); this header is
 * the public face: options, the plain call and the call with an offset map.
 *
 * Languages: 'a' (US English) and 'b' (UK English: "and" in numbers, day-first
 * dates, metre/litre) get every group. The other Kokoro codes (e, f, h, i, p,
 * j, z) get Markdown/emoji stripping, quotes and whitespace clean-up and "&"
 * in their language; e f i p h also get amounts of money and units (the
 * currency or unit written as a word of the language after the number) and
 * numeric dates (the month by name), and e f i p written ordinals ("2ª",
 * "2e"). Their digits are left as digits, because espeak-ng reads numbers
 * natively in each of those languages (with the right decimal and thousands
 * conventions), which beats a half-done speller here. */
#ifndef LT_TEXT_NORMALIZE_H
#define LT_TEXT_NORMALIZE_H

#include <stddef.h>

#include "core/error.h"

/* Rule groups; each can be turned off. */
enum {
    LT_NORM_NUMBERS = 1u << 0,        /* cardinals, decimals, ordinals, fractions, %, ranges, years */
    LT_NORM_MONEY = 1u << 1,          /* $ £ € ¥ ₹ amounts, cents/pence, $5M, -$5 */
    LT_NORM_DATES_TIMES = 1u << 2,    /* 2024-01-05, Jan 5th 2024, 12/25/2024, 3:30 pm, 15:45 */
    LT_NORM_UNITS = 1u << 3,          /* 5 km, 20°C, 3 GB, 60 mph (plural agreement) */
    LT_NORM_WEB = 1u << 4,            /* URLs, e-mail, domains, file names, @handles, #tags, phones */
    LT_NORM_ABBREVIATIONS = 1u << 5,  /* Dr., St., Mr., etc., e.g., vs., no. 5, U.S. */
    LT_NORM_ACRONYMS = 1u << 6,       /* FBI -> F B I (NASA stays a word) */
    LT_NORM_SYMBOLS = 1u << 7,        /* & + = # @ ° ± × ÷, ellipses, dashes, smart quotes */
    LT_NORM_MARKDOWN_EMOJI = 1u << 8, /* Markdown markup and emoji removed */
    LT_NORM_ROMAN = 1u << 9,          /* Chapter IV, Henry VIII, World War II */
    LT_NORM_ALL = (1u << 10) - 1
};

typedef struct lt_normalize_options {
    char lang;       /* Kokoro language code: a, b, e, f, h, i, p, j, z */
    unsigned groups; /* LT_NORM_* bits that are on */
} lt_normalize_options;

/* US English, every group on. */
void lt_normalize_options_default(lt_normalize_options *opt);

/* Parse a comma-separated group list into opt->groups (opt->lang untouched).
 * Names: numbers, money, dates_times (also: dates, times), units,
 * web (also: urls), abbreviations (abbrev), acronyms, symbols,
 * markdown_emoji (also: markdown, emoji), roman_numerals (roman), all, none.
 * "-name" (or "no-name") turns a group off, "name" or "+name" on, left to
 * right. The starting set is every group, unless the first item is a plain
 * name other than "all": then only the listed groups are on.
 *   "numbers,money"  -> only those two;  "-web,-acronyms" -> all but those;
 *   "none,symbols"   -> only symbols;    ""               -> all.
 * Returns 0, or -1 naming the unknown item. */
int lt_normalize_options_parse(const char *list, lt_normalize_options *opt, lt_err *err);

/* 0 when lang is a Kokoro language code (a b e f h i p j z), else -1 with a message. */
int lt_normalize_check_lang(char lang, lt_err *err);

/* Normalise NUL-terminated UTF-8 text; *out is malloc'd UTF-8 (free it).
 * opt may be NULL (defaults). Invalid UTF-8 or an unknown language is an
 * error (-1, err names the byte offset); empty text gives "". */
int lt_normalize(const char *text, const lt_normalize_options *opt, char **out, lt_err *err);

/* One stretch of output and the input bytes it came from. Spans cover the
 * whole output in order: changed == 0 for text copied as is (same length in
 * both), 1 for text a rule wrote (e.g. out "one hundred dollars" <- in "$100").
 * Input that was dropped (emoji, Markdown markers) has no span. */
typedef struct lt_norm_span {
    size_t out_start, out_end;
    size_t in_start, in_end;
    int changed;
} lt_norm_span;

typedef struct lt_norm_result {
    char *text; /* NUL-terminated output */
    size_t len;
    lt_norm_span *spans;
    size_t n_spans;
} lt_norm_result;

/* lt_normalize plus the offset map. res is zeroed first; free with
 * lt_norm_result_free (also safe after an error). */
int lt_normalize_map(const char *text, const lt_normalize_options *opt, lt_norm_result *res, lt_err *err);

/* Same on a byte range that need not be NUL-terminated (a NUL byte is a control
 * character and reads as a space). */
int lt_normalize_map_n(const char *text, size_t len, const lt_normalize_options *opt, lt_norm_result *res,
                       lt_err *err);

void lt_norm_result_free(lt_norm_result *res);

/* The input byte range an output byte range [out_start, out_end) came from
 * (the union of the spans it touches). Returns 0, or -1 when the range is
 * empty or outside the output. */
int lt_norm_result_source(const lt_norm_result *res, size_t out_start, size_t out_end, size_t *in_start,
                          size_t *in_end);

#endif
