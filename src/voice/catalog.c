/* catalog.c — scanning a voices folder (see catalog.h). */
#include "voice/catalog.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "voice/blend.h"
#include "voice/voice_pack.h"

/* Kokoro v1.0's voices as published in VOICES.md: id, target grade, overall grade, training data. */
static const struct { const char *id, *target, *grade, *training; } official[] = {
    {"af_heart", NULL, "A", NULL},     {"af_bella", "A", "A-", "HH"},   {"af_nicole", "B", "B-", "HH"},
    {"af_aoede", "B", "C+", "H"},      {"af_kore", "B", "C+", "H"},     {"af_sarah", "B", "C+", "H"},
    {"af_alloy", "B", "C", "MM"},      {"af_nova", "B", "C", "MM"},     {"af_sky", "B", "C-", "M"},
    {"af_jessica", "C", "D", NULL},    {"af_river", "C", "D", NULL},    {"am_fenrir", "B", "C+", "H"},
    {"am_michael", "B", "C+", "H"},    {"am_puck", "B", "C+", "H"},     {"am_echo", "C", "D", NULL},
    {"am_eric", "C", "D", NULL},       {"am_liam", "C", "D", NULL},     {"am_onyx", "C", "D", NULL},
    {"am_santa", "C", "D-", "M"},      {"am_adam", "D", "F+", "H"},     {"bf_emma", "B", "B-", "HH"},
    {"bf_isabella", "B", "C", NULL},   {"bf_alice", "C", "D", NULL},    {"bf_lily", "C", "D", NULL},
    {"bm_fable", "B", "C", NULL},      {"bm_george", "B", "C", NULL},   {"bm_lewis", "C", "D+", "H"},
    {"bm_daniel", "C", "D", NULL},     {"jf_alpha", "B", "C+", "H"},    {"jf_gongitsune", "B", "C", NULL},
    {"jf_tebukuro", "B", "C", NULL},   {"jf_nezumi", "B", "C-", "M"},   {"jm_kumo", "B", "C-", "M"},
    {"zf_xiaobei", "C", "D", "MM"},    {"zf_xiaoni", "C", "D", "MM"},   {"zf_xiaoxiao", "C", "D", "MM"},
    {"zf_xiaoyi", "C", "D", "MM"},     {"zm_yunjian", "C", "D", "MM"},  {"zm_yunxi", "C", "D", "MM"},
    {"zm_yunxia", "C", "D", "MM"},     {"zm_yunyang", "C", "D", "MM"},  {"ef_dora", NULL, NULL, NULL},
    {"em_alex", NULL, NULL, NULL},     {"em_santa", NULL, NULL, NULL},  {"ff_siwis", "B", "B-", NULL},
    {"hf_alpha", "B", "C", "MM"},      {"hf_beta", "B", "C", "MM"},     {"hm_omega", "B", "C", "MM"},
    {"hm_psi", "B", "C", "MM"},        {"if_sara", "B", "C", "MM"},     {"im_nicola", "B", "C", "MM"},
    {"pf_dora", NULL, NULL, NULL},     {"pm_alex", NULL, NULL, NULL},   {"pm_santa", NULL, NULL, NULL},
};

static const struct { char code; const char *language; } languages[] = {
    {'a', "American English"}, {'b', "British English"}, {'e', "Spanish"},  {'f', "French"},
    {'h', "Hindi"},            {'i', "Italian"},         {'j', "Japanese"}, {'p', "Brazilian Portuguese"},
    {'z', "Mandarin Chinese"},
};

void lt_voice_info_describe(const char *id, lt_voice_info *info) {
    info->lang = 0;
    info->language = info->gender = info->grade = info->target_grade = info->training = NULL;
    info->official = 0;
    if (strlen(id) > 3 && id[2] == '_') {
        for (size_t i = 0; i < sizeof languages / sizeof *languages; i++)
            if (languages[i].code == id[0]) {
                info->lang = id[0];
                info->language = languages[i].language;
            }
        if (info->lang) info->gender = id[1] == 'f' ? "female" : id[1] == 'm' ? "male" : NULL;
    }
    for (size_t i = 0; i < sizeof official / sizeof *official; i++)
        if (!strcmp(official[i].id, id)) {
            info->official = 1;
            info->grade = official[i].grade;
            info->target_grade = official[i].target;
            info->training = official[i].training;
        }
}

static int add(lt_voice_catalog *c, int *cap, const char *id, const char *path, const char *member) {
    if (!lt_voice_name_valid(id) || lt_voice_catalog_find(c, id)) return 0;
    if (c->count == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        lt_voice_info *v = realloc(c->voices, sizeof(lt_voice_info) * (size_t)*cap);
        if (!v) return -1;
        c->voices = v;
    }
    lt_voice_info *v = &c->voices[c->count++];
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s", id);
    snprintf(v->path, sizeof v->path, "%s", path);
    snprintf(v->member, sizeof v->member, "%s", member ? member : "");
    lt_voice_info_describe(id, v);
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int by_id(const void *a, const void *b) {
    return strcmp(((const lt_voice_info *)a)->id, ((const lt_voice_info *)b)->id);
}

static int ext_rank(const char *name) {
    size_t n = strlen(name);
    if (n > 3 && !strcmp(name + n - 3, ".pt")) return 1;
    if (n > 4 && !strcmp(name + n - 4, ".bin")) return 2;
    if (n > 4 && !strcmp(name + n - 4, ".npz")) return 3;
    return 0;
}

static int is_zip(const char *path) {
    FILE *f = fopen(path, "rb");
    unsigned char m[4] = {0};
    int zip = f && fread(m, 1, 4, f) == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4;
    if (f) fclose(f);
    return zip;
}

int lt_voice_catalog_scan(const char *dir, int quiet, lt_voice_catalog *out, lt_err *err) {
    memset(out, 0, sizeof *out);
    snprintf(out->dir, sizeof out->dir, "%s", dir);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return lt_fail(err, "%s: voices folder not found", dir);
    out->dir_mtime = st.st_mtime;
    DIR *d = opendir(dir);
    if (!d) return lt_fail(err, "%s: cannot read the voices folder: %m", dir);
    char **names = NULL;
    int n = 0, cap_n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ext_rank(e->d_name)) continue;
        if (n == cap_n) {
            cap_n = cap_n ? 2 * cap_n : 64;
            char **nn = realloc(names, sizeof(char *) * (size_t)cap_n);
            if (!nn) break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, by_name);
    int cap = 0, rc = 0;
    for (int pass = 1; pass <= 3 && rc == 0; pass++) /* .pt first, then .bin, then archives */
        for (int i = 0; i < n && rc == 0; i++) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            int rank = ext_rank(names[i]);
            int archive = rank == 3 || (rank == 2 && is_zip(path));
            if (archive != (pass == 3) || (!archive && rank != pass)) continue;
            if (archive) {
                char **members = NULL;
                int count = 0;
                lt_err e2;
                if (lt_voice_pack_list_npz(path, &members, &count, &e2)) {
                    if (!quiet) fprintf(stderr, "litetts: skipping %s\n", e2.msg);
                    continue;
                }
                for (int k = 0; k < count && rc == 0; k++) rc = add(out, &cap, members[k], path, members[k]);
                lt_voice_pack_names_free(members, count);
            } else {
                char id[256];
                snprintf(id, sizeof id, "%.*s", (int)(strlen(names[i]) - (rank == 1 ? 3 : 4)), names[i]);
                rc = add(out, &cap, id, path, NULL);
            }
        }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    if (rc) {
        lt_voice_catalog_free(out);
        return lt_fail(err, "%s: out of memory scanning voices", dir);
    }
    qsort(out->voices, (size_t)out->count, sizeof *out->voices, by_id);
    return 0;
}

int lt_voice_catalog_refresh(lt_voice_catalog *c, int quiet, lt_err *err) {
    struct stat st;
    if (stat(c->dir, &st) != 0) return lt_fail(err, "%s: voices folder not found", c->dir);
    if (st.st_mtime == c->dir_mtime) return 0;
    lt_voice_catalog fresh;
    char dir[sizeof c->dir];
    snprintf(dir, sizeof dir, "%s", c->dir);
    if (lt_voice_catalog_scan(dir, quiet, &fresh, err)) return -1;
    lt_voice_catalog_free(c);
    *c = fresh;
    return 1;
}

const lt_voice_info *lt_voice_catalog_find(const lt_voice_catalog *c, const char *id) {
    for (int i = 0; i < c->count; i++)
        if (!strcmp(c->voices[i].id, id)) return &c->voices[i];
    return NULL;
}

void lt_voice_catalog_free(lt_voice_catalog *c) {
    if (!c) return;
    free(c->voices);
    c->voices = NULL;
    c->count = 0;
}
