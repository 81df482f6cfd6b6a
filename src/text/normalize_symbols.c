/* normalize_symbols.c — symbols read as words: & -> "and", + -> "plus", = ->
 * "equals", % -> "percent", # -> "number" (C# -> "C sharp"), @ -> "at", ° ->
 * "degrees", ± -> "plus or minus", × -> "times", ÷ -> "divided by", ≈, ≠,
 * ≤, ≥, ~ before a number -> "about", "5 - 3" -> "five minus three", and
 * "•" bullets dropped. Other Kokoro languages get "&" in their own language
 * (y, et, e, और, と; Mandarin keeps it) and leave the rest to espeak-ng. */
#include <string.h>

#include "text/normalize_internal.h"

static const struct {
    const char *sym, *words;
} english[] = {
    {"&", "and"},
    {"=", "equals"},
    {"%", "percent"},
    {"\xC2\xB1", "plus or minus"},
    {"\xC3\x97", "times"},
    {"\xC3\xB7", "divided by"},
    {"\xE2\x89\x88", "approximately"},
    {"\xE2\x89\xA0", "is not equal to"},
    {"\xE2\x89\xA4", "is less than or equal to"},
    {"\xE2\x89\xA5", "is greater than or equal to"},
    {"\xC2\xB0", "degrees"},
    {"\xC2\xA7", "section"},
    {"\xE2\x86\x92", "to"},
    {"\xE2\x80\xA2", ""},
};

static const struct {
    char lang;
    const char *and_word;
} ands[] = {{'e', "y"}, {'f', "et"}, {'i', "e"}, {'p', "e"}, {'h', "\xE0\xA4\x94\xE0\xA4\xB0"} /* और */,
             {'j', "\xE3\x81\xA8"} /* と */};

size_t lt_rule_symbols(lt_nctx *c, size_t i) {
    char ch = c->s[i];
    size_t mark = c->out->len;
    if (!c->english) {
        if (ch != '&') return i;
        for (size_t k = 0; k < sizeof ands / sizeof ands[0]; k++)
            if (ands[k].lang == c->lang) {
                lt_nb_put(c->out, " ", 1, 0, 0, 0);
                lt_nb_word(c->out, ands[k].and_word);
                lt_nb_put(c->out, " ", 1, 0, 0, 0);
                return lt_nc_done(c, mark, i, i + 1);
            }
        return i;
    }
    int prev_space = i == 0 || c->s[i - 1] == ' ' || c->s[i - 1] == '\n';
    int next_space = i + 1 >= c->n || c->s[i + 1] == ' ' || c->s[i + 1] == '\n';
    const char *w = NULL;
    size_t len = 1;
    if (ch == '%' && i > 0 && lt_isdigit(c->s[i - 1])) {
        return i; /* "50%" belongs to the numbers group */
    } else if (ch == '+') {
        w = "plus";
    } else if (ch == '#') {
        if (i > 0 && (c->s[i - 1] == 'C' || c->s[i - 1] == 'F') && lt_boundary(c, i + 1) &&
            (i == 1 || !lt_iswordch(c->s[i - 2])))
            w = "sharp";
        else if (lt_isdigit(lt_at(c, i + 1)))
            w = "number";
    } else if (ch == '@') {
        if (prev_space && next_space) w = "at";
    } else if (ch == '~' && (lt_isdigit(lt_at(c, i + 1)) || lt_at(c, i + 1) == '$')) {
        w = "about";
    } else if (ch == '-' && prev_space && next_space && i >= 2 && lt_isdigit(c->s[i - 2]) &&
               lt_isdigit(lt_at(c, i + 2))) {
        w = "minus";
    } else if (ch == '*' && ((prev_space && next_space && i >= 2 && lt_isdigit(c->s[i - 2]) &&
                              lt_isdigit(lt_at(c, i + 2))) ||
                             (i >= 1 && lt_isdigit(c->s[i - 1]) && lt_isdigit(lt_at(c, i + 1))))) {
        w = "times";
    } else {
        for (size_t k = 0; k < sizeof english / sizeof english[0]; k++) {
            size_t n = strlen(english[k].sym);
            if (i + n <= c->n && !memcmp(c->s + i, english[k].sym, n)) {
                w = english[k].words;
                len = n;
                break;
            }
        }
    }
    if (!w) return i;
    lt_nb_put(c->out, " ", 1, 0, 0, 0);
    lt_nb_word(c->out, w);
    lt_nb_put(c->out, " ", 1, 0, 0, 0);
    return lt_nc_done(c, mark, i, i + len);
}
