/* normalize_numbers.c — bare numbers: cardinals ("1,234" -> "one thousand
 * two hundred thirty-four"), negatives ("minus"), decimals ("one point
 * five"), versions ("one point two point three"), ordinals (1st, 22nd),
 * fractions (3/4 -> "three quarters", 1 1/2 -> "one and one half"),
 * percentages, ranges and scores (5-10 -> "five to ten", 1990-95), ratios
 * (16:9 -> "sixteen to nine"), dimensions (3x4 -> "three by four"), plurals
 * (1990s, '90s, 2s), "#1" -> "number one" and years (1984 -> "nineteen
 * eighty-four"). A number followed by a unit is read with the unit
 * (normalize_units.c); that part runs when only the units group is on. */
#include <string.h>

#include "text/normalize_internal.h"

int lt_parse_num(const lt_nctx *c, size_t i, int allow_sign, lt_num *num) {
    memset(num, 0, sizeof *num);
    size_t k = i;
    num->start = i;
    if (allow_sign && lt_at(c, k) == '-' && (lt_isdigit(lt_at(c, k + 1)) || (lt_at(c, k + 1) == '.' && lt_isdigit(lt_at(c, k + 2))))) {
        num->neg = 1;
        k++;
    }
    size_t d = lt_digit_run(c, k);
    if (d == 0 && !(lt_at(c, k) == '.' && lt_isdigit(lt_at(c, k + 1)))) return 0;
    /* thousands separators: 1-3 digits, then ",ddd" groups */
    if (d >= 1 && d <= 3 && lt_at(c, k + d) == ',' && lt_digit_run(c, k + d + 1) == 3) {
        num->has_sep = 1;
        memcpy(num->ip, c->s + k, d);
        num->ipn = d;
        k += d;
        while (lt_at(c, k) == ',' && lt_digit_run(c, k + 1) == 3 && num->ipn + 3 < sizeof num->ip) {
            memcpy(num->ip + num->ipn, c->s + k + 1, 3);
            num->ipn += 3;
            k += 4;
        }
    } else {
        size_t m = d < sizeof num->ip - 1 ? d : sizeof num->ip - 1;
        memcpy(num->ip, c->s + k, m);
        num->ipn = d;
        k += d;
    }
    if (lt_at(c, k) == '.' && lt_isdigit(lt_at(c, k + 1))) {
        num->has_point = 1;
        num->fp = c->s + k + 1;
        num->fpn = lt_digit_run(c, k + 1);
        k += 1 + num->fpn;
    }
    num->end = k;
    return 1;
}

int lt_num_is_one(const lt_num *num) { return !num->has_point && num->ipn == 1 && num->ip[0] == '1'; }

/* the integer digits; long plain runs are read from the text */
static void say_int_part(lt_nctx *c, const lt_num *num) {
    if (num->ipn >= sizeof num->ip) {
        size_t s = num->start + (size_t)num->neg;
        lt_say_digits(c->out, c->s + s, num->ipn);
    } else {
        lt_say_digit_string(c->out, num->ip, num->ipn, c->uk);
    }
}

void lt_say_num(lt_nctx *c, const lt_num *num) {
    if (num->neg) lt_nb_word(c->out, "minus");
    if (num->has_point) {
        if (num->ipn) say_int_part(c, num);
        lt_nb_word(c->out, "point");
        lt_say_digits(c->out, num->fp, num->fpn);
    } else {
        say_int_part(c, num);
    }
}

static int num_value(const lt_num *num, uint64_t *v) {
    if (num->has_point || num->ipn >= sizeof num->ip) return 0;
    return lt_parse_u64(num->ip, num->ipn, v);
}

static int plain_int(const lt_num *num) { return !num->neg && !num->has_point && !num->has_sep; }

static int year_like(const lt_num *num, uint64_t *v) {
    return plain_int(num) && num->ipn == 4 && num_value(num, v) && *v >= 1000 && *v <= 2999;
}

static int in_list(const char *w, size_t n, const char *const *list) {
    for (size_t k = 0; list[k]; k++)
        if (lt_streq_ci(w, n, list[k])) return 1;
    return 0;
}

static int year_context(const lt_nctx *c, size_t i, size_t e) {
    static const char *const before[] = {"in",     "since",  "by",     "from",   "until",   "till",   "of",
                                         "year",   "circa",  "ca",     "c",      "around",  "before", "after",
                                         "during", "early",  "late",   "mid",    "spring",  "summer", "autumn",
                                         "fall",   "winter", "born",   "died",   "january", "february", "march",
                                         "april",  "may",    "june",   "july",   "august",  "september",
                                         "october", "november", "december", "the", NULL};
    static const char *const after[] = {"BC", "BCE", "AD", "CE", NULL};
    char w[32];
    size_t n = lt_prev_word(c, i, w, sizeof w);
    if (n && in_list(w, n, before)) return 1;
    size_t nw = lt_next_word(c, e);
    size_t an = lt_alpha_run(c, nw);
    if (nw > e && an && in_list(c->s + nw, an, after)) return 1;
    return 0;
}

static int is_dash(const lt_nctx *c, size_t k, size_t *len) {
    if (lt_at(c, k) == '-') {
        *len = 1;
        return 1;
    }
    if (k + 2 < c->n && !memcmp(c->s + k, "\xE2\x80\x93", 3)) {
        *len = 3;
        return 1;
    }
    return 0;
}

/* a "%" or a unit after a number ending at e; returns the new end */
static size_t say_suffix(lt_nctx *c, const lt_num *num, size_t e) {
    if (lt_at(c, e) == '%') {
        lt_nb_word(c->out, "percent");
        return e + 1;
    }
    if (c->groups & LT_NORM_UNITS) {
        const char *words;
        int temp;
        size_t u = lt_unit_after(c, e, lt_num_is_one(num), &words, &temp);
        if (u > e) {
            lt_say_unit(c, words);
            return u;
        }
    }
    return e;
}

/* a token like 1-2-3 or 2024/13/45 or 10:20:30 that an earlier group (dates,
 * phones) would own: verbatim when that group is off, else part by part */
static size_t multipart(lt_nctx *c, size_t i) {
    size_t k = i, parts = 0;
    char sep = 0;
    while (1) {
        size_t d = lt_digit_run(c, k);
        if (!d) return i;
        k += d;
        parts++;
        char ch = lt_at(c, k);
        if ((ch == '-' || ch == '/' || ch == ':' || ch == '.') && (!sep || ch == sep) && lt_isdigit(lt_at(c, k + 1))) {
            sep = ch;
            k++;
            continue;
        }
        break;
    }
    if (parts < 3 || !lt_boundary(c, k)) return i;
    size_t mark = c->out->len;
    int owner_on = sep == '.' || ((sep == '-' || sep == '/' || sep == ':') && (c->groups & LT_NORM_DATES_TIMES) &&
                                  (c->groups & LT_NORM_WEB));
    if (!owner_on) {
        for (size_t m = i; m < k; m++) lt_nb_put(c->out, c->s + m, 1, c->ib[m], c->ie[m], c->keep[m]);
        return k;
    }
    if (sep == '.' && parts == 4) { /* IPv4 address */
        for (size_t m = i; m < k;) {
            size_t d = lt_digit_run(c, m);
            lt_say_digit_string(c->out, c->s + m, d, c->uk);
            m += d;
            if (m < k) {
                lt_nb_word(c->out, "dot");
                m++;
            }
        }
    } else if (sep == '.') { /* version number */
        for (size_t m = i; m < k;) {
            size_t d = lt_digit_run(c, m);
            lt_say_digit_string(c->out, c->s + m, d, c->uk);
            m += d;
            if (m < k) {
                lt_nb_word(c->out, "point");
                m++;
            }
        }
    } else {
        for (size_t m = i; m < k;) {
            size_t d = lt_digit_run(c, m);
            lt_say_digit_string(c->out, c->s + m, d, c->uk);
            m += d + 1;
        }
    }
    return lt_nc_done(c, mark, i, k);
}

/* 3:30 style tokens when the dates group is off stay as written */
static int looks_like_time(const lt_nctx *c, size_t e) {
    return lt_at(c, e) == ':' && lt_digit_run(c, e + 1) == 2;
}

size_t lt_rule_numbers(lt_nctx *c, size_t i) {
    int numbers = (c->groups & LT_NORM_NUMBERS) != 0;
    char ch = c->s[i];
    size_t mark = c->out->len;
    uint64_t v;

    if (numbers && ch == '#' && lt_isdigit(lt_at(c, i + 1)) && lt_word_start(c, i)) {
        lt_num num;
        lt_parse_num(c, i + 1, 0, &num);
        lt_nb_word(c->out, "number");
        lt_say_num(c, &num);
        return lt_nc_done(c, mark, i, num.end);
    }
    if (numbers && ch == '\'' && lt_digit_run(c, i + 1) == 2 && lt_at(c, i + 3) == 's' && lt_boundary(c, i + 4) &&
        lt_word_start(c, i) && c->s[i + 2] == '0') {
        lt_parse_u64(c->s + i + 1, 2, &v);
        lt_say_cardinal(c->out, v ? v : 100, c->uk);
        lt_plural_last(c->out);
        return lt_nc_done(c, mark, i, i + 4);
    }
    int sign_ok = lt_word_start(c, i) && (i == 0 || (c->s[i - 1] != '-' && c->s[i - 1] != '/' && c->s[i - 1] != '.'));
    if (!(lt_isdigit(ch) || ((ch == '-' || ch == '.') && sign_ok))) return i;
    if (lt_isdigit(ch) && i > 0 && (c->s[i - 1] == '.' || c->s[i - 1] == ',') && i > 1 && lt_isdigit(c->s[i - 2]))
        return i; /* never start inside a number we declined */
    size_t mp = multipart(c, i);
    if (mp > i) return mp;

    lt_num num;
    if (!lt_parse_num(c, i, sign_ok, &num)) return i;
    size_t e = num.end;

    /* number + unit (also when only the units group is on) */
    if (c->groups & LT_NORM_UNITS) {
        const char *words;
        int temp;
        size_t u = lt_unit_after(c, e, lt_num_is_one(&num), &words, &temp);
        if (u > e) {
            lt_say_num(c, &num);
            lt_say_unit(c, words);
            return lt_nc_done(c, mark, i, u);
        }
    }
    if (!numbers) return i;
    if (looks_like_time(c, e) && !(c->groups & LT_NORM_DATES_TIMES)) {
        size_t k = e + 3;
        for (size_t m = i; m < k; m++) lt_nb_put(c->out, c->s + m, 1, c->ib[m], c->ie[m], c->keep[m]);
        return k;
    }

    /* ordinals */
    if (plain_int(&num) && num_value(&num, &v) && lt_alpha_run(c, e) == 2 && lt_boundary(c, e + 2)) {
        const char *sfx = c->s + e;
        if (lt_streq_ci(sfx, 2, "st") || lt_streq_ci(sfx, 2, "nd") || lt_streq_ci(sfx, 2, "rd") ||
            lt_streq_ci(sfx, 2, "th")) {
            lt_say_ordinal(c->out, v, c->uk);
            return lt_nc_done(c, mark, i, e + 2);
        }
    }
    /* plurals: 1990s, 1990's, 80s, 2s */
    if (plain_int(&num) && num_value(&num, &v)) {
        size_t sl = 0;
        if (lt_at(c, e) == 's' && lt_boundary(c, e + 1)) sl = 1;
        else if (lt_at(c, e) == '\'' && lt_at(c, e + 1) == 's' && lt_boundary(c, e + 2) && num.ipn == 4) sl = 2;
        if (sl) {
            if (num.ipn == 4 && v >= 1000 && v <= 2999)
                lt_say_year(c->out, v, c->uk);
            else if (v == 100 || v == 1000)
                lt_nb_word(c->out, v == 100 ? "hundred" : "thousand");
            else
                lt_say_cardinal(c->out, v, c->uk);
            lt_plural_last(c->out);
            return lt_nc_done(c, mark, i, e + sl);
        }
    }
    /* fractions: 3/4, 24/7, then mixed 1 1/2 */
    if (!num.has_point && !num.has_sep && num.ipn <= 3 && lt_at(c, e) == '/') {
        size_t d = lt_digit_run(c, e + 1);
        uint64_t den;
        if (d >= 1 && d <= 3 && lt_boundary(c, e + 1 + d) && lt_at(c, e + 1 + d) != '/' &&
            lt_parse_u64(c->s + e + 1, d, &den) && den >= 2 && num_value(&num, &v)) {
            if (num.neg) lt_nb_word(c->out, "minus");
            if (v == 24 && den == 7) {
                lt_nb_word(c->out, "twenty-four seven");
            } else {
                lt_say_fraction(c->out, v, den, c->uk);
            }
            return lt_nc_done(c, mark, i, e + 1 + d);
        }
    }
    if (plain_int(&num) && num.ipn <= 3 && lt_at(c, e) == ' ') {
        size_t a = lt_digit_run(c, e + 1);
        uint64_t fn, fd;
        if (a >= 1 && a <= 2 && lt_at(c, e + 1 + a) == '/') {
            size_t b = lt_digit_run(c, e + 2 + a);
            size_t fe = e + 2 + a + b;
            if (b >= 1 && b <= 2 && lt_boundary(c, fe) && lt_at(c, fe) != '/' &&
                lt_parse_u64(c->s + e + 1, a, &fn) && lt_parse_u64(c->s + e + 2 + a, b, &fd) && fd >= 2 &&
                fn < fd && fn > 0 && num_value(&num, &v)) {
                lt_say_cardinal(c->out, v, c->uk);
                lt_nb_word(c->out, "and");
                lt_say_fraction(c->out, fn, fd, c->uk);
                lt_num many = {0}; /* "1 1/2 cups": plural */
                many.ipn = 1;
                many.ip[0] = '2';
                return lt_nc_done(c, mark, i, say_suffix(c, &many, fe));
            }
        }
    }
    /* ratios 16:9, 3:1 (times were taken by the dates group) */
    if (!num.has_point && lt_at(c, e) == ':' && lt_isdigit(lt_at(c, e + 1))) {
        lt_num b;
        lt_parse_num(c, e + 1, 0, &b);
        if (!b.has_point && lt_boundary(c, b.end)) {
            lt_say_num(c, &num);
            lt_nb_word(c->out, "to");
            lt_say_num(c, &b);
            return lt_nc_done(c, mark, i, b.end);
        }
    }
    /* dimensions and multipliers: 3x4, 1920x1080, 2x */
    if (lt_at(c, e) == 'x' || lt_at(c, e) == 'X') {
        if (lt_isdigit(lt_at(c, e + 1))) {
            lt_num b;
            lt_parse_num(c, e + 1, 0, &b);
            if (lt_boundary(c, b.end) || lt_unit_after(c, b.end, 0, &(const char *){0}, &(int){0}) > b.end) {
                lt_say_num(c, &num);
                lt_nb_word(c->out, "by");
                lt_say_num(c, &b);
                return lt_nc_done(c, mark, i, say_suffix(c, &b, b.end));
            }
        } else if (lt_boundary(c, e + 1)) {
            lt_say_num(c, &num);
            lt_nb_word(c->out, "times");
            return lt_nc_done(c, mark, i, e + 1);
        }
    }
    /* ranges and scores: 5-10, 5–10%, 1990-95, 1990–1995 */
    size_t dl;
    if (is_dash(c, e, &dl) && lt_isdigit(lt_at(c, e + dl))) {
        lt_num b;
        lt_parse_num(c, e + dl, 0, &b);
        size_t dl2;
        if (!(is_dash(c, b.end, &dl2) && lt_isdigit(lt_at(c, b.end + dl2))) && lt_at(c, b.end) != '/') {
            uint64_t va, vb;
            if (year_like(&num, &va) && plain_int(&b) && (b.ipn == 2 || b.ipn == 4) && num_value(&b, &vb) &&
                (b.ipn == 2 || (vb >= 1000 && vb <= 2999))) {
                lt_say_year(c->out, va, c->uk);
                lt_nb_word(c->out, "to");
                if (b.ipn == 2 && b.ip[0] == '0') {
                    lt_nb_word(c->out, "oh");
                    lt_say_digit_string(c->out, b.ip + 1, 1, c->uk);
                } else if (b.ipn == 2)
                    lt_say_digit_string(c->out, b.ip, 2, c->uk);
                else
                    lt_say_year(c->out, vb, c->uk);
                return lt_nc_done(c, mark, i, b.end);
            }
            lt_say_num(c, &num);
            lt_nb_word(c->out, "to");
            lt_say_num(c, &b);
            return lt_nc_done(c, mark, i, say_suffix(c, &b, b.end));
        }
    }
    if (lt_at(c, e) == '%') {
        lt_say_num(c, &num);
        lt_nb_word(c->out, "percent");
        return lt_nc_done(c, mark, i, e + 1);
    }
    /* years */
    if (year_like(&num, &v) && (lt_boundary(c, e) || lt_at(c, e) == '\'') &&
        ((v >= 1100 && v <= 2099) || year_context(c, i, e))) {
        lt_say_year(c->out, v, c->uk);
        return lt_nc_done(c, mark, i, e);
    }
    lt_say_num(c, &num);
    return lt_nc_done(c, mark, i, e);
}
