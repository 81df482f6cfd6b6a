/* normalize_abbrev.c — abbreviations, read from their context: "Dr. Smith" ->
 * "Doctor Smith" but "Elm Dr." -> "Elm Drive"; "St. Mary" -> "Saint Mary"
 * but "Main St." -> "Main Street"; titles (Mr., Mrs., Ms., Prof., Gen.,
 * ...; "Mr Smith" without the dot too), "etc." -> "et cetera", "e.g." ->
 * "for example", "i.e." -> "that is", "vs." -> "versus", "no. 5" -> "number
 * five" (only before a number: "No." alone stays), "Fig. 3", "p. 12",
 * dotted initials ("U.S." -> "U S", "J.R.R." -> "J R R"), month and weekday
 * abbreviations with a dot. A full stop that also ends the sentence (at the
 * end of the text or line, or before a capital after "etc.", "Inc.", ...)
 * is kept. */
#include <string.h>

#include "text/normalize_internal.h"

enum {
    A_PLAIN,    /* always, with its dot */
    A_TITLE,    /* also without a dot before a capitalised name */
    A_NUMBERED, /* only before a number */
    A_END,      /* may end a sentence */
    A_DR,       /* Doctor / Drive */
    A_ST,       /* Saint / Street */
};

typedef struct abbrev {
    const char *abbr, *words;
    int kind, ci;
} abbrev;

static const abbrev table[] = {
    {"Mr", "Mister", A_TITLE, 0},       {"Mrs", "Missus", A_TITLE, 0},        {"Ms", "Miz", A_TITLE, 0},
    {"Mx", "Mix", A_TITLE, 0},          {"Dr", "Doctor", A_DR, 0},            {"St", "Saint", A_ST, 0},
    {"Prof", "Professor", A_TITLE, 0},  {"Gen", "General", A_PLAIN, 0},       {"Capt", "Captain", A_PLAIN, 0},
    {"Lt", "Lieutenant", A_PLAIN, 0},   {"Col", "Colonel", A_PLAIN, 0},       {"Sgt", "Sergeant", A_PLAIN, 0},
    {"Cpl", "Corporal", A_PLAIN, 0},    {"Adm", "Admiral", A_PLAIN, 0},       {"Rev", "Reverend", A_PLAIN, 0},
    {"Hon", "Honorable", A_PLAIN, 0},   {"Gov", "Governor", A_PLAIN, 0},      {"Sen", "Senator", A_PLAIN, 0},
    {"Rep", "Representative", A_PLAIN, 0}, {"Pres", "President", A_PLAIN, 0}, {"Fr", "Father", A_PLAIN, 0},
    {"Mt", "Mount", A_PLAIN, 0},        {"Ft", "Fort", A_PLAIN, 0},           {"Jr", "Junior", A_END, 0},
    {"Sr", "Senior", A_END, 0},         {"Ave", "Avenue", A_END, 0},          {"Blvd", "Boulevard", A_END, 0},
    {"Rd", "Road", A_END, 0},           {"Ln", "Lane", A_END, 0},             {"Hwy", "Highway", A_END, 0},
    {"Apt", "Apartment", A_PLAIN, 0},   {"Dept", "Department", A_PLAIN, 1},   {"Univ", "University", A_PLAIN, 0},
    {"Inc", "Incorporated", A_END, 0},  {"Ltd", "Limited", A_END, 0},         {"Corp", "Corporation", A_END, 0},
    {"Co", "Company", A_END, 0},        {"Bros", "Brothers", A_END, 0},       {"etc", "et cetera", A_END, 1},
    {"vs", "versus", A_PLAIN, 1},       {"approx", "approximately", A_PLAIN, 1}, {"cf", "compare", A_PLAIN, 1},
    {"No", "number", A_NUMBERED, 1},    {"Nos", "numbers", A_NUMBERED, 1},    {"Fig", "figure", A_NUMBERED, 1},
    {"Figs", "figures", A_NUMBERED, 1}, {"Vol", "volume", A_NUMBERED, 1},     {"Ch", "chapter", A_NUMBERED, 1},
    {"p", "page", A_NUMBERED, 0},       {"pp", "pages", A_NUMBERED, 0},       {"Eq", "equation", A_NUMBERED, 1},
    {"Sec", "section", A_NUMBERED, 1},  {"ca", "circa", A_NUMBERED, 0},       {"c", "circa", A_NUMBERED, 0},
    {"Jan", "January", A_END, 0},       {"Feb", "February", A_END, 0},        {"Mar", "March", A_END, 0},
    {"Apr", "April", A_END, 0},         {"Jun", "June", A_END, 0},            {"Jul", "July", A_END, 0},
    {"Aug", "August", A_END, 0},        {"Sep", "September", A_END, 0},       {"Sept", "September", A_END, 0},
    {"Oct", "October", A_END, 0},       {"Nov", "November", A_END, 0},        {"Dec", "December", A_END, 0},
    {"Mon", "Monday", A_END, 0},        {"Tue", "Tuesday", A_END, 0},         {"Tues", "Tuesday", A_END, 0},
    {"Wed", "Wednesday", A_END, 0},     {"Thu", "Thursday", A_END, 0},        {"Thurs", "Thursday", A_END, 0},
    {"Fri", "Friday", A_END, 0},        {"Sat", "Saturday", A_END, 0},        {"Sun", "Sunday", A_END, 0},
};

/* a capitalised word (not all capitals of one letter) at i */
static int capitalised_at(const lt_nctx *c, size_t i) { return i < c->n && lt_isupper(c->s[i]); }

static int prev_capitalised(const lt_nctx *c, size_t i) {
    char w[64];
    size_t n = lt_prev_word(c, i, w, sizeof w);
    return n >= 2 && lt_isupper(w[0]) && lt_islower(w[1]);
}

/* after an abbreviation ending at e (just past its dot): does the sentence end here? */
static int sentence_ends(const lt_nctx *c, size_t e, int before_capital) {
    size_t k = e;
    while (k < c->n && c->s[k] == ' ') k++;
    if (k >= c->n || c->s[k] == '\n') return 1;
    return before_capital && k > e && lt_isupper(c->s[k]);
}

/* dotted initials: U.S., U.S.A., J.R.R., e.g., i.e., a.m., Ph.D. */
static size_t initials(lt_nctx *c, size_t i) {
    static const struct {
        const char *form, *words;
    } special[] = {{"e.g.", "for example"}, {"i.e.", "that is"}, {"a.m.", "a m"},  {"p.m.", "p m"},
                   {"A.M.", "a m"},        {"P.M.", "p m"},     {"Ph.D.", "P H D"}, {"et al.", "et al"},
                   {"E.g.", "for example"}, {"I.e.", "that is"}, {"e.g", "for example"}, {"i.e", "that is"}};
    size_t mark = c->out->len;
    for (size_t k = 0; k < sizeof special / sizeof special[0]; k++) {
        size_t n = strlen(special[k].form);
        if (i + n <= c->n && !memcmp(c->s + i, special[k].form, n) &&
            (lt_boundary(c, i + n) || special[k].form[n - 1] == '.')) {
            if (special[k].form[n - 1] != '.' && lt_at(c, i + n) == '.') continue;
            lt_nb_word(c->out, special[k].words);
            if (sentence_ends(c, i + n, 0) && special[k].form[n - 1] == '.') lt_nb_put(c->out, ".", 1, 0, 0, 0);
            return lt_nc_done(c, mark, i, i + n);
        }
    }
    size_t k = i, letters = 0;
    while (k + 1 < c->n && lt_isalpha(c->s[k]) && c->s[k + 1] == '.') {
        letters++;
        k += 2;
        if (!(lt_isalpha(lt_at(c, k)) && lt_at(c, k + 1) == '.')) break;
    }
    if (letters < 2) return i;
    for (size_t m = i; m < k; m += 2) {
        char up[2] = {(char)(lt_islower(c->s[m]) ? c->s[m] - 32 : c->s[m]), 0};
        lt_nb_word(c->out, up);
    }
    if (sentence_ends(c, k, 0)) lt_nb_put(c->out, ".", 1, 0, 0, 0);
    return lt_nc_done(c, mark, i, k);
}

size_t lt_rule_abbreviations(lt_nctx *c, size_t i) {
    if (!lt_word_start(c, i) || !lt_isalpha(c->s[i])) return i;
    size_t a = lt_alpha_run(c, i);
    size_t j;
    if (lt_at(c, i + a) == '.' && (j = initials(c, i)) > i) return j;
    if (a == 2 && !memcmp(c->s + i, "et", 2) && lt_match_ci(c, i, "et al.")) return initials(c, i);
    int dot = lt_at(c, i + a) == '.';
    size_t e = i + a + (size_t)dot;
    if (!dot && !lt_boundary(c, i + a)) return i;
    if (dot && lt_isalpha(lt_at(c, e))) return i; /* "Mr.Smith" is left alone */
    const abbrev *ab = NULL;
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].ci ? lt_streq_ci(c->s + i, a, table[k].abbr)
                        : (strlen(table[k].abbr) == a && !memcmp(c->s + i, table[k].abbr, a))) {
            ab = &table[k];
            break;
        }
    if (!ab) return i;
    size_t nw = lt_next_word(c, e);
    int next_cap = nw > e && capitalised_at(c, nw);
    int next_digit = nw < c->n && (lt_isdigit(c->s[nw]) || (c->s[nw] == '#' && lt_isdigit(lt_at(c, nw + 1))));
    const char *words = ab->words;
    int keep_stop = 0;
    switch (ab->kind) {
    case A_TITLE:
        if (!dot && !next_cap) return i;
        break;
    case A_PLAIN:
        if (!dot && strcmp(ab->abbr, "vs") != 0) return i;
        break;
    case A_NUMBERED:
        if (!dot || !next_digit) return i;
        break;
    case A_END:
        if (!dot) return i;
        keep_stop = sentence_ends(c, e, 1);
        break;
    case A_DR:
    case A_ST:
        if (next_cap && (dot || nw > e)) {
            words = ab->kind == A_DR ? "Doctor" : "Saint";
        } else if (dot && prev_capitalised(c, i)) {
            words = ab->kind == A_DR ? "Drive" : "Street";
            keep_stop = sentence_ends(c, e, 1);
        } else if (dot) {
            words = ab->kind == A_DR ? "Doctor" : "Street";
        } else {
            return i;
        }
        break;
    }
    size_t mark = c->out->len;
    lt_nb_word(c->out, words);
    if (keep_stop) lt_nb_put(c->out, ".", 1, 0, 0, 0);
    return lt_nc_done(c, mark, i, e);
}
