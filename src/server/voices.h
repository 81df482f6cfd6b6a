/* voices.h — the server's voices: the built-in catalog (voice/catalog.h:
 * .pt, raw .bin and .npz members of the voices folder, with VOICES.md
 * metadata, rescanned when the folder changes, at most once a second),
 * saved custom voices (voice/store.h, under the data directory), blend
 * expressions (voice/blend.h) over both, and an LRU of parsed packs with a
 * count cap, each with the SHA-256 of its floats (the audio cache's voice
 * hash). Names are only ever looked up in the catalog or the store, so a
 * request cannot reach a file outside them.
 *
 * A voice string a request sends is first resolved to its canonical form
 * (a catalog or saved name; "alloy" → the one xx_alloy; a blend rewritten as
 * name(weight)+… with every term resolved); packs are then acquired by that
 * form and released after use (an evicted pack lives until released).
 *
 * With redis_url, saved voices are shared across replicas: a save is
 * published to Redis as well, a delete removed there (with a tombstone), and
 * every lookup polls Redis's change counter first (one GET, short timeout).
 * While Redis answers, its voices are listed and served (validated like an
 * upload; its version wins over this replica's copy of a name), next to the
 * local voices it lacks (published when seen; dropped when a tombstone says
 * another replica deleted them). While it does not, the local store alone. */
#ifndef LT_SERVER_VOICES_H
#define LT_SERVER_VOICES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "voice/voice_pack.h"

#define LT_VOICE_EXPR_MAX 256 /* canonical voice strings, NUL included */

typedef struct lt_voices lt_voices;
typedef struct lt_voice_ref lt_voice_ref;

typedef struct lt_voices_opts {
    const char *dir;       /* the built-in voices folder */
    int width;             /* the model's voice row width (2 × style_dim); other packs are refused */
    int cache_count;       /* parsed packs (voices and blends) kept in memory; default 64 */
    int max_blend_terms;   /* default 8 */
    int raw_weights;       /* blends use raw weights (no normalisation) */
    const char *data_dir;  /* saved voices in <data_dir>/voices.db + voices/; NULL = none */
    const char *redis_url; /* saved voices also shared through Redis (voice/shared_voices.h); needs data_dir */
    int quiet;
} lt_voices_opts;

typedef struct lt_voices_stats {
    uint64_t loads;        /* packs read or blended */
    double load_seconds;   /* their total time */
    uint64_t hits, misses; /* acquisitions answered by the LRU / not */
    int cached;            /* packs in the LRU now */
} lt_voices_stats;

int lt_voices_open(const lt_voices_opts *o, lt_voices **out, lt_err *err);
void lt_voices_free(lt_voices *v);
/* Built-in plus saved voices (a saved voice that replaces a built-in counts once). */
int lt_voices_count(lt_voices *v);
int lt_voices_width(const lt_voices *v);

/* A requested voice (name, OpenAI alias, or blend) → its canonical form.
 * 0, or -1 with err naming the problem (the unknown name, a bad expression). */
int lt_voices_resolve(lt_voices *v, const char *voice, char *out, size_t outsz, lt_err *err);
/* The Kokoro language code of a canonical voice (a blend: its first term's;
 * a saved blend: its expression's), 0 if the name says nothing. */
char lt_voices_lang(lt_voices *v, const char *canonical);
/* Is this a catalog (built-in) voice id? */
int lt_voices_builtin(lt_voices *v, const char *name);

/* The pack of a canonical voice, loaded or blended now if needed; release it. */
lt_voice_ref *lt_voices_acquire(lt_voices *v, const char *canonical, lt_err *err);
const lt_voice_pack *lt_voice_ref_pack(const lt_voice_ref *r);
const char *lt_voice_ref_hash(const lt_voice_ref *r); /* 64 hex digits */
void lt_voices_release(lt_voices *v, lt_voice_ref *r);

/* {"voices":[{"id","name","language","locale","lang_code","gender","grade",
 * "target_grade","training","official","custom",...}]}, sorted by id. */
json_t *lt_voices_json(lt_voices *v);

/* ---- saved voices (need data_dir) ---- */
int lt_voices_has_store(const lt_voices *v);
/* Returns the HTTP status: 201 created, 200 replaced, 400 invalid, 409 name
 * taken (a saved voice, or a built-in, without replace), 500; err says why. */
int lt_voices_save(lt_voices *v, const char *name, const lt_voice_pack *pack, const char *description,
                   const char *expression, int replace, lt_err *err);
/* 0 deleted, 1 not found, -1 error. */
int lt_voices_delete(lt_voices *v, const char *name, lt_err *err);
/* One saved voice's description ({"id","name","description","expression",
 * "created","rows","width","custom":true,...}), or NULL if not saved. */
json_t *lt_voices_saved_json(lt_voices *v, const char *name);
/* {"object":"list","data":[…]} of every saved voice. */
json_t *lt_voices_saved_list_json(lt_voices *v);

void lt_voices_stats_get(lt_voices *v, lt_voices_stats *st);

#endif
