/* normalize_roman.c — Roman numerals where they are clearly numbers: after a
 * counting word ("Chapter IV" -> "Chapter four", "World War II" -> "World War
 * two", "Super Bowl LVIII", "Part I") they are cardinals; after a
 * capitalised name ("Henry VIII" -> "Henry the eighth", "Louis XIV") a
 * numeral of two or more letters from I, V, X is a regnal ordinal. A lone
 * "I", "Malcolm X" and words like "MIX" or "CV" stay as written. */
#include <string.h>

#include "text/normalize_internal.h"

static int roman_value(char ch) {
    switch (ch) {
    case 'I': return 1;
    case 'V': return 5;
    case 'X': return 10;
    case 'L': return 50;
    case 'C': return 100;
    case 'D': return 500;
    case 'M': return 1000;
    default: return 0;
    }
}

/* value of a canonical numeral (re-encoding gives the same string), else 0 */
static int roman_parse(const char *s, size_t n) {
    if (n == 0 || n > 15) return 0;
    int v = 0;
    for (size_t k = 0; k < n; k++) {
        int a = roman_value(s[k]);
        if (!a) return 0;
        int b = k + 1 < n ? roman_value(s[k + 1]) : 0;
        v += a < b ? -a : a;
    }
    if (v <= 0 || v >= 4000) return 0;
    static const struct {
        int v;
        const char *s;
    } sym[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"},
               {40, "XL"},  {10, "X"},   {9, "IX"},  {5, "V"},    {4, "IV"},  {1, "I"}};
    char buf[20];
    size_t len = 0;
    int x = v;
    for (size_t k = 0; k < sizeof sym / sizeof sym[0]; k++)
        while (x >= sym[k].v && len + 2 < sizeof buf) {
            size_t l = strlen(sym[k].s);
            memcpy(buf + len, sym[k].s, l);
            len += l;
            x -= sym[k].v;
        }
    return len == n && !memcmp(buf, s, n) ? v : 0;
}

static const char *const counters[] = {
    "chapter", "part",   "volume",  "vol",    "book",    "act",    "scene",   "section", "article", "phase",
    "stage",   "level",  "round",   "season", "episode", "war",    "appendix", "psalm",  "canto",   "unit",
    "tier",    "series", "class",   "grade",  "type",    "title",  "bowl",    "schedule", "movement", "annex",
    "version", "mark",   "mk",      "model",  "issue",   "number", "no",      "step",    "track",   "disc",
    "generation", "gen", "division", "league", "category", "vatican", "olympiad", "symphony", "op", NULL};

size_t lt_rule_roman(lt_nctx *c, size_t i) {
    if (!lt_word_start(c, i) || !roman_value(c->s[i])) return i;
    size_t a = lt_alpha_run(c, i);
    if (!lt_boundary(c, i + a) || lt_at(c, i + a) == '\'' || (lt_at(c, i + a) == '.' && lt_isalpha(lt_at(c, i + a + 1))))
        return i;
    int v = roman_parse(c->s + i, a);
    if (!v) return i;
    char w[32];
    size_t wn = lt_prev_word(c, i, w, sizeof w);
    if (!wn) return i;
    int counter = 0;
    for (size_t k = 0; counters[k]; k++)
        if (lt_streq_ci(w, wn, counters[k])) counter = 1;
    size_t mark = c->out->len;
    if (counter) {
        lt_say_cardinal(c->out, (uint64_t)v, c->uk);
        return lt_nc_done(c, mark, i, i + a);
    }
    int ivx = 1;
    for (size_t k = 0; k < a; k++)
        if (!strchr("IVX", c->s[i + k])) ivx = 0;
    if (ivx && a >= 2 && v <= 39 && wn >= 2 && lt_isupper(w[0]) && lt_islower(w[1])) {
        lt_nb_word(c->out, "the");
        lt_say_ordinal(c->out, (uint64_t)v, c->uk);
        return lt_nc_done(c, mark, i, i + a);
    }
    return i;
}
