/* normalize_buf.c — the normaliser's output buffer: text plus, for every byte,
 * the input byte span it came from and whether it was copied verbatim. The
 * offset map (lt_norm_result.spans) is built from these per-byte spans. An
 * allocation failure sets b->oom and later writes are ignored; the driver
 * reports it once at the end. */
#include <stdlib.h>
#include <string.h>

#include "text/normalize_internal.h"

void lt_nb_init(lt_nbuf *b) { memset(b, 0, sizeof *b); }

void lt_nb_free(lt_nbuf *b) {
    free(b->s);
    free(b->ib);
    free(b->ie);
    free(b->keep);
    lt_nb_init(b);
}

static int reserve(lt_nbuf *b, size_t extra) {
    if (b->oom) return -1;
    if (extra > ((size_t)-1) / 4 - b->len) {
        b->oom = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    char *s = realloc(b->s, cap);
    if (s) b->s = s;
    size_t *ib = realloc(b->ib, cap * sizeof *ib);
    if (ib) b->ib = ib;
    size_t *ie = realloc(b->ie, cap * sizeof *ie);
    if (ie) b->ie = ie;
    unsigned char *keep = realloc(b->keep, cap);
    if (keep) b->keep = keep;
    if (!s || !ib || !ie || !keep) {
        b->oom = 1;
        return -1;
    }
    b->cap = cap;
    return 0;
}

void lt_nb_put(lt_nbuf *b, const char *t, size_t n, size_t ib, size_t ie, int keep) {
    if (!n || reserve(b, n)) return;
    memcpy(b->s + b->len, t, n);
    for (size_t k = 0; k < n; k++) {
        b->ib[b->len + k] = ib;
        b->ie[b->len + k] = ie;
        b->keep[b->len + k] = (unsigned char)keep;
    }
    b->len += n;
    b->s[b->len] = 0;
}

char lt_nb_last(const lt_nbuf *b) { return b->len ? b->s[b->len - 1] : 0; }

void lt_nb_words(lt_nbuf *b, const char *w, size_t n) {
    if (!n) return;
    if (lt_iswordch(lt_nb_last(b)) && lt_iswordch(w[0])) lt_nb_put(b, " ", 1, 0, 0, 0);
    lt_nb_put(b, w, n, 0, 0, 0);
}

void lt_nb_word(lt_nbuf *b, const char *w) { lt_nb_words(b, w, strlen(w)); }

void lt_nb_commit(lt_nbuf *b, size_t mark, size_t ib, size_t ie) {
    if (b->oom) return;
    for (size_t k = mark; k < b->len; k++) {
        b->ib[k] = ib;
        b->ie[k] = ie;
        b->keep[k] = 0;
    }
}

void lt_nb_truncate(lt_nbuf *b, size_t len) {
    if (len < b->len) {
        b->len = len;
        if (b->s) b->s[len] = 0;
    }
}

size_t lt_custom_pron_end(const char *s, size_t n, size_t i) {
    if (i >= n || s[i] != '[') return 0;
    size_t k = i + 1;
    while (k < n && s[k] != ']' && s[k] != '[' && s[k] != '\n') k++;
    if (k == i + 1 || k + 1 >= n || s[k] != ']' || s[k + 1] != '(') return 0;
    size_t f = k + 2, e = f;
    while (e < n && s[e] != ')' && s[e] != '\n') e++;
    if (e >= n || s[e] != ')' || e == f) return 0;
    if (e - f >= 2 && s[f] == '/' && s[e - 1] == '/') return e + 1;
    size_t d = f + (s[f] == '+' || s[f] == '-');
    if (e - d == 3 && !memcmp(s + d, "0.5", 3)) return e + 1;
    if (d == e || e - d > 2) return 0;
    for (size_t q = d; q < e; q++)
        if (s[q] < '0' || s[q] > '9') return 0;
    return e + 1;
}
