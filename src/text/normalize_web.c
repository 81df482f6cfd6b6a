/* normalize_web.c — things of the web and the desk: URLs ("https://example
 * .com/a-b" -> "example dot com slash a dash b"; the scheme is dropped, "www."
 * is read "w w w dot"), e-mail addresses ("at", "dot"), bare domains
 * (example.co.uk), file names (report.pdf -> "report dot P D F"), @handles
 * ("at name"), #hashtags ("hashtag Hello World", CamelCase split) and phone
 * numbers, read digit by digit in their groups: "555-123-4567" -> "five five
 * five, one two three, four five six seven"; "+44 20 7946 0958" -> "plus four
 * four, two zero, ...". */
#include <string.h>

#include "text/normalize_internal.h"

#define WEB_MAX 512 /* longest URL, address or file name looked at */

/* top-level domains: read as a word (1) or spelled (2) */
static const struct {
    const char *tld;
    int spell;
} tlds[] = {
    {"com", 0}, {"org", 0}, {"net", 0}, {"gov", 0}, {"info", 0}, {"biz", 0}, {"dev", 0}, {"app", 0},
    {"me", 0},  {"tech", 0}, {"online", 0}, {"site", 0}, {"co", 0}, {"edu", 1}, {"io", 1}, {"ai", 1},
    {"uk", 1},  {"us", 1},  {"de", 1},  {"fr", 1},  {"es", 1},  {"it", 1},  {"nl", 1},  {"eu", 1},
    {"ca", 1},  {"au", 1},  {"jp", 1},  {"cn", 1},  {"in", 1},  {"ru", 1},  {"br", 1},  {"tv", 1},
    {"ly", 1},  {"gg", 1},  {"fm", 1},  {"xyz", 1}, {"ch", 1},  {"se", 1},  {"no", 1},  {"pl", 1},
};

/* file extensions: read as a word (0) or spelled (1) */
static const struct {
    const char *ext;
    int spell;
} exts[] = {
    {"txt", 1},  {"pdf", 1},  {"doc", 0},  {"docx", 1}, {"xls", 1},  {"xlsx", 1}, {"ppt", 1},  {"pptx", 1},
    {"csv", 1},  {"json", 0}, {"xml", 1},  {"html", 1}, {"htm", 1},  {"css", 1},  {"js", 1},   {"ts", 1},
    {"py", 1},   {"c", 1},    {"h", 1},    {"cpp", 1},  {"hpp", 1},  {"java", 0}, {"go", 0},   {"rs", 1},
    {"rb", 1},   {"sh", 1},   {"md", 1},   {"yaml", 0}, {"yml", 1},  {"toml", 0}, {"ini", 1},  {"cfg", 1},
    {"log", 0},  {"zip", 0},  {"tar", 0},  {"gz", 1},   {"png", 1},  {"jpg", 1},  {"jpeg", 0}, {"gif", 0},
    {"svg", 1},  {"mp3", 1},  {"wav", 0},  {"mp4", 1},  {"mov", 1},  {"exe", 1},  {"dll", 1},  {"so", 1},
    {"iso", 1},  {"bin", 0},  {"dat", 1},  {"ogg", 0},  {"flac", 0}, {"webp", 1}, {"gguf", 1}, {"onnx", 1},
    {"pth", 1},  {"npy", 1},  {"npz", 1},  {"wasm", 0}, {"sql", 1},  {"db", 1},   {"tsv", 1},  {"epub", 1},
};

static void spell(lt_nctx *c, const char *s, size_t n) {
    for (size_t k = 0; k < n; k++) {
        if (lt_isdigit(s[k])) {
            lt_say_digits(c->out, s + k, 1);
            continue;
        }
        char up[2] = {(char)(lt_islower(s[k]) ? s[k] - 32 : s[k]), 0};
        lt_nb_put(c->out, " ", 1, 0, 0, 0);
        lt_nb_put(c->out, up, 1, 0, 0, 0);
    }
}

static const char *punct_word(char ch) {
    switch (ch) {
    case '.': return "dot";
    case '/': return "slash";
    case '-': return "dash";
    case '_': return "underscore";
    case '@': return "at";
    case ':': return "colon";
    case '?': return "question mark";
    case '=': return "equals";
    case '&': return "and";
    case '#': return "hash";
    case '%': return "percent";
    case '~': return "tilde";
    case '+': return "plus";
    default: return NULL;
    }
}

/* read [a, b): letter runs as words, digit runs as numbers (3+ digits one by
 * one), punctuation named; the last label may be a TLD or extension */
static void say_piece(lt_nctx *c, size_t a, size_t b, int last_is_tld, int last_is_ext) {
    size_t last_dot = b;
    for (size_t k = a; k < b; k++)
        if (c->s[k] == '.') last_dot = k;
    for (size_t k = a; k < b;) {
        char ch = c->s[k];
        if (lt_isalpha(ch)) {
            size_t e = k;
            while (e < b && lt_isalpha(c->s[e])) e++;
            int spelled = 0;
            if (k == last_dot + 1 && e == b) {
                if (last_is_tld)
                    for (size_t t = 0; t < sizeof tlds / sizeof tlds[0]; t++)
                        if (lt_streq_ci(c->s + k, e - k, tlds[t].tld)) spelled = tlds[t].spell;
                if (last_is_ext)
                    for (size_t t = 0; t < sizeof exts / sizeof exts[0]; t++)
                        if (lt_streq_ci(c->s + k, e - k, exts[t].ext)) spelled = exts[t].spell;
            }
            if (spelled) {
                spell(c, c->s + k, e - k);
            } else {
                lt_nb_put(c->out, " ", 1, 0, 0, 0);
                lt_nb_put(c->out, c->s + k, e - k, 0, 0, 0);
            }
            k = e;
        } else if (lt_isdigit(ch)) {
            size_t e = k;
            while (e < b && lt_isdigit(c->s[e])) e++;
            if (e - k <= 2)
                lt_say_digit_string(c->out, c->s + k, e - k, c->uk);
            else
                lt_say_digits(c->out, c->s + k, e - k);
            k = e;
        } else {
            const char *w = punct_word(ch);
            if (w) {
                lt_nb_put(c->out, " ", 1, 0, 0, 0);
                lt_nb_put(c->out, w, strlen(w), 0, 0, 0);
            }
            k++;
        }
    }
}

static int label_ch(char ch) { return lt_isalnum(ch) || ch == '-' || ch == '_'; }

static int is_tld(const char *s, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (!lt_islower(s[k])) return 0;
    for (size_t t = 0; t < sizeof tlds / sizeof tlds[0]; t++)
        if (lt_streq_ci(s, n, tlds[t].tld)) return 1;
    return 0;
}

static int is_ext(const char *s, size_t n) {
    int lower = 1, upper = 1;
    for (size_t k = 0; k < n; k++) {
        if (lt_isupper(s[k])) lower = 0;
        if (lt_islower(s[k])) upper = 0;
    }
    if (!lower && !upper) return 0;
    for (size_t t = 0; t < sizeof exts / sizeof exts[0]; t++)
        if (lt_streq_ci(s, n, exts[t].ext)) return 1;
    return 0;
}

static size_t url(lt_nctx *c, size_t i) {
    size_t k = i;
    int www = 0;
    if (lt_match_ci(c, i, "https://"))
        k += 8;
    else if (lt_match_ci(c, i, "http://"))
        k += 7;
    else if (lt_match_ci(c, i, "ftp://"))
        k += 6;
    if (lt_match_ci(c, k, "www.")) {
        www = 1;
        k += 4;
    }
    if (k == i || !lt_isalnum(lt_at(c, k))) return i;
    size_t e = k;
    while (e < c->n && e - i < WEB_MAX && (unsigned char)c->s[e] > ' ' && !strchr("\"<>`'", c->s[e])) e++;
    /* trailing punctuation belongs to the sentence */
    while (e > k && strchr(".,;:!?)]", c->s[e - 1])) {
        if (c->s[e - 1] == ')' && memchr(c->s + k, '(', e - k)) break;
        e--;
    }
    if (e == k) return i;
    size_t b = e;
    if (c->s[b - 1] == '/') b--;
    size_t mark = c->out->len;
    if (www) lt_nb_word(c->out, "w w w dot");
    /* the host: up to the first '/', '?', '#' or ':' */
    size_t h = k;
    while (h < b && (label_ch(c->s[h]) || c->s[h] == '.')) h++;
    say_piece(c, k, h, 1, 0);
    say_piece(c, h, b, 0, 1);
    return lt_nc_done(c, mark, i, e);
}

static size_t email(lt_nctx *c, size_t i) {
    size_t k = i;
    while (k < c->n && k - i < 64 && (lt_isalnum(c->s[k]) || strchr("._%+-", c->s[k]))) k++;
    if (k == i || lt_at(c, k) != '@' || !lt_isalnum(c->s[i])) return i;
    size_t d = k + 1, e = d, last = 0, labels = 0;
    while (e < c->n && e - i < WEB_MAX) {
        size_t l = e;
        while (e < c->n && label_ch(c->s[e])) e++;
        if (e == l) break;
        labels++;
        last = l;
        if (lt_at(c, e) == '.' && label_ch(lt_at(c, e + 1)))
            e++;
        else
            break;
    }
    if (labels < 2 || e - last < 2 || lt_alpha_run(c, last) != e - last) return i;
    size_t mark = c->out->len;
    say_piece(c, i, k, 0, 0);
    lt_nb_word(c->out, "at");
    say_piece(c, d, e, 1, 0);
    return lt_nc_done(c, mark, i, e);
}

/* example.com, example.co.uk, report.pdf, archive.tar.gz */
static size_t domain_or_file(lt_nctx *c, size_t i) {
    if (!lt_isalnum(c->s[i])) return i;
    size_t e = i, last = i, labels = 0;
    while (e < c->n && e - i < WEB_MAX) {
        size_t l = e;
        while (e < c->n && label_ch(c->s[e])) e++;
        if (e == l) break;
        labels++;
        last = l;
        if (lt_at(c, e) == '.' && lt_isalnum(lt_at(c, e + 1)))
            e++;
        else
            break;
    }
    if (labels < 2 || !lt_boundary(c, e) || !lt_alpha_run(c, i)) return i;
    if (lt_at(c, e) == '@' || (lt_at(c, e) == '.' && lt_isalnum(lt_at(c, e + 1)))) return i;
    int tld = is_tld(c->s + last, e - last), ext = is_ext(c->s + last, e - last);
    if (!tld && !ext) return i;
    size_t mark = c->out->len;
    say_piece(c, i, e, tld, ext);
    return lt_nc_done(c, mark, i, e);
}

static size_t handle(lt_nctx *c, size_t i) {
    size_t k = i + 1, letters = 0;
    while (k < c->n && k - i < 40 && (lt_isalnum(c->s[k]) || c->s[k] == '_')) letters += lt_isalpha(c->s[k++]) != 0;
    if (!letters || !lt_boundary(c, k)) return i;
    size_t mark = c->out->len;
    lt_nb_word(c->out, "at");
    for (size_t m = i + 1; m < k;) {
        if (c->s[m] == '_') {
            lt_nb_word(c->out, "underscore");
            m++;
            continue;
        }
        size_t e = m;
        while (e < k && c->s[e] != '_') e++;
        lt_nb_put(c->out, " ", 1, 0, 0, 0);
        lt_nb_put(c->out, c->s + m, e - m, 0, 0, 0);
        m = e;
    }
    return lt_nc_done(c, mark, i, k);
}

static size_t hashtag(lt_nctx *c, size_t i) {
    size_t k = i + 1, letters = 0;
    if (!lt_isalnum(lt_at(c, k))) return i;
    while (k < c->n && k - i < 80 && (lt_isalnum(c->s[k]) || c->s[k] == '_')) letters += lt_isalpha(c->s[k++]) != 0;
    if (!letters || !lt_boundary(c, k)) return i;
    size_t mark = c->out->len;
    lt_nb_word(c->out, "hashtag");
    for (size_t m = i + 1; m < k;) {
        size_t e = m + 1;
        if (c->s[m] == '_') {
            m++;
            continue;
        }
        if (lt_isdigit(c->s[m])) {
            while (e < k && lt_isdigit(c->s[e])) e++;
            lt_say_digit_string(c->out, c->s + m, e - m, c->uk);
        } else {
            /* a word: capital then lower case, or an all-capitals run */
            if (lt_isupper(c->s[m]) && e < k && lt_isupper(c->s[e])) {
                while (e < k && lt_isupper(c->s[e]) && !(e + 1 < k && lt_islower(c->s[e + 1]))) e++;
            } else {
                while (e < k && lt_islower(c->s[e])) e++;
            }
            lt_nb_put(c->out, " ", 1, 0, 0, 0);
            lt_nb_put(c->out, c->s + m, e - m, 0, 0, 0);
        }
        m = e;
    }
    return lt_nc_done(c, mark, i, k);
}

/* groups of digits; returns the end and the group boundaries */
#define MAX_GROUPS 8
typedef struct phone {
    size_t gs[MAX_GROUPS], ge[MAX_GROUPS];
    int ng, digits;
} phone;

static void add_group(phone *p, size_t s, size_t e) {
    if (p->ng < MAX_GROUPS) {
        p->gs[p->ng] = s;
        p->ge[p->ng] = e;
        p->ng++;
    }
    p->digits += (int)(e - s);
}

static size_t phone_rule(lt_nctx *c, size_t i) {
    phone p = {0};
    size_t k = i;
    int plus = 0;
    if (c->s[i] == '+') {
        size_t cc = lt_digit_run(c, i + 1);
        if (cc < 1 || cc > 3) return i;
        plus = 1;
        add_group(&p, i + 1, i + 1 + cc);
        k = i + 1 + cc;
        /* groups separated by one space, hyphen or dot; "(0)" is skipped */
        while (p.ng < MAX_GROUPS) {
            char sep = lt_at(c, k);
            if (sep != ' ' && sep != '-' && sep != '.') break;
            size_t g = k + 1;
            if (lt_at(c, g) == '(' ) {
                size_t d = lt_digit_run(c, g + 1);
                if (d < 1 || d > 4 || lt_at(c, g + 1 + d) != ')') break;
                add_group(&p, g + 1, g + 1 + d);
                k = g + 2 + d;
                continue;
            }
            size_t d = lt_digit_run(c, g);
            if (d < 1 || d > 5) break;
            add_group(&p, g, g + d);
            k = g + d;
        }
        if (p.digits < 8 || p.digits > 15 || p.ng < 2 || !lt_boundary(c, k)) return i;
    } else if (c->s[i] == '(') {
        if (lt_digit_run(c, i + 1) != 3 || lt_at(c, i + 4) != ')') return i;
        add_group(&p, i + 1, i + 4);
        k = i + 5;
        if (lt_at(c, k) == ' ') k++;
        if (lt_digit_run(c, k) != 3 || !strchr("-. ", lt_at(c, k + 3)) || lt_digit_run(c, k + 4) != 4) return i;
        add_group(&p, k, k + 3);
        add_group(&p, k + 4, k + 8);
        k += 8;
        if (!lt_boundary(c, k)) return i;
    } else if (lt_isdigit(c->s[i])) {
        if (c->s[i] == '1' && (lt_at(c, i + 1) == '-') && lt_digit_run(c, i + 2) == 3) {
            add_group(&p, i, i + 1);
            k = i + 2;
        }
        if (lt_digit_run(c, k) != 3) return i;
        char sep = lt_at(c, k + 3);
        if ((sep != '-' && sep != '.') || lt_digit_run(c, k + 4) != 3 || lt_at(c, k + 7) != sep ||
            lt_digit_run(c, k + 8) != 4 || !lt_boundary(c, k + 12))
            return i;
        if (lt_at(c, k + 12) == sep && lt_isdigit(lt_at(c, k + 13))) return i;
        add_group(&p, k, k + 3);
        add_group(&p, k + 4, k + 7);
        add_group(&p, k + 8, k + 12);
        k += 12;
    } else {
        return i;
    }
    size_t mark = c->out->len;
    if (plus) lt_nb_word(c->out, "plus");
    for (int g = 0; g < p.ng; g++) {
        if (g) lt_nb_put(c->out, ", ", 2, 0, 0, 0);
        lt_say_digits(c->out, c->s + p.gs[g], p.ge[g] - p.gs[g]);
    }
    return lt_nc_done(c, mark, i, k);
}

size_t lt_rule_web(lt_nctx *c, size_t i) {
    if (!lt_word_start(c, i)) return i;
    char ch = c->s[i];
    size_t j;
    if (ch == '@') return handle(c, i);
    if (ch == '#') return hashtag(c, i);
    if (ch == '+' || ch == '(' || lt_isdigit(ch)) return phone_rule(c, i);
    if (!lt_isalpha(ch)) return i;
    if ((j = url(c, i)) > i) return j;
    if ((j = email(c, i)) > i) return j;
    return domain_or_file(c, i);
}
