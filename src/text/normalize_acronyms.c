/* normalize_acronyms.c — marks the capitalised words that are spelled letter
 * by letter: "FBI" -> "F B I", "HTML" -> "H T M L", "APIs" -> "A P I's".
 * Rule: an all-capitals word of 2 to 5 letters is spelled when it cannot be
 * said as an English word (no vowel, more than two vowels in a row, or a
 * consonant cluster no English word starts or ends with: FB-, -BM), or when
 * it is in a short list of sayable ones that are spelled anyway (CIA, USA,
 * CEO, ...). NASA, NATO, UNESCO, LASER stay words; so do shouted words ("STOP
 * NOW"), where the list is not applied. "OK" -> "okay". */
#include <string.h>

#include "text/normalize_internal.h"

static const char *const spelled[] = {
    "CIA", "USA", "EU",  "UK",  "US",  "UN",  "AI",  "ID",  "UI",  "UX",  "OS",  "API", "CEO", "COO",
    "CTO", "URL", "HIV", "IRA", "EPA", "FAQ", "IOU", "ICU", "IRS", "FYI", "DIY", "UFO", "ETA", "EST",
    "EDT", "PDT", "PST", "CET", "BST", "AOL", "IDE", "IPO", "ISO", "NYU", "OPA", "ESA", "IOC", "AA",
    "AP",  "EA",  "IQ",  "IP",  "IT",  "OEM", "SEO", "ROI", "KPI", "USB", "ATM", "BBC", "ABC", "NBA",
    "NHS", "EV",  "AR",  "VR",  "ER",  "PE",  "IBM", "AMD", "LED", "LCD",
    "GOP", "POW", "SUV", "BMW", "MIT", "UCLA", "NIH", "CDC", "FDA", "ACLU", "UAE", "GED", "SAT", "ACT",
    "TBA", "TBD", "RIP", "AKA", "ASAP", NULL};

/* listed words that are also English words: spelled only next to a lower-case word
 * ("the US economy", "an ID card"), kept in capitals-only text ("HELP US") */
static const char *const ambiguous[] = {"IT", "US", "SAT", "ACT", "POW", "ER", "PE", "AR", "AA", "ID", "LED",
                                         "ASAP", NULL};

static int in_list(const char *s, size_t n, const char *const *list) {
    for (size_t k = 0; list[k]; k++)
        if (strlen(list[k]) == n && !memcmp(list[k], s, n)) return 1;
    return 0;
}

static int vowel(const char *s, size_t k) {
    char ch = s[k];
    return strchr("AEIOU", ch) != NULL || (ch == 'Y' && k > 0);
}

static int cluster_ok(const char *s, size_t n, const char *const *list) {
    if (n <= 1) return 1;
    for (size_t k = 0; list[k]; k++)
        if (strlen(list[k]) == n && !memcmp(list[k], s, n)) return 1;
    return 0;
}

static const char *const onsets[] = {"BL", "BR", "CH", "CL", "CR", "DR", "FL", "FR", "GL", "GR", "KL",  "KN",
                                     "KR", "PH", "PL", "PR", "SC", "SH", "SK", "SL", "SM", "SN", "SP",  "ST",
                                     "SW", "TH", "TR", "TW", "WH", "WR", "QU", "SCH", "SCR", "SHR", "SPL",
                                     "SPR", "STR", "THR", "SQ", "DW", "GW", NULL};
static const char *const codas[] = {"CH", "CK", "CT", "FT", "LD", "LF", "LK", "LL", "LM", "LP", "LT", "MP", "ND",
                                    "NG", "NK", "NT", "PS", "PT", "RB", "RC", "RD", "RF", "RG", "RK", "RL", "RM",
                                    "RN", "RP", "RS", "RT", "SH", "SK", "SP", "SS", "ST", "TH", "TS", "WN", "WS",
                                    "XT", "LS", "NS", "MS", "DS", "GS", "KS", "NDS", "NTS", "RST", "RTS", "NGS",
                                    "NKS", "MPS", "LTS", "RDS", "GHT", "FF", "ZZ", "TCH", "NCH", "RCH", "LCH", NULL};

/* can the capital letters s[0..n) be said as one English word? */
static int sayable(const char *s, size_t n) {
    size_t first = n, last = n, run = 0;
    for (size_t k = 0; k < n; k++) {
        if (vowel(s, k)) {
            if (first == n) first = k;
            last = k;
            if (++run > 2) return 0;
        } else {
            run = 0;
        }
    }
    if (first == n) return 0;
    if (!cluster_ok(s, first, onsets)) return 0;
    if (!cluster_ok(s + last + 1, n - last - 1, codas)) return 0;
    /* medial clusters of at most 3 consonants */
    size_t cons = 0;
    for (size_t k = first; k <= last; k++) {
        cons = vowel(s, k) ? 0 : cons + 1;
        if (cons > 3) return 0;
    }
    return 1;
}

/* the all-capitals word (2+ letters) before or after: shouting */
static int caps_word(const lt_nctx *c, size_t a, size_t b) {
    if (b - a < 2) return 0;
    for (size_t k = a; k < b; k++)
        if (!lt_isupper(c->s[k])) return 0;
    return 1;
}

static int shouting(const lt_nctx *c, size_t i, size_t e) {
    size_t k = i;
    while (k > 0 && c->s[k - 1] == ' ') k--;
    size_t b = k;
    while (k > 0 && lt_isalpha(c->s[k - 1])) k--;
    if (b > k && caps_word(c, k, b) && sayable(c->s + k, b - k) && !in_list(c->s + k, b - k, spelled)) return 1;
    size_t nw = lt_next_word(c, e);
    size_t na = lt_alpha_run(c, nw);
    return nw > e && caps_word(c, nw, nw + na) && sayable(c->s + nw, na) && !in_list(c->s + nw, na, spelled);
}

static int lower_neighbour(const lt_nctx *c, size_t i, size_t e) {
    size_t k = i;
    while (k > 0 && c->s[k - 1] == ' ') k--;
    if (k > 0 && lt_islower(c->s[k - 1])) return 1;
    size_t nw = lt_next_word(c, e);
    return nw > e && nw < c->n && lt_islower(c->s[nw]);
}

size_t lt_rule_acronyms(lt_nctx *c, size_t i) {
    if (!lt_word_start(c, i) || !lt_isupper(c->s[i])) return i;
    size_t a = 0;
    while (i + a < c->n && lt_isupper(c->s[i + a])) a++;
    size_t e = i + a;
    int plural = 0;
    if (lt_at(c, e) == 's' && lt_boundary(c, e + 1)) {
        plural = 1;
        e++;
    }
    if (!lt_boundary(c, e) || lt_at(c, e) == '\'' || (lt_at(c, e) == '.' && lt_isalpha(lt_at(c, e + 1)))) return i;
    if (lt_at(c, e) == '-' && lt_isalpha(lt_at(c, e + 1))) return i;
    size_t mark = c->out->len;
    if (a == 2 && !plural && !memcmp(c->s + i, "OK", 2)) {
        lt_nb_word(c->out, "okay");
        return lt_nc_done(c, mark, i, e);
    }
    if (a < 2 || a > 5) return i;
    /* Roman-looking words of I, V, X only are left to the Roman numeral rule */
    int ivx = 1;
    for (size_t k = 0; k < a; k++)
        if (!strchr("IVX", c->s[i + k])) ivx = 0;
    if (ivx) return i;
    const char *s = c->s + i;
    int spell = !sayable(s, a);
    if (!spell && in_list(s, a, spelled) && !shouting(c, i, e))
        spell = !in_list(s, a, ambiguous) || lower_neighbour(c, i, e);
    if (!spell) return i;
    for (size_t k = 0; k < a; k++) {
        char up[2] = {s[k], 0};
        lt_nb_word(c->out, up);
    }
    if (plural) lt_nb_put(c->out, "'s", 2, 0, 0, 0);
    return lt_nc_done(c, mark, i, e);
}
