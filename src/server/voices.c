/* voices.c — see voices.h: directory scan, lazy loading, metadata. */
#include "server/voices.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct voice_entry {
    char name[64];
    char *path;
    lt_voice_pack pack;
    int loaded;
} voice_entry;

struct lt_voices {
    pthread_mutex_t mu;
    voice_entry *items;
    int count, width;
};

static int by_name(const void *a, const void *b) {
    return strcmp(((const voice_entry *)a)->name, ((const voice_entry *)b)->name);
}

/* A voice name is letters, digits, '_' and '-' only. */
static int valid_name(const char *s, size_t n) {
    if (n == 0 || n >= 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int lt_voices_open(const char *dir, int width, lt_voices **out, lt_err *err) {
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) return lt_fail(err, "voices directory %s: cannot open it", dir);
    lt_voices *v = calloc(1, sizeof *v);
    if (!v) {
        closedir(d);
        return lt_fail(err, "out of memory");
    }
    pthread_mutex_init(&v->mu, NULL);
    v->width = width;
    int cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name, *dot = strrchr(n, '.');
        if (!dot || (strcmp(dot, ".pt") && strcmp(dot, ".bin"))) continue;
        size_t len = (size_t)(dot - n);
        if (!valid_name(n, len)) continue;
        char name[64];
        memcpy(name, n, len);
        name[len] = 0;
        int dup = -1;
        for (int i = 0; i < v->count; i++)
            if (!strcmp(v->items[i].name, name)) dup = i;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        if (dup >= 0) { /* both name.pt and name.bin: prefer the official .pt */
            if (!strcmp(dot, ".pt")) {
                free(v->items[dup].path);
                v->items[dup].path = strdup(path);
            }
            continue;
        }
        if (v->count == cap) {
            cap = cap ? cap * 2 : 64;
            voice_entry *ni = realloc(v->items, sizeof *ni * (size_t)cap);
            if (!ni) break;
            v->items = ni;
        }
        voice_entry *e = &v->items[v->count];
        memset(e, 0, sizeof *e);
        snprintf(e->name, sizeof e->name, "%s", name);
        e->path = strdup(path);
        if (e->path) v->count++;
    }
    closedir(d);
    if (v->count == 0) {
        lt_voices_free(v);
        return lt_fail(err, "voices directory %s: no voice packs (.pt or .bin) in it", dir);
    }
    qsort(v->items, (size_t)v->count, sizeof *v->items, by_name);
    *out = v;
    return 0;
}

void lt_voices_free(lt_voices *v) {
    if (!v) return;
    for (int i = 0; i < v->count; i++) {
        free(v->items[i].path);
        if (v->items[i].loaded) lt_voice_pack_free(&v->items[i].pack);
    }
    free(v->items);
    pthread_mutex_destroy(&v->mu);
    free(v);
}

int lt_voices_count(const lt_voices *v) { return v->count; }

static voice_entry *find(const lt_voices *v, const char *name) {
    if (!name || !valid_name(name, strlen(name))) return NULL;
    voice_entry key;
    snprintf(key.name, sizeof key.name, "%s", name);
    return bsearch(&key, v->items, (size_t)v->count, sizeof *v->items, by_name);
}

int lt_voices_known(const lt_voices *v, const char *name) { return find(v, name) != NULL; }

int lt_voices_resolve(const lt_voices *v, const char *name, char *out, size_t outsz) {
    if (!name || !valid_name(name, strlen(name))) return -1;
    if (find(v, name)) {
        snprintf(out, outsz, "%s", name);
        return 0;
    }
    /* "alloy" → the one voice named xx_alloy (Kokoro has af_alloy, am_echo, bm_fable, af_nova, am_onyx) */
    int hit = -1;
    for (int i = 0; i < v->count; i++) {
        const char *n = v->items[i].name;
        if (strlen(n) > 3 && n[2] == '_' && !strcmp(n + 3, name)) {
            if (hit >= 0) return -1;
            hit = i;
        }
    }
    if (hit < 0) return -1;
    snprintf(out, outsz, "%s", v->items[hit].name);
    return 0;
}

const lt_voice_pack *lt_voices_get(lt_voices *v, const char *name, lt_err *err) {
    voice_entry *e = find(v, name);
    if (!e) {
        lt_fail(err, "unknown voice '%s'", name ? name : "");
        return NULL;
    }
    pthread_mutex_lock(&v->mu);
    if (!e->loaded) {
        if (lt_voice_pack_load(e->path, NULL, v->width, &e->pack, err) == 0) e->loaded = 1;
    }
    const lt_voice_pack *p = e->loaded ? &e->pack : NULL;
    pthread_mutex_unlock(&v->mu);
    return p;
}

char lt_voices_lang(const char *name) {
    if (!name || strlen(name) < 3 || name[2] != '_') return 0;
    switch (name[0]) {
    case 'a': case 'b': case 'e': case 'f': case 'h': case 'i': case 'j': case 'p': case 'z': return name[0];
    default: return 0;
    }
}

static const char *language_name(char c) {
    switch (c) {
    case 'a': return "en-US";
    case 'b': return "en-GB";
    case 'e': return "es";
    case 'f': return "fr-FR";
    case 'h': return "hi";
    case 'i': return "it";
    case 'j': return "ja";
    case 'p': return "pt-BR";
    case 'z': return "zh";
    default: return NULL;
    }
}

json_t *lt_voices_json(const lt_voices *v) {
    json_t *arr = json_array();
    for (int i = 0; i < v->count; i++) {
        const char *n = v->items[i].name;
        char lang = lt_voices_lang(n);
        const char *gender = NULL;
        if (lang && n[2] == '_') gender = n[1] == 'f' ? "female" : n[1] == 'm' ? "male" : NULL;
        json_t *o = json_pack("{s:s, s:s}", "id", n, "name", n);
        if (lang) {
            char lc[2] = {lang, 0};
            json_object_set_new(o, "language", json_string(language_name(lang)));
            json_object_set_new(o, "lang_code", json_string(lc));
        }
        if (gender) json_object_set_new(o, "gender", json_string(gender));
        json_array_append_new(arr, o);
    }
    return json_pack("{s:o}", "voices", arr);
}
