/* catalog.h — the voices a folder offers: every .pt, raw .bin and .npz
 * member (kokoro-onnx's voices-v1.0.bin holds many voices in one file), with
 * metadata — language, gender and the quality grades published in Kokoro's
 * VOICES.md for the 54 official voices, derived from the name prefix for
 * others (af_ → American English, female; …). Sorted by id. */
#ifndef LT_VOICE_CATALOG_H
#define LT_VOICE_CATALOG_H

#include <time.h>

#include "core/error.h"

typedef struct lt_voice_info {
    char id[64];         /* "af_heart" */
    char path[1024];     /* the file */
    char member[64];     /* member name inside an .npz, else "" */
    char lang;           /* a b e f h i j p z, or 0 when the prefix says nothing */
    const char *language;     /* "American English", or NULL */
    const char *gender;       /* "female", "male", or NULL */
    const char *grade;        /* overall grade ("A", "B-", …), NULL when unpublished */
    const char *target_grade; /* target-quality grade, NULL when unpublished */
    const char *training;     /* training data: "HH" 10–100 h, "H" 1–10 h, "MM" 10–100 min, "M" 1–10 min */
    int official;             /* one of Kokoro v1.0's 54 voices */
} lt_voice_info;

typedef struct lt_voice_catalog {
    lt_voice_info *voices;
    int count;
    char dir[1024];
    time_t dir_mtime;
} lt_voice_catalog;

/* Scan a folder (not recursive). Unreadable files are skipped with a warning
 * unless quiet; a missing folder is an error. Duplicate ids: the first file in
 * name order wins (.pt before .bin before .npz members). */
int lt_voice_catalog_scan(const char *dir, int quiet, lt_voice_catalog *out, lt_err *err);
/* Rescan when the folder changed since the last scan. Returns 1 if it did, 0 if not, -1 on error. */
int lt_voice_catalog_refresh(lt_voice_catalog *c, int quiet, lt_err *err);
const lt_voice_info *lt_voice_catalog_find(const lt_voice_catalog *c, const char *id);
void lt_voice_catalog_free(lt_voice_catalog *c);
/* Metadata for a voice id (official table, else the name prefix); fills the metadata fields only. */
void lt_voice_info_describe(const char *id, lt_voice_info *info);

#endif
