/* normalize_dates_local.c — numeric dates in Spanish, French, Italian,
 * Brazilian Portuguese and Hindi ('e' 'f' 'i' 'p' 'h'): day first, as these
 * languages write them (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy), and ISO
 * yyyy-mm-dd, become the day, the month's name and the year:
 *   e  "05/01/2024" -> "5 de enero de 2024"     f  "01/01/2024" -> "premier janvier 2024"
 *   i  "2024-03-01" -> "primo marzo 2024"       p  "01/05/2024" -> "primeiro de maio de 2024"
 *   h  "05/01/2024" -> "5 जनवरी 2024"
 * The digits stay digits for espeak-ng, which reads them in the language;
 * without this rule it reads "cero cinco barra cero uno barra dos mil
 * veinticuatro". Only real calendar days with a four-digit year are taken. */
#include <string.h>

#include "text/normalize_internal.h"

typedef struct local_months {
    char lang;
    const char *of;    /* between day and month, and month and year ("de"), or "" */
    const char *first; /* the first of the month, or NULL to keep the digit */
    const char *month[12];
} local_months;

static const local_months langs[] = {
    {'e', "de", NULL,
     {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
      "noviembre", "diciembre"}},
    {'f', "", "premier",
     {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
      "novembre", "décembre"}},
    {'i', "", "primo",
     {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
      "novembre", "dicembre"}},
    {'p', "de", "primeiro",
     {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
      "novembro", "dezembro"}},
    {'h', "", NULL,
     {"जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
      "दिसंबर"}},
};

/* n digits at i as a number (n ≤ 4), or -1 unless exactly n digits stand there */
static int digits(const lt_nctx *c, size_t i, size_t n) {
    if (lt_digit_run(c, i) != n) return -1;
    int v = 0;
    for (size_t k = 0; k < n; k++) v = v * 10 + (c->s[i + k] - '0');
    return v;
}

static int valid_day(int y, int m, int d) {
    static const int len[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > len[m - 1]) return 0;
    if (m == 2 && d == 29) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return 1;
}

size_t lt_rule_dates_local(lt_nctx *c, size_t i) {
    const local_months *w = NULL;
    for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++)
        if (langs[l].lang == c->lang) w = &langs[l];
    if (!w || !lt_word_start(c, i) || !lt_isdigit(lt_at(c, i))) return i;
    int y, m, d;
    size_t e;
    size_t run = lt_digit_run(c, i);
    if (run == 4 && lt_at(c, i + 4) == '-') { /* ISO yyyy-mm-dd */
        y = digits(c, i, 4);
        m = digits(c, i + 5, 2);
        d = lt_at(c, i + 7) == '-' ? digits(c, i + 8, 2) : -1;
        e = i + 10;
    } else if (run == 1 || run == 2) { /* d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy (one separator throughout) */
        char sep = lt_at(c, i + run);
        if (sep != '/' && sep != '-' && sep != '.') return i;
        d = digits(c, i, run);
        size_t mi = i + run + 1, mr = lt_digit_run(c, mi);
        if (mr != 1 && mr != 2) return i;
        m = digits(c, mi, mr);
        if (lt_at(c, mi + mr) != sep) return i;
        y = digits(c, mi + mr + 1, 4);
        e = mi + mr + 5;
    } else {
        return i;
    }
    if (!valid_day(y, m, d) || !lt_boundary(c, e)) return i;
    /* "12.05.2024.5" or "1/2/2024/7" are not dates */
    if ((lt_at(c, e) == '/' || lt_at(c, e) == '-' || lt_at(c, e) == '.') && lt_isdigit(lt_at(c, e + 1))) return i;
    size_t mark = c->out->len;
    char buf[8];
    if (d == 1 && w->first) {
        lt_nb_word(c->out, w->first);
    } else {
        int n = 0;
        if (d >= 10) buf[n++] = (char)('0' + d / 10);
        buf[n++] = (char)('0' + d % 10);
        lt_nb_words(c->out, buf, (size_t)n);
    }
    if (w->of[0]) lt_nb_word(c->out, w->of);
    lt_nb_word(c->out, w->month[m - 1]);
    if (w->of[0]) lt_nb_word(c->out, w->of);
    for (int k = 3; k >= 0; k--, y /= 10) buf[k] = (char)('0' + y % 10);
    lt_nb_words(c->out, buf, 4);
    return lt_nc_done(c, mark, i, e);
}
