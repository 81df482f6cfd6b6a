/* normalize_ordinals_local.c — written ordinals in Spanish, Italian, Brazilian
 * Portuguese ("1º", "2ª", "3.º"; Spanish also "1er", "3er", "2do", "1ra",
 * "4to" …) and French ("1er", "1re", "2e", "2ème", "2nd") become words, in
 * the gender the indicator gives:
 *   e  "2ª edición" -> "segunda edición"       i  "3º posto" -> "terzo posto"
 *   p  "1º lugar" -> "primeiro lugar"           f  "2e étage" -> "deuxième étage"
 * Spanish masculine 1 and 3 drop their -o before the word they qualify:
 * "1º puesto" -> "primer puesto", "3º gran premio" -> "tercer gran premio",
 * but "el 1º de mayo" -> "primero de mayo" and "el 3º." -> "tercero": the
 * short form when a word follows that is not a preposition or conjunction
 * (a rule on the next word, not a list of nouns). Only 1 to 10 (French: 1 to 20) have words here; larger
 * ordinals keep their digits and lose the indicator, which espeak-ng would
 * otherwise spell (it reads "2e" as "deux e"). */
#include <string.h>

#include "text/normalize_internal.h"

static const char *const es_m[] = {"primero", "segundo", "tercero", "cuarto", "quinto",
                                   "sexto", "séptimo", "octavo", "noveno", "décimo"};
static const char *const es_f[] = {"primera", "segunda", "tercera", "cuarta", "quinta",
                                   "sexta", "séptima", "octava", "novena", "décima"};
static const char *const it_m[] = {"primo", "secondo", "terzo", "quarto", "quinto",
                                   "sesto", "settimo", "ottavo", "nono", "decimo"};
static const char *const it_f[] = {"prima", "seconda", "terza", "quarta", "quinta",
                                   "sesta", "settima", "ottava", "nona", "decima"};
static const char *const pt_m[] = {"primeiro", "segundo", "terceiro", "quarto", "quinto",
                                   "sexto", "sétimo", "oitavo", "nono", "décimo"};
static const char *const pt_f[] = {"primeira", "segunda", "terceira", "quarta", "quinta",
                                   "sexta", "sétima", "oitava", "nona", "décima"};
static const char *const fr[] = {"premier",   "deuxième",   "troisième", "quatrième",  "cinquième",
                                 "sixième",   "septième",   "huitième",  "neuvième",   "dixième",
                                 "onzième",   "douzième",   "treizième", "quatorzième", "quinzième",
                                 "seizième",  "dix-septième", "dix-huitième", "dix-neuvième", "vingtième"};

#define MASC "\xC2\xBA" /* º */
#define FEM "\xC2\xAA"  /* ª */

/* French suffixes after the digits: 1 / 2 = feminine first, masculine first, any other */
static const struct { const char *sfx; int first; } fr_sfx[] = {
    {"\xC3\xA8re", 1}, {"re", 1}, {"er", 2}, {"\xC3\xA8me", 0}, {"eme", 0}, {"nde", 0}, {"nd", 0}, {"e", 0},
};

/* Words after which Spanish keeps "primero" / "tercero": the ordinal stands alone. */
static const char *const es_full_before[] = {"de", "del", "y", "e", "o", "u", "ni", "en", "a", "al", "que",
                                             "con", "por", "para", "entre", "sobre", "sin", "hasta", "desde",
                                             "es", "fue", "era", "son", "como", "pero", "si", NULL};

/* Does a word follow e (one run of spaces between) that the ordinal qualifies? */
static int es_qualifies_next(const lt_nctx *c, size_t e) {
    if (e >= c->n || c->s[e] != ' ') return 0;
    size_t w = lt_next_word(c, e), end = w;
    while (end < c->n && lt_iswordch(c->s[end])) end++;
    if (end == w || lt_isdigit(c->s[w])) return 0;
    for (int k = 0; es_full_before[k]; k++)
        if (lt_streq_ci(c->s + w, end - w, es_full_before[k])) return 0;
    return 1;
}

size_t lt_rule_ordinals_local(lt_nctx *c, size_t i) {
    if (!c->lang || !strchr("eifp", c->lang) || !lt_word_start(c, i)) return i;
    size_t n = lt_digit_run(c, i);
    if (n == 0 || n > 2) return i;
    int v = c->s[i] - '0';
    if (n == 2) v = v * 10 + (c->s[i + 1] - '0');
    size_t k = i + n, e;
    const char *word = NULL;
    if (c->lang == 'f') {
        size_t u = 0, m = 0;
        for (; u < sizeof fr_sfx / sizeof fr_sfx[0]; u++) {
            m = strlen(fr_sfx[u].sfx);
            if (k + m <= c->n && !memcmp(c->s + k, fr_sfx[u].sfx, m) && lt_boundary(c, k + m)) break;
        }
        if (u == sizeof fr_sfx / sizeof fr_sfx[0]) return i;
        if (fr_sfx[u].first != 0 && v != 1) return i; /* "2er" is not French */
        if (fr_sfx[u].first == 0 && v == 1) return i; /* "1e" neither */
        if ((!strcmp(fr_sfx[u].sfx, "nd") || !strcmp(fr_sfx[u].sfx, "nde")) && v != 2) return i;
        if (v < 1 || v > 20) return i;
        word = fr_sfx[u].first == 1 ? "première" : fr[v - 1];
        e = k + m;
    } else if (c->lang == 'e' && v >= 1 && v <= 10 && lt_isalpha(lt_at(c, k))) {
        /* Spanish letters: "1er" / "3er" (primer, tercer); "1ro", "2da", "4to", "7mo", "8vo", "9na" …:
         * the consonant before the word's last vowel, then o or a for the gender */
        const char *m = es_m[v - 1];
        size_t ml = strlen(m);
        if ((v == 1 || v == 3) && lt_at(c, k) == 'e' && lt_at(c, k + 1) == 'r' && lt_boundary(c, k + 2)) {
            word = v == 1 ? "primer" : "tercer";
        } else if (lt_at(c, k) == m[ml - 2] && (lt_at(c, k + 1) == 'o' || lt_at(c, k + 1) == 'a') &&
                   lt_boundary(c, k + 2)) {
            word = lt_at(c, k + 1) == 'a' ? es_f[v - 1] : m;
            if (lt_at(c, k + 1) == 'o' && (v == 1 || v == 3) && es_qualifies_next(c, k + 2))
                word = v == 1 ? "primer" : "tercer";
        } else {
            return i;
        }
        e = k + 2;
    } else {
        if (lt_at(c, k) == '.') k++; /* "3.º" */
        int fem;
        if (k + 2 <= c->n && !memcmp(c->s + k, MASC, 2)) fem = 0;
        else if (k + 2 <= c->n && !memcmp(c->s + k, FEM, 2)) fem = 1;
        else return i;
        e = k + 2;
        if (!lt_boundary(c, e)) return i;
        if (v >= 1 && v <= 10) {
            const char *const *t = c->lang == 'e' ? (fem ? es_f : es_m) : c->lang == 'i' ? (fem ? it_f : it_m)
                                                                                         : (fem ? pt_f : pt_m);
            word = t[v - 1];
            if (c->lang == 'e' && !fem && (v == 1 || v == 3) && es_qualifies_next(c, e))
                word = v == 1 ? "primer" : "tercer";
        }
    }
    size_t mark = c->out->len;
    if (word) lt_nb_word(c->out, word);
    else lt_nb_words(c->out, c->s + i, n); /* the number itself; the indicator is dropped */
    return lt_nc_done(c, mark, i, e);
}
