/* normalize_markup.c — the normaliser's first pass, character level: removes
 * Markdown markup (headings, emphasis, inline code and fences, links ->
 * their text, list bullets, block quotes, rules, table pipes) and emoji
 * (markdown_emoji group); turns smart quotes into ASCII quotes and
 * apostrophes, "..." into "…", "--" and spaced hyphens into "—", and an en
 * dash between digits into "-" (symbols group). Always: control characters
 * and exotic spaces become plain spaces, zero-width characters and soft
 * hyphens go, CRLF becomes LF. Spans in the output point at the input. */
#include <string.h>

#include "text/normalize_internal.h"

static uint32_t decode(const char *s, size_t n, size_t i, size_t *len) {
    unsigned char c = (unsigned char)s[i];
    size_t l = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (i + l > n) l = n - i;
    uint32_t cp = l == 1 ? c : l == 2 ? (c & 0x1Fu) : l == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < l; k++) cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3Fu);
    *len = l;
    return cp;
}

static int is_emoji(uint32_t cp) {
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF) ||
           (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D || cp == 0x20E3 ||
           (cp >= 0xE0000 && cp <= 0xE007F) || cp == 0x00A9 || cp == 0x00AE || cp == 0x2122;
}

static int is_odd_space(uint32_t cp) {
    return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
           cp == 0x2028 || cp == 0x2029;
}

static int is_zero_width(uint32_t cp) {
    return cp == 0x200B || cp == 0x200C || cp == 0x2060 || cp == 0xFEFF || cp == 0xAD;
}

typedef struct mstate {
    const char *s;
    size_t n;
    unsigned groups;
    lt_nbuf *out;
    size_t link_close, link_resume; /* pending Markdown link: at ']' jump to after ')' */
    int heading, table;
} mstate;

static void put_same(mstate *m, size_t i, size_t len) {
    for (size_t k = 0; k < len; k++) lt_nb_put(m->out, m->s + i + k, 1, i + k, i + k + 1, 1);
}

static void put_repl(mstate *m, const char *r, size_t i, size_t len) { lt_nb_put(m->out, r, strlen(r), i, i + len, 0); }

static size_t line_end(const mstate *m, size_t i) {
    const char *e = memchr(m->s + i, '\n', m->n - i);
    return e ? (size_t)(e - m->s) : m->n;
}

/* Markdown at the start of a line; returns where the line's text starts */
static size_t line_start(mstate *m, size_t i) {
    size_t e = line_end(m, i);
    size_t p = i;
    while (p < e && (m->s[p] == ' ' || m->s[p] == '\t')) p++;
    if (p + 3 <= e && (!strncmp(m->s + p, "```", 3) || !strncmp(m->s + p, "~~~", 3))) return e;
    /* horizontal rule: 3+ of one of - * _ and spaces only */
    if (p < e && strchr("-*_", m->s[p])) {
        char ch = m->s[p];
        size_t cnt = 0, q = p;
        while (q < e && (m->s[q] == ch || m->s[q] == ' ')) cnt += m->s[q++] == ch;
        if (q == e && cnt >= 3) return e;
    }
    /* block quotes */
    while (p < e && m->s[p] == '>') {
        p++;
        while (p < e && m->s[p] == ' ') p++;
    }
    size_t h = 0;
    while (p + h < e && m->s[p + h] == '#') h++;
    if (h >= 1 && h <= 6 && p + h < e && m->s[p + h] == ' ') {
        m->heading = 1;
        return p + h + 1;
    }
    if (p + 1 < e && strchr("-*+", m->s[p]) && m->s[p + 1] == ' ') return p + 2;
    if (p < e && m->s[p] == '|') {
        size_t q = p;
        while (q < e && strchr("|-: \t", m->s[q])) q++;
        if (q == e) return e; /* separator row */
        m->table = 1;
        return p + 1;
    }
    return p;
}

/* An emphasis run of '*', '_' or '~~' at i (len bytes) is markup when it opens
 * (space or punctuation before, a non-space after) or closes a span. '_'
 * inside a word (snake_case) and '*' between digits stay. */
static int emphasis(const mstate *m, size_t i, size_t len) {
    char before = i ? m->s[i - 1] : ' ';
    char after = i + len < m->n ? m->s[i + len] : ' ';
    int b_space = before == ' ' || before == '\t' || before == '\n';
    int a_space = after == ' ' || after == '\t' || after == '\n';
    if (b_space && a_space) return 0;
    if (lt_isalnum(before) && lt_isalnum(after)) return 0;
    return 1;
}

void lt_norm_markup(const char *s, size_t n, unsigned groups, lt_nbuf *out) {
    mstate m = {.s = s, .n = n, .groups = groups, .out = out, .link_close = (size_t)-1};
    int md = (groups & LT_NORM_MARKDOWN_EMOJI) != 0, sym = (groups & LT_NORM_SYMBOLS) != 0;
    size_t i = 0;
    int at_line_start = 1;
    while (i < n && !out->oom) {
        if (at_line_start) {
            at_line_start = 0;
            m.heading = m.table = 0;
            m.link_close = (size_t)-1;
            if (md) {
                size_t p = line_start(&m, i);
                i = p;
                if (i >= n) break;
            }
        }
        char ch = s[i];
        if (ch == '\n' || ch == '\r') {
            if (m.heading && lt_isalnum(lt_nb_last(out)) && i > 0) put_repl(&m, ".", i - 1, 1);
            if (ch == '\n') {
                put_same(&m, i, 1);
                i++;
            } else {
                size_t l = i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
                put_repl(&m, "\n", i, l);
                i += l;
            }
            at_line_start = 1;
            continue;
        }
        if (i == m.link_close) {
            i = m.link_resume;
            m.link_close = (size_t)-1;
            continue;
        }
        size_t len;
        uint32_t cp = decode(s, n, i, &len);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || is_odd_space(cp)) {
            if (cp == ' ')
                put_same(&m, i, 1);
            else
                put_repl(&m, " ", i, len);
            i += len;
            continue;
        }
        if (is_zero_width(cp)) {
            i += len;
            continue;
        }
        if (md) {
            if (is_emoji(cp)) {
                i += len;
                continue;
            }
            if (ch == '`') {
                i++;
                continue;
            }
            if (ch == '*' || ch == '_' || (ch == '~' && i + 1 < n && s[i + 1] == '~')) {
                size_t r = 0;
                while (i + r < n && s[i + r] == ch) r++;
                if (emphasis(&m, i, r)) {
                    i += r;
                    continue;
                }
                put_same(&m, i, r);
                i += r;
                continue;
            }
            if (ch == '|' && m.table) {
                size_t q = i + 1;
                while (q < n && (s[q] == ' ' || s[q] == '\t')) q++;
                if (q < n && s[q] != '\n' && s[q] != '\r') put_repl(&m, ", ", i, 1);
                i++;
                continue;
            }
            size_t pron = ch == '[' ? lt_custom_pron_end(s, n, i) : 0;
            if (pron) { /* [word](/phonemes/): for the G2P, not a Markdown link */
                put_same(&m, i, pron - i);
                i = pron;
                continue;
            }
            if ((ch == '[' || (ch == '!' && i + 1 < n && s[i + 1] == '[')) && m.link_close == (size_t)-1) {
                size_t o = ch == '!' ? i + 1 : i;
                size_t e = line_end(&m, o);
                if (e - o > 2000) e = o + 2000;
                const char *cl = memchr(s + o + 1, ']', e - o - 1);
                if (cl && (size_t)(cl - s) + 1 < e && cl[1] == '(') {
                    const char *rp = memchr(cl + 2, ')', (size_t)(s + e - (cl + 2)));
                    if (rp) {
                        m.link_close = (size_t)(cl - s);
                        m.link_resume = (size_t)(rp - s) + 1;
                        i = o + 1;
                        continue;
                    }
                }
            }
        }
        if (sym) {
            const char *r = NULL;
            size_t used = len;
            if (cp == 0x2018 || cp == 0x2019 || cp == 0x201A || cp == 0x201B || cp == 0x2032)
                r = "'";
            else if (cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F || cp == 0x2033)
                r = "\"";
            else if (cp == 0x2212)
                r = "-";
            else if (cp == 0x2013) {
                int digits = i > 0 && lt_isdigit(s[i - 1]) && i + len < n && lt_isdigit(s[i + len]);
                r = digits ? "-" : "\xE2\x80\x94";
            } else if (ch == '.' && i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.') {
                used = 3;
                while (i + used < n && s[i + used] == '.') used++;
                r = "\xE2\x80\xA6";
            } else if (ch == '.' && i + 4 < n && !strncmp(s + i, ". . .", 5)) {
                used = 5;
                r = "\xE2\x80\xA6";
            } else if (ch == '-' && i + 1 < n && s[i + 1] == '-') {
                used = 2;
                while (i + used < n && s[i + used] == '-' && used < 3) used++;
                r = "\xE2\x80\x94";
            } else if (ch == '-' && i > 0 && s[i - 1] == ' ' && i + 1 < n && s[i + 1] == ' ' &&
                       !(i >= 2 && lt_isdigit(s[i - 2]) && i + 2 < n && lt_isdigit(s[i + 2]))) {
                r = "\xE2\x80\x94";
            }
            if (r) {
                put_repl(&m, r, i, used);
                i += used;
                continue;
            }
        }
        put_same(&m, i, len);
        i += len;
    }
    if (m.heading && lt_isalnum(lt_nb_last(out)) && n) put_repl(&m, ".", n - 1, 1);
}
