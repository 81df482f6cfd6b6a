/* chunk.c — chunk planning (see chunk.h). */
#include "text/chunk.h"

#include <stdlib.h>
#include <string.h>

int lt_utf8_count(const char *s, size_t len) {
    int n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int ends_with(const char *s, const char *e, const char *suffix) {
    size_t n = strlen(suffix);
    return (size_t)(e - s) >= n && !memcmp(e - n, suffix, n);
}

/* 2: the word ends a sentence (. ! ? …), 1: a clause (, ; : —), 0: neither;
 * closing quotes and brackets after the mark do not count. */
static int boundary(const lt_chunk_word *w) {
    const char *s = w->ph, *e = w->ph + w->ph_len;
    for (;;) {
        if (e > s && (e[-1] == '"' || e[-1] == ')')) e--;
        else if (ends_with(s, e, "”")) e -= strlen("”");
        else break;
    }
    if (e == s) return 0;
    if (e[-1] == '.' || e[-1] == '!' || e[-1] == '?' || ends_with(s, e, "…")) return 2;
    if (e[-1] == ',' || e[-1] == ';' || e[-1] == ':' || ends_with(s, e, "—")) return 1;
    return 0;
}

static int emit(lt_chunk_list *out, const lt_chunk_word *w, int start, int count) {
    lt_chunk *items = realloc(out->items, sizeof(lt_chunk) * (size_t)(out->count + 1));
    if (!items) return -1;
    out->items = items;
    lt_chunk *c = &items[out->count];
    memset(c, 0, sizeof *c);
    size_t bytes = 0;
    for (int i = 0; i < count; i++) bytes += w[start + i].ph_len + 1;
    c->phonemes = malloc(bytes + 1);
    c->word_cp = malloc(sizeof(int) * 2 * (size_t)(count ? count : 1));
    if (!c->phonemes || !c->word_cp) {
        free(c->phonemes);
        free(c->word_cp);
        return -1;
    }
    size_t off = 0;
    int cp = 0;
    for (int i = 0; i < count; i++) {
        const lt_chunk_word *x = &w[start + i];
        if (i) {
            c->phonemes[off++] = ' ';
            cp++;
        }
        memcpy(c->phonemes + off, x->ph, x->ph_len);
        off += x->ph_len;
        c->word_cp[2 * i] = cp;
        cp += lt_utf8_count(x->ph, x->ph_len);
        c->word_cp[2 * i + 1] = cp;
    }
    c->phonemes[off] = 0;
    c->n_cp = cp;
    c->word_start = start;
    c->word_count = count;
    out->count++;
    return 0;
}

int lt_chunk_plan(const lt_chunk_word *w, int n, int max_cp, int first_cp, lt_chunk_list *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    if (max_cp < 1) return lt_fail(err, "chunk: max_cp must be positive");
    int i = 0;
    while (i < n) {
        /* grow the chunk word by word; remember the last sentence and clause ends that fit */
        int cp = 0, last_sentence = -1, last_clause = -1, j = i;
        int first = out->count == 0 && first_cp > 0;
        while (j < n) {
            int wcp = lt_utf8_count(w[j].ph, w[j].ph_len);
            int add = (j > i ? 1 : 0) + wcp;
            if (cp + add > max_cp) break;
            cp += add;
            int b = boundary(&w[j]);
            j++;
            if (b == 2) last_sentence = j;
            if (b >= 1) last_clause = j;
            if (first && (b == 2 || (b == 1 && cp >= first_cp))) break;
        }
        int end;
        if (j == n && j > i && !first) end = n;          /* the rest fits */
        else if (first && j > i && (j == n || boundary(&w[j - 1]) >= 1)) end = j;
        else if (last_sentence > i) end = last_sentence;
        else if (last_clause > i) end = last_clause;
        else if (j > i) end = j;                          /* no mark inside the limit: cut between words */
        else end = i + 1;                                 /* one word longer than the limit: alone */
        if (emit(out, w, i, end - i)) {
            lt_chunk_list_free(out);
            return lt_fail(err, "chunk: out of memory");
        }
        i = end;
    }
    return 0;
}

void lt_chunk_list_free(lt_chunk_list *l) {
    if (!l) return;
    for (int i = 0; i < l->count; i++) {
        free(l->items[i].phonemes);
        free(l->items[i].word_cp);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

int lt_chunk_split_phonemes(const char *ph, lt_chunk_word **words) {
    int n = 0, cap = 0;
    *words = NULL;
    const char *p = ph;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            lt_chunk_word *nw = realloc(*words, sizeof(lt_chunk_word) * (size_t)cap);
            if (!nw) {
                free(*words);
                *words = NULL;
                return -1;
            }
            *words = nw;
        }
        (*words)[n++] = (lt_chunk_word){.ph = s, .ph_len = (size_t)(p - s), .src_start = (size_t)(s - ph),
                                        .src_end = (size_t)(p - ph)};
    }
    return n;
}
