/* normalize_numwords.c — English number words: cardinals (US "one hundred
 * five", UK "one hundred and five"), ordinals, years ("nineteen eighty-four",
 * "two thousand five", "twenty ten", "nineteen oh five"), decimals ("one point
 * two five"), fractions ("three quarters") and digit strings. Writes to an
 * lt_nbuf; the caller commits the span. */
#include <string.h>

#include "text/normalize_internal.h"

static const char *const ones[20] = {"zero",    "one",     "two",       "three",    "four",
                                     "five",    "six",     "seven",     "eight",    "nine",
                                     "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                     "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const tens[10] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
static const char *const scales[] = {"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"};

/* 1..99 */
static void say_2(lt_nbuf *b, unsigned v) {
    if (v < 20) {
        lt_nb_word(b, ones[v]);
        return;
    }
    lt_nb_word(b, tens[v / 10]);
    if (v % 10) {
        lt_nb_put(b, "-", 1, 0, 0, 0);
        lt_nb_put(b, ones[v % 10], strlen(ones[v % 10]), 0, 0, 0);
    }
}

/* 1..999; and_before: UK "and" before the tens when there are hundreds */
static void say_3(lt_nbuf *b, unsigned v, int uk) {
    if (v >= 100) {
        lt_nb_word(b, ones[v / 100]);
        lt_nb_word(b, "hundred");
        if (v % 100 && uk) lt_nb_word(b, "and");
    }
    if (v % 100) say_2(b, v % 100);
}

void lt_say_cardinal(lt_nbuf *b, uint64_t v, int uk) {
    if (v == 0) {
        lt_nb_word(b, "zero");
        return;
    }
    unsigned groups[7];
    int ng = 0;
    for (uint64_t x = v; x; x /= 1000) groups[ng++] = (unsigned)(x % 1000);
    for (int g = ng - 1; g >= 0; g--) {
        if (!groups[g]) continue;
        /* UK: "one thousand and five" (a last group under 100 after larger ones) */
        if (uk && g == 0 && groups[0] < 100 && ng > 1) lt_nb_word(b, "and");
        say_3(b, groups[g], uk);
        if (g) lt_nb_word(b, scales[g]);
    }
}

/* the last word of the buffer (after the last space or hyphen) */
static size_t last_word_start(const lt_nbuf *b) {
    size_t k = b->len;
    while (k > 0 && b->s[k - 1] != ' ' && b->s[k - 1] != '-') k--;
    return k;
}

void lt_say_ordinal(lt_nbuf *b, uint64_t v, int uk) {
    lt_say_cardinal(b, v, uk);
    if (b->oom) return;
    size_t k = last_word_start(b);
    const char *w = b->s + k;
    static const char *const irregular[][2] = {{"one", "first"},   {"two", "second"}, {"three", "third"},
                                               {"five", "fifth"},  {"eight", "eighth"}, {"nine", "ninth"},
                                               {"twelve", "twelfth"}};
    for (size_t r = 0; r < sizeof irregular / sizeof irregular[0]; r++)
        if (!strcmp(w, irregular[r][0])) {
            lt_nb_truncate(b, k);
            lt_nb_put(b, irregular[r][1], strlen(irregular[r][1]), 0, 0, 0);
            return;
        }
    size_t n = b->len - k;
    if (n && w[n - 1] == 'y') {
        lt_nb_truncate(b, b->len - 1);
        lt_nb_put(b, "ieth", 4, 0, 0, 0);
    } else {
        lt_nb_put(b, "th", 2, 0, 0, 0);
    }
}

void lt_plural_last(lt_nbuf *b) {
    if (b->oom || !b->len) return;
    if (b->s[b->len - 1] == 'y') {
        lt_nb_truncate(b, b->len - 1);
        lt_nb_put(b, "ies", 3, 0, 0, 0);
    } else if (b->s[b->len - 1] == 'x') {
        lt_nb_put(b, "es", 2, 0, 0, 0); /* "sixes" */
    } else {
        lt_nb_put(b, "s", 1, 0, 0, 0);
    }
}

void lt_say_year(lt_nbuf *b, uint64_t v, int uk) {
    if (v < 1000 || v > 9999 || v % 1000 == 0 || (v >= 2000 && v < 2010)) {
        lt_say_cardinal(b, v, uk);
        return;
    }
    unsigned hi = (unsigned)(v / 100), lo = (unsigned)(v % 100);
    say_2(b, hi);
    if (lo == 0) {
        lt_nb_word(b, "hundred");
    } else if (lo < 10) {
        lt_nb_word(b, "oh");
        say_2(b, lo);
    } else {
        say_2(b, lo);
    }
}

void lt_say_digits(lt_nbuf *b, const char *d, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (lt_isdigit(d[k])) lt_nb_word(b, ones[d[k] - '0']);
}

int lt_parse_u64(const char *d, size_t n, uint64_t *v) {
    if (n == 0 || n > LT_NW_MAX_DIGITS) return 0;
    uint64_t x = 0;
    for (size_t k = 0; k < n; k++) {
        if (!lt_isdigit(d[k])) return 0;
        x = x * 10 + (uint64_t)(d[k] - '0');
    }
    *v = x;
    return 1;
}

void lt_say_digit_string(lt_nbuf *b, const char *d, size_t n, int uk) {
    uint64_t v;
    if ((n == 1 || d[0] != '0') && lt_parse_u64(d, n, &v))
        lt_say_cardinal(b, v, uk);
    else
        lt_say_digits(b, d, n);
}

void lt_say_decimal(lt_nbuf *b, const char *ip, size_t ipn, const char *fp, size_t fpn, int uk) {
    if (ipn) lt_say_digit_string(b, ip, ipn, uk);
    lt_nb_word(b, "point");
    lt_say_digits(b, fp, fpn);
}

void lt_say_fraction(lt_nbuf *b, uint64_t num, uint64_t den, int uk) {
    lt_say_cardinal(b, num, uk);
    if (den == 2) {
        lt_nb_word(b, num == 1 ? "half" : "halves");
    } else if (den == 4) {
        lt_nb_word(b, num == 1 ? "quarter" : "quarters");
    } else {
        lt_say_ordinal(b, den, uk);
        if (num != 1) lt_plural_last(b);
    }
}
