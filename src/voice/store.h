/* store.h — saved custom voices, persistent under a data directory.
 *
 * Packs are files <data>/voices/<name>.<version>.bin (raw float32, rows ×
 * width); a SQLite catalog <data>/voices.db holds their metadata and names
 * the current file of each voice. A save writes a new file (temporary name,
 * fsync, rename), then commits the row that names it, then removes the
 * replaced version: a crash or power loss at any point leaves the old state
 * or the new one, never a mix; on open, temporary files, packs no row names
 * and rows whose pack is missing are removed. Safe for several
 * threads and processes (SQLite locking; a busy timeout). The same catalog
 * keeps the deletes that still have to reach the replicas' shared copies. */
#ifndef LT_VOICE_STORE_H
#define LT_VOICE_STORE_H

#include <stdint.h>

#include "core/error.h"
#include "voice/voice_pack.h"

typedef struct lt_voice_store lt_voice_store;

typedef struct lt_stored_voice {
    char name[64];
    char description[256];
    char expression[256]; /* the blend it was made from, or "" for an uploaded pack */
    int rows, width;
    int64_t created;      /* unix seconds */
    char file[256];       /* this version's pack file under <data>/voices */
    char etag[65];        /* shared copies (voice/shared_voices.h): SHA-256 hex of the Redis record */
    int shared;           /* 1: served from Redis (another replica's save or the newer version), 0: local */
} lt_stored_voice;

lt_voice_store *lt_voice_store_open(const char *data_dir, lt_err *err);
void lt_voice_store_close(lt_voice_store *s);

/* expected_width: 2 × style_dim of the loaded model (0 = any). Refuses an
 * existing name unless replace; validates name, shape (rows 510) and values. */
int lt_voice_store_save(lt_voice_store *s, const char *name, const lt_voice_pack *pack, int expected_width,
                        const char *description, const char *expression, int replace, lt_err *err);
/* 0 found, 1 not found, -1 error. pack may be NULL (metadata only). */
int lt_voice_store_get(lt_voice_store *s, const char *name, lt_stored_voice *meta, lt_voice_pack *pack, lt_err *err);
/* 0 deleted, 1 not found, -1 error. */
int lt_voice_store_delete(lt_voice_store *s, const char *name, lt_err *err);
/* *out malloc'd, sorted by name. */
int lt_voice_store_list(lt_voice_store *s, lt_stored_voice **out, int *count, lt_err *err);

/* Deletes of voices shared through Redis that Redis has not seen yet (it was unreachable): kept in
 * the catalog so that a restart does not forget them (voice/shared_voices.h replays them). put
 * replaces the entry of the same name; list gives them oldest first (*out malloc'd). */
typedef struct lt_pending_delete {
    char name[64];
    int64_t when; /* unix seconds of the delete */
} lt_pending_delete;
int lt_voice_store_pending_put(lt_voice_store *s, const char *name, int64_t when, lt_err *err);
int lt_voice_store_pending_remove(lt_voice_store *s, const char *name, lt_err *err);
int lt_voice_store_pending_list(lt_voice_store *s, lt_pending_delete **out, int *count, lt_err *err);

#endif
