/* normalize_dates.c — dates and times. Dates: ISO 2024-01-05, numeric
 * 12/25/2024 (US month first) or 25/12/2024 (UK day first; the other order is
 * taken when the first reading is impossible), 25.12.2024, month names
 * ("Jan 5th 2024", "January 5, 2024" -> "January fifth, twenty twenty-four";
 * "5 January 2024", "5th of Jan" -> "the fifth of January, ..."). Numeric
 * dates read in the language's style: US "January fifth, twenty
 * twenty-four", UK "the fifth of January, twenty twenty-four". Times: "3:30
 * pm" -> "three thirty p m", "9:05" -> "nine oh five", "3 pm", "12:00" ->
 * "twelve o'clock" (1..12 on the hour without am/pm), "15:00" -> "fifteen
 * hundred", "15:45" -> "fifteen forty-five", "00:30" -> "zero thirty",
 * "10:30:15" -> "ten thirty and fifteen seconds". */
#include <string.h>

#include "text/normalize_internal.h"

const char *const lt_month_names[13] = {"",     "January", "February", "March",     "April",   "May",     "June",
                                        "July", "August",  "September", "October", "November", "December"};

size_t lt_month_at(const lt_nctx *c, size_t i, int *month) {
    if (!lt_word_start(c, i) || !lt_isupper(c->s[i])) return i;
    size_t a = lt_alpha_run(c, i);
    if (a < 3 || !lt_boundary(c, i + a)) return i;
    for (int m = 1; m <= 12; m++) {
        const char *full = lt_month_names[m];
        if (lt_streq_ci(c->s + i, a, full)) {
            *month = m;
            return i + a;
        }
        /* Jan, Feb, ... Sept; "May" is only the full name */
        if (m != 5 && (a == 3 || (a == 4 && m == 9)) && !strncmp(full + 1, c->s + i + 1, a - 1) &&
            lt_tolower(full[0]) == lt_tolower(c->s[i])) {
            *month = m;
            return i + a + (lt_at(c, i + a) == '.' ? 1 : 0);
        }
    }
    return i;
}

static int days_in(int m) {
    static const int d[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m >= 1 && m <= 12 ? d[m] : 0;
}

static int valid(int m, int d) { return m >= 1 && m <= 12 && d >= 1 && d <= days_in(m); }

/* month_first: "January fifth"; else "the fifth of January". year 0: none */
static void say_date(lt_nctx *c, int year, int m, int d, int month_first) {
    if (month_first) {
        lt_nb_word(c->out, lt_month_names[m]);
        lt_say_ordinal(c->out, (uint64_t)d, c->uk);
    } else {
        lt_nb_word(c->out, "the");
        lt_say_ordinal(c->out, (uint64_t)d, c->uk);
        lt_nb_word(c->out, "of");
        lt_nb_word(c->out, lt_month_names[m]);
    }
    if (year) {
        lt_nb_put(c->out, ", ", 2, 0, 0, 0);
        lt_say_year(c->out, (uint64_t)year, c->uk);
    }
}

static int num_at(const lt_nctx *c, size_t i, size_t n, int *v) {
    if (lt_digit_run(c, i) != n) return 0;
    int x = 0;
    for (size_t k = 0; k < n; k++) x = x * 10 + (c->s[i + k] - '0');
    *v = x;
    return 1;
}

/* a day number with an optional ordinal suffix at i; returns its end or i */
static size_t day_at(const lt_nctx *c, size_t i, int *d) {
    size_t n = lt_digit_run(c, i);
    if (n < 1 || n > 2 || !num_at(c, i, n, d)) return i;
    size_t e = i + n;
    if (lt_alpha_run(c, e) == 2) {
        const char *s = c->s + e;
        if (lt_streq_ci(s, 2, "st") || lt_streq_ci(s, 2, "nd") || lt_streq_ci(s, 2, "rd") || lt_streq_ci(s, 2, "th"))
            e += 2;
    }
    return lt_boundary(c, e) ? e : i;
}

/* ", 2024" or " 2024" after a date part ending at e; returns the new end */
static size_t year_after(const lt_nctx *c, size_t e, int *year) {
    size_t k = e;
    if (lt_at(c, k) == ',') k++;
    if (lt_at(c, k) != ' ') return e;
    k++;
    int y;
    if (num_at(c, k, 4, &y) && lt_boundary(c, k + 4) && y >= 1000 && y <= 2999 && lt_at(c, k + 4) != ':') {
        *year = y;
        return k + 4;
    }
    return e;
}

/* am/pm after a time ending at e: 1 am, 2 pm; returns the new end */
static size_t ampm_after(const lt_nctx *c, size_t e, int *ap, int *keep_stop) {
    size_t k = e;
    *keep_stop = 0;
    if (lt_at(c, k) == ' ') k++;
    char a = (char)lt_tolower(lt_at(c, k));
    if (a != 'a' && a != 'p') return e;
    char m = (char)lt_tolower(lt_at(c, k + 1));
    if (m == 'm' && lt_boundary(c, k + 2)) {
        *ap = a == 'a' ? 1 : 2;
        return k + 2;
    }
    if (m == '.' && lt_tolower(lt_at(c, k + 2)) == 'm' && lt_at(c, k + 3) == '.') {
        *ap = a == 'a' ? 1 : 2;
        size_t z = k + 4;
        /* "at 5 p.m." ending a sentence keeps its full stop */
        size_t nx = z;
        while (nx < c->n && c->s[nx] == ' ') nx++;
        if (nx >= c->n || c->s[nx] == '\n' || (nx > z && lt_isupper(c->s[nx]))) *keep_stop = 1;
        return z;
    }
    return e;
}

static void say_minutes(lt_nctx *c, int mm) {
    if (mm < 10) {
        lt_nb_word(c->out, "oh");
        lt_say_cardinal(c->out, (uint64_t)mm, c->uk);
    } else {
        lt_say_cardinal(c->out, (uint64_t)mm, c->uk);
    }
}

static size_t time_rule(lt_nctx *c, size_t i) {
    size_t hn = lt_digit_run(c, i);
    int h, mm = 0, ss = -1, ap = 0, stop = 0;
    if (hn < 1 || hn > 2 || !num_at(c, i, hn, &h)) return i;
    size_t e = i + hn;
    size_t mark = c->out->len;
    if (lt_at(c, e) == ':' && num_at(c, e + 1, 2, &mm)) {
        e += 3;
        if (lt_at(c, e) == ':' && num_at(c, e + 1, 2, &ss)) e += 3;
        if (lt_at(c, e) == ':' || h > 24 || mm > 59 || ss > 59) return i;
        if (lt_at(c, e) == '.' && lt_isdigit(lt_at(c, e + 1))) return i; /* 1:23.45 lap time */
        size_t t = e;
        e = ampm_after(c, e, &ap, &stop);
        if (e == t && !lt_boundary(c, e)) return i;
        if (ap && (h < 1 || h > 12)) return i;
    } else {
        e = ampm_after(c, e, &ap, &stop);
        if (!ap || h < 1 || h > 12) return i;
    }
    if (ap) {
        lt_say_cardinal(c->out, (uint64_t)h, c->uk);
        if (mm) say_minutes(c, mm);
    } else if (mm == 0) {
        lt_say_cardinal(c->out, (uint64_t)h, c->uk);
        lt_nb_word(c->out, h >= 1 && h <= 12 ? "o'clock" : "hundred");
    } else {
        lt_say_cardinal(c->out, (uint64_t)h, c->uk);
        say_minutes(c, mm);
    }
    if (ss > 0) {
        lt_nb_word(c->out, "and");
        lt_say_cardinal(c->out, (uint64_t)ss, c->uk);
        lt_nb_word(c->out, ss == 1 ? "second" : "seconds");
    }
    if (ap) lt_nb_word(c->out, ap == 1 ? "a m" : "p m");
    if (stop) lt_nb_put(c->out, ".", 1, 0, 0, 0);
    return lt_nc_done(c, mark, i, e);
}

static size_t numeric_date(lt_nctx *c, size_t i) {
    size_t mark = c->out->len;
    int y, a, b;
    /* ISO 2024-01-05 (also 2024/01/05) */
    if (num_at(c, i, 4, &y) && (lt_at(c, i + 4) == '-' || lt_at(c, i + 4) == '/')) {
        char sep = c->s[i + 4];
        if (num_at(c, i + 5, 2, &a) && lt_at(c, i + 7) == sep && num_at(c, i + 8, 2, &b) && lt_boundary(c, i + 10) &&
            valid(a, b) && !(lt_at(c, i + 10) == sep && lt_isdigit(lt_at(c, i + 11)))) {
            say_date(c, y, a, b, !c->uk);
            return lt_nc_done(c, mark, i, i + 10);
        }
        return i;
    }
    /* a/b/yyyy, a/b/yy, a.b.yyyy, a-b-yyyy */
    size_t an = lt_digit_run(c, i);
    if (an < 1 || an > 2 || !num_at(c, i, an, &a)) return i;
    char sep = lt_at(c, i + an);
    if (sep != '/' && sep != '.' && sep != '-') return i;
    size_t bi = i + an + 1, bn = lt_digit_run(c, bi);
    if (bn < 1 || bn > 2 || !num_at(c, bi, bn, &b) || lt_at(c, bi + bn) != sep) return i;
    size_t yi = bi + bn + 1, yn = lt_digit_run(c, yi);
    if (!(yn == 4 || (yn == 2 && sep == '/')) || !num_at(c, yi, yn, &y) || !lt_boundary(c, yi + yn)) return i;
    if (lt_at(c, yi + yn) == sep && lt_isdigit(lt_at(c, yi + yn + 1))) return i;
    if (yn == 2) y += y < 50 ? 2000 : 1900;
    int day_first = c->uk || sep == '.';
    int m = day_first ? b : a, d = day_first ? a : b;
    if (!valid(m, d)) {
        int t = m;
        m = d;
        d = t;
        if (!valid(m, d)) return i;
    }
    say_date(c, y, m, d, !c->uk);
    return lt_nc_done(c, mark, i, yi + yn);
}

/* "5 January 2024", "5th of January", "21st Jan, 2024" */
static size_t day_month(lt_nctx *c, size_t i) {
    int d, m, y = 0;
    size_t e = day_at(c, i, &d);
    if (e == i || lt_at(c, e) != ' ') return i;
    size_t k = e + 1;
    if (lt_match_ci(c, k, "of ")) k += 3;
    size_t me = lt_month_at(c, k, &m);
    if (me == k || !valid(m, d)) return i;
    me = year_after(c, me, &y);
    size_t mark = c->out->len;
    say_date(c, y, m, d, 0);
    return lt_nc_done(c, mark, i, me);
}

/* "January 5th, 2024", "Jan. 5", "January 2024" */
static size_t month_day(lt_nctx *c, size_t i) {
    int m, d, y = 0;
    size_t me = lt_month_at(c, i, &m);
    if (me == i || lt_at(c, me) != ' ') return i;
    size_t mark = c->out->len;
    size_t de = day_at(c, me + 1, &d);
    if (de > me + 1 && valid(m, d) && lt_at(c, de) != ':' && !(lt_at(c, de) == ' ' && ampm_after(c, de, &(int){0}, &(int){0}) > de)) {
        de = year_after(c, de, &y);
        say_date(c, y, m, d, 1);
        return lt_nc_done(c, mark, i, de);
    }
    size_t ye = year_after(c, me, &y);
    if (ye > me) {
        lt_nb_word(c->out, lt_month_names[m]);
        lt_say_year(c->out, (uint64_t)y, c->uk);
        return lt_nc_done(c, mark, i, ye);
    }
    return i;
}

size_t lt_rule_dates_times(lt_nctx *c, size_t i) {
    if (!lt_word_start(c, i)) return i;
    size_t j;
    if (lt_isdigit(c->s[i])) {
        if ((j = numeric_date(c, i)) > i) return j;
        if ((j = day_month(c, i)) > i) return j;
        if ((j = time_rule(c, i)) > i) return j;
        return i;
    }
    if (lt_isupper(c->s[i])) return month_day(c, i);
    return i;
}
