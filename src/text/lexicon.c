/* lexicon.c — loading and looking up misaki's JSON lexicons (see lexicon.h).
 *
 * Owns: a small in-place JSON reader for the lexicon shape (object of string →
 * string | object of string → string|null), the per-table hash index (open
 * addressing, FNV-1a) and the case rules. Each file is read into one buffer and
 * parsed in place: keys and phonemes point into it, so 12 MB load in tens of
 * milliseconds with no per-string allocation. */
#include "text/lexicon.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct lt_dict {
    lt_lex_entry *e;
    size_t n, cap;
    uint32_t *index; /* entry index + 1, 0 = empty */
    size_t icap;     /* power of two */
    char **bufs;     /* owned file buffers / copied strings */
    size_t nbufs, bufcap;
} lt_dict;

struct lt_lexicon {
    char lang;
    lt_dict d[LT_LEX_NTABLES];
    double load_s;
};

static uint32_t fnv(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int dict_keep(lt_dict *d, char *buf) {
    if (d->nbufs == d->bufcap) {
        size_t c = d->bufcap ? d->bufcap * 2 : 8;
        char **nb = realloc(d->bufs, c * sizeof *nb);
        if (!nb) return -1;
        d->bufs = nb;
        d->bufcap = c;
    }
    d->bufs[d->nbufs++] = buf;
    return 0;
}

static void dict_free(lt_dict *d) {
    for (size_t i = 0; i < d->n; i++) free((void *)d->e[i].tags);
    for (size_t i = 0; i < d->nbufs; i++) free(d->bufs[i]);
    free(d->e);
    free(d->index);
    free(d->bufs);
    memset(d, 0, sizeof *d);
}

static int dict_rehash(lt_dict *d, size_t icap) {
    uint32_t *ix = calloc(icap, sizeof *ix);
    if (!ix) return -1;
    for (size_t i = 0; i < d->n; i++) {
        const char *k = d->e[i].key;
        size_t h = fnv(k, strlen(k)) & (icap - 1);
        while (ix[h]) h = (h + 1) & (icap - 1);
        ix[h] = (uint32_t)(i + 1);
    }
    free(d->index);
    d->index = ix;
    d->icap = icap;
    return 0;
}

static long dict_find(const lt_dict *d, const char *w, size_t n) {
    if (!d->icap) return -1;
    size_t h = fnv(w, n) & (d->icap - 1);
    while (d->index[h]) {
        const char *k = d->e[d->index[h] - 1].key;
        if (!strncmp(k, w, n) && k[n] == 0) return (long)d->index[h] - 1;
        h = (h + 1) & (d->icap - 1);
    }
    return -1;
}

/* Insert or replace (later definitions win, as in Python's json). */
static int dict_put(lt_dict *d, lt_lex_entry ent) {
    size_t kn = strlen(ent.key);
    long at = dict_find(d, ent.key, kn);
    if (at >= 0) {
        free((void *)d->e[at].tags);
        d->e[at] = ent;
        return 0;
    }
    if (d->n == d->cap) {
        size_t c = d->cap ? d->cap * 2 : 1024;
        lt_lex_entry *ne = realloc(d->e, c * sizeof *ne);
        if (!ne) return -1;
        d->e = ne;
        d->cap = c;
    }
    d->e[d->n++] = ent;
    if (d->n * 2 > d->icap) return dict_rehash(d, d->icap ? d->icap * 2 : 4096);
    size_t h = fnv(ent.key, kn) & (d->icap - 1);
    while (d->index[h]) h = (h + 1) & (d->icap - 1);
    d->index[h] = (uint32_t)d->n;
    return 0;
}

/* ---- in-place JSON reader ------------------------------------------------ */

typedef struct jr {
    char *p, *end;
    const char *file;
    char *base;
    lt_err *err;
} jr;

static int jr_fail(jr *j, const char *what) {
    return lt_fail(j->err, "%s: malformed lexicon JSON at byte %ld: %s", j->file, (long)(j->p - j->base), what);
}

static void jr_ws(jr *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')) j->p++;
}

static int hexv(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_hex4(const char *s, unsigned *v) {
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexv((unsigned char)s[i]);
        if (h < 0) return -1;
        x = x * 16 + (unsigned)h;
    }
    *v = x;
    return 0;
}

static char *put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) *o++ = (char)cp;
    else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* At '"': unescape in place, NUL-terminate, return the start. */
static char *jr_string(jr *j) {
    if (j->p >= j->end || *j->p != '"') {
        jr_fail(j, "expected a string");
        return NULL;
    }
    char *start = ++j->p, *o = start;
    while (j->p < j->end) {
        char c = *j->p;
        if (c == '"') {
            *o = 0;
            j->p++;
            return start;
        }
        if ((unsigned char)c < 0x20) break;
        if (c != '\\') {
            *o++ = c;
            j->p++;
            continue;
        }
        if (j->end - j->p < 2) break;
        char e = j->p[1];
        j->p += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp;
            if (j->end - j->p < 4 || read_hex4(j->p, &cp)) {
                jr_fail(j, "bad \\u escape");
                return NULL;
            }
            j->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' && !read_hex4(j->p + 2, &lo) &&
                    lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->p += 6;
                } else
                    cp = 0xFFFD;
            } else if (cp >= 0xDC00 && cp < 0xE000)
                cp = 0xFFFD;
            if (cp == 0) cp = 0xFFFD;
            o = put_utf8(o, cp);
            break;
        }
        default: jr_fail(j, "bad escape"); return NULL;
        }
    }
    jr_fail(j, "unterminated string");
    return NULL;
}

static int jr_lit(jr *j, const char *lit) {
    size_t n = strlen(lit);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n)) return -1;
    j->p += n;
    return 0;
}

static int parse_into(lt_dict *d, char *buf, size_t len, const char *file, lt_err *err) {
    jr j = {buf, buf + len, file, buf, err};
    jr_ws(&j);
    if (j.p >= j.end || *j.p != '{') return jr_fail(&j, "expected an object");
    j.p++;
    jr_ws(&j);
    if (j.p < j.end && *j.p == '}') return 0;
    for (;;) {
        jr_ws(&j);
        char *key = jr_string(&j);
        if (!key) return -1;
        jr_ws(&j);
        if (j.p >= j.end || *j.p != ':') return jr_fail(&j, "expected ':'");
        j.p++;
        jr_ws(&j);
        lt_lex_entry ent = {key, NULL, NULL, 0};
        if (j.p < j.end && *j.p == '"') {
            if (!(ent.ps = jr_string(&j))) return -1;
        } else if (j.p < j.end && *j.p == '{') {
            j.p++;
            const char *tmp[64];
            int nt = 0;
            jr_ws(&j);
            if (j.p < j.end && *j.p == '}') j.p++;
            else
                for (;;) {
                    jr_ws(&j);
                    char *tag = jr_string(&j);
                    if (!tag) return -1;
                    jr_ws(&j);
                    if (j.p >= j.end || *j.p != ':') return jr_fail(&j, "expected ':'");
                    j.p++;
                    jr_ws(&j);
                    char *v = NULL;
                    if (j.p < j.end && *j.p == '"') {
                        if (!(v = jr_string(&j))) return -1;
                    } else if (jr_lit(&j, "null"))
                        return jr_fail(&j, "a tag's value must be a string or null");
                    if (nt < 32) {
                        tmp[2 * nt] = tag;
                        tmp[2 * nt + 1] = v;
                        nt++;
                    }
                    jr_ws(&j);
                    if (j.p < j.end && *j.p == ',') {
                        j.p++;
                        continue;
                    }
                    if (j.p < j.end && *j.p == '}') {
                        j.p++;
                        break;
                    }
                    return jr_fail(&j, "expected ',' or '}'");
                }
            const char **tags = malloc((size_t)(nt ? nt : 1) * 2 * sizeof *tags);
            if (!tags) return lt_fail(err, "%s: out of memory", file);
            memcpy(tags, tmp, (size_t)nt * 2 * sizeof *tags);
            ent.tags = tags;
            ent.ntags = nt;
        } else if (!jr_lit(&j, "null")) {
            jr_ws(&j);
            goto next; /* a null entry: nothing to add */
        } else
            return jr_fail(&j, "a value must be a string, an object or null");
        if (dict_put(d, ent)) {
            free((void *)ent.tags);
            return lt_fail(err, "%s: out of memory", file);
        }
    next:
        jr_ws(&j);
        if (j.p < j.end && *j.p == ',') {
            j.p++;
            continue;
        }
        if (j.p < j.end && *j.p == '}') return 0;
        return jr_fail(&j, "expected ',' or '}'");
    }
}

static char *slurp(const char *path, size_t *len, lt_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        lt_fail(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END)) goto bad;
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET)) goto bad;
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        fclose(f);
        lt_fail(err, "%s: out of memory (%ld bytes)", path, n);
        return NULL;
    }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        goto bad;
    }
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
bad:
    fclose(f);
    lt_fail(err, "%s: read error", path);
    return NULL;
}

static int load_file(lt_dict *d, const char *path, lt_err *err) {
    size_t len;
    char *buf = slurp(path, &len, err);
    if (!buf) return -1;
    if (dict_keep(d, buf)) {
        free(buf);
        return lt_fail(err, "%s: out of memory", path);
    }
    return parse_into(d, buf, len, path, err);
}

/* ---- public -------------------------------------------------------------- */

lt_lexicon *lt_lexicon_new(char lang, lt_err *err) {
    if (lang != 'a' && lang != 'b') {
        lt_fail(err, "lexicon: language '%c' has no English lexicon (use 'a' or 'b')", lang ? lang : '?');
        return NULL;
    }
    lt_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx) {
        lt_fail(err, "lexicon: out of memory");
        return NULL;
    }
    lx->lang = lang;
    return lx;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int lt_lexicon_load_dir(lt_lexicon *lx, const char *dir, lt_err *err) {
    double t0 = now_s();
    const char *pre = lx->lang == 'b' ? "gb" : "us";
    lt_dict nd[2];
    memset(nd, 0, sizeof nd);
    const char *kind[2] = {"gold", "silver"};
    for (int i = 0; i < 2; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s_%s.json", dir, pre, kind[i]);
        if (load_file(&nd[i], path, err)) {
            dict_free(&nd[0]);
            dict_free(&nd[1]);
            return -1;
        }
    }
    dict_free(&lx->d[LT_LEX_GOLD]);
    dict_free(&lx->d[LT_LEX_SILVER]);
    lx->d[LT_LEX_GOLD] = nd[0];
    lx->d[LT_LEX_SILVER] = nd[1];
    lx->load_s = now_s() - t0;
    return 0;
}

/* Moves a parsed scratch table into the user table (later entries win). */
static int merge_user(lt_lexicon *lx, lt_dict *tmp, const char *name, lt_err *err);

int lt_lexicon_load_user(lt_lexicon *lx, const char *path, lt_err *err) {
    /* Parse into a scratch table first so a bad file changes nothing. */
    lt_dict tmp;
    memset(&tmp, 0, sizeof tmp);
    if (load_file(&tmp, path, err)) {
        dict_free(&tmp);
        return -1;
    }
    return merge_user(lx, &tmp, path, err);
}

int lt_lexicon_load_user_mem(lt_lexicon *lx, const char *json, size_t n, const char *name, lt_err *err) {
    if (!name) name = "user lexicon";
    char *buf = malloc(n + 1);
    if (!buf) return lt_fail(err, "%s: out of memory", name);
    memcpy(buf, json, n);
    buf[n] = 0;
    lt_dict tmp;
    memset(&tmp, 0, sizeof tmp);
    if (dict_keep(&tmp, buf)) {
        free(buf);
        return lt_fail(err, "%s: out of memory", name);
    }
    if (parse_into(&tmp, buf, n, name, err)) {
        dict_free(&tmp);
        return -1;
    }
    return merge_user(lx, &tmp, name, err);
}

static int merge_user(lt_lexicon *lx, lt_dict *tmp_, const char *path, lt_err *err) {
    lt_dict tmp = *tmp_;
    lt_dict *u = &lx->d[LT_LEX_USER];
    /* the text buffers first: entries moved into u point into them */
    size_t kept = 0;
    while (kept < tmp.nbufs && !dict_keep(u, tmp.bufs[kept])) kept++;
    if (kept < tmp.nbufs) {
        for (size_t i = 0; i < kept; i++) tmp.bufs[i] = NULL; /* owned by u now (free(NULL) below) */
        dict_free(&tmp);
        return lt_fail(err, "%s: out of memory", path);
    }
    tmp.nbufs = 0;
    for (size_t i = 0; i < tmp.n; i++) {
        if (dict_put(u, tmp.e[i])) {
            dict_free(&tmp);
            return lt_fail(err, "%s: out of memory", path);
        }
        tmp.e[i].tags = NULL; /* now owned by u */
    }
    dict_free(&tmp);
    return 0;
}

int lt_lexicon_add_user(lt_lexicon *lx, const char *word, const char *phonemes, lt_err *err) {
    size_t a = strlen(word), b = strlen(phonemes);
    char *s = malloc(a + b + 2);
    if (!s) return lt_fail(err, "lexicon: out of memory");
    memcpy(s, word, a + 1);
    memcpy(s + a + 1, phonemes, b + 1);
    lt_dict *u = &lx->d[LT_LEX_USER];
    if (dict_keep(u, s)) {
        free(s);
        return lt_fail(err, "lexicon: out of memory");
    }
    lt_lex_entry e = {s, s + a + 1, NULL, 0};
    if (dict_put(u, e)) return lt_fail(err, "lexicon: out of memory");
    return 0;
}

void lt_lexicon_free(lt_lexicon *lx) {
    if (!lx) return;
    for (int i = 0; i < LT_LEX_NTABLES; i++) dict_free(&lx->d[i]);
    free(lx);
}

char lt_lexicon_lang(const lt_lexicon *lx) { return lx->lang; }
size_t lt_lexicon_count(const lt_lexicon *lx, lt_lex_table t) { return lx->d[t].n; }
double lt_lexicon_load_seconds(const lt_lexicon *lx) { return lx->load_s; }

const lt_lex_entry *lt_lexicon_get_exact(const lt_lexicon *lx, lt_lex_table t, const char *word, size_t n) {
    long i = dict_find(&lx->d[t], word, n);
    return i < 0 ? NULL : &lx->d[t].e[i];
}

static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }

const lt_lex_entry *lt_lexicon_get(const lt_lexicon *lx, lt_lex_table t, const char *word, size_t n) {
    const lt_lex_entry *e = lt_lexicon_get_exact(lx, t, word, n);
    if (e || n < 2 || n > 256) return e;
    /* grow_dictionary: k lowercase → also Capitalised; k Capitalised → also lowercase. */
    char alt[257];
    int has_upper = 0, rest_upper = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)word[i] >= 0x80) return NULL; /* ASCII case rules only */
        if (is_upper(word[i])) {
            has_upper = 1;
            if (i) rest_upper = 1;
        }
    }
    if (!has_upper) {
        /* word is lowercase: the Capitalised key grows a lowercase alias */
        if (!is_lower(word[0])) return NULL;
        memcpy(alt, word, n);
        alt[0] = (char)(word[0] - 32);
        return lt_lexicon_get_exact(lx, t, alt, n);
    }
    if (is_upper(word[0]) && !rest_upper) {
        /* word is Capitalised: a lowercase key grows a Capitalised alias */
        memcpy(alt, word, n);
        alt[0] = (char)(word[0] + 32);
        return lt_lexicon_get_exact(lx, t, alt, n);
    }
    return NULL;
}

int lt_lex_entry_has(const lt_lex_entry *e, const char *tag) {
    for (int i = 0; i < e->ntags; i++)
        if (!strcmp(e->tags[2 * i], tag)) return 1;
    return 0;
}

const char *lt_lex_entry_pick(const lt_lex_entry *e, const char *tag, int *has_tag) {
    if (has_tag) *has_tag = 0;
    if (!e->ntags) return e->ps;
    const char *def = NULL;
    for (int i = 0; i < e->ntags; i++) {
        if (tag && !strcmp(e->tags[2 * i], tag)) {
            if (has_tag) *has_tag = 1;
            return e->tags[2 * i + 1];
        }
        if (!strcmp(e->tags[2 * i], "DEFAULT")) def = e->tags[2 * i + 1];
    }
    return def;
}

void lt_lexicon_foreach(const lt_lexicon *lx, lt_lex_table t, int (*cb)(void *ud, const lt_lex_entry *e), void *ud) {
    const lt_dict *d = &lx->d[t];
    for (size_t i = 0; i < d->n; i++)
        if (cb(ud, &d->e[i])) return;
}
