/* normalize_money.c — amounts of money: "$5.50" -> "five dollars and fifty
 * cents", "$0.99" -> "ninety-nine cents", "£1" -> "one pound", "£2.05" ->
 * "two pounds and five pence", "€1.2bn" / "$5M" / "$3 million" -> "one point
 * two billion euros" / "five million dollars" / "three million dollars",
 * "-$5" -> "minus five dollars", "¥500" -> "five hundred yen". Prefixed
 * dollars (US$, A$, C$, NZ$, HK$, S$) read as dollars. */
#include <string.h>

#include "text/normalize_internal.h"

typedef struct currency {
    const char *sym, *one, *many, *minor_one, *minor_many;
} currency;

static const currency currencies[] = {
    {"$", "dollar", "dollars", "cent", "cents"},
    {"US$", "dollar", "dollars", "cent", "cents"},
    {"A$", "dollar", "dollars", "cent", "cents"},
    {"AU$", "dollar", "dollars", "cent", "cents"},
    {"C$", "dollar", "dollars", "cent", "cents"},
    {"CA$", "dollar", "dollars", "cent", "cents"},
    {"NZ$", "dollar", "dollars", "cent", "cents"},
    {"HK$", "dollar", "dollars", "cent", "cents"},
    {"S$", "dollar", "dollars", "cent", "cents"},
    {"\xC2\xA3", "pound", "pounds", "penny", "pence"},
    {"\xE2\x82\xAC", "euro", "euros", "cent", "cents"},
    {"\xC2\xA5", "yen", "yen", NULL, NULL},
    {"\xE2\x82\xB9", "rupee", "rupees", "paisa", "paise"},
};

static const struct {
    const char *sfx, *word;
} magnitudes[] = {
    {"k", "thousand"}, {"K", "thousand"},   {"m", "million"},  {"M", "million"},  {"mn", "million"},
    {"mm", "million"}, {"b", "billion"},    {"B", "billion"},  {"bn", "billion"}, {"t", "trillion"},
    {"T", "trillion"}, {"tn", "trillion"},  {"tr", "trillion"},
};
static const char *const magnitude_words[] = {"thousand", "million", "billion", "trillion", NULL};

size_t lt_rule_money(lt_nctx *c, size_t i) {
    size_t k = i;
    int neg = 0;
    if (!lt_word_start(c, i)) return i;
    if (c->s[k] == '-' && (i == 0 || !lt_iswordch(c->s[i - 1]))) {
        neg = 1;
        k++;
    }
    const currency *cur = NULL;
    for (size_t u = 0; u < sizeof currencies / sizeof currencies[0]; u++) {
        size_t n = strlen(currencies[u].sym);
        if (k + n <= c->n && !memcmp(c->s + k, currencies[u].sym, n)) {
            cur = &currencies[u];
            k += n;
            break;
        }
    }
    if (!cur || !lt_isdigit(lt_at(c, k))) return i;
    lt_num num;
    if (!lt_parse_num(c, k, 0, &num)) return i;
    size_t e = num.end;
    /* magnitude: $5M, $1.2bn, $3 million */
    const char *mag = NULL;
    for (size_t m = 0; m < sizeof magnitudes / sizeof magnitudes[0]; m++) {
        size_t n = strlen(magnitudes[m].sfx);
        if (e + n <= c->n && !memcmp(c->s + e, magnitudes[m].sfx, n) && lt_boundary(c, e + n)) {
            mag = magnitudes[m].word;
            e += n;
            break;
        }
    }
    if (!mag && lt_at(c, e) == ' ') {
        size_t a = lt_alpha_run(c, e + 1);
        for (size_t m = 0; magnitude_words[m]; m++)
            if (a && lt_streq_ci(c->s + e + 1, a, magnitude_words[m])) {
                mag = magnitude_words[m];
                e += 1 + a;
                break;
            }
    }
    size_t mark = c->out->len;
    if (neg) lt_nb_word(c->out, "minus");
    if (mag) {
        lt_say_num(c, &num);
        lt_nb_word(c->out, mag);
        lt_nb_word(c->out, cur->many);
        return lt_nc_done(c, mark, i, e);
    }
    uint64_t whole = 0, minor = 0;
    int exact = num.ipn < sizeof num.ip && (num.ipn == 0 || lt_parse_u64(num.ip, num.ipn, &whole));
    if (!exact || (num.has_point && (num.fpn != 2 || !cur->minor_one))) {
        lt_say_num(c, &num);
        lt_nb_word(c->out, cur->many);
        return lt_nc_done(c, mark, i, e);
    }
    if (num.has_point) lt_parse_u64(num.fp, 2, &minor);
    if (whole || !minor) {
        lt_say_cardinal(c->out, whole, c->uk);
        lt_nb_word(c->out, whole == 1 ? cur->one : cur->many);
    }
    if (minor) {
        if (whole) lt_nb_word(c->out, "and");
        lt_say_cardinal(c->out, minor, c->uk);
        lt_nb_word(c->out, minor == 1 ? cur->minor_one : cur->minor_many);
    }
    return lt_nc_done(c, mark, i, e);
}
