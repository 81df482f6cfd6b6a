/* shared_voices.h — saved custom voices shared across replicas through Redis
 * (`--redis`), on top of each replica's own store (voice/store.h).
 *
 * Keys (all under "litetts:"):
 *   litetts:voice:<name>          the voice: checksummed record (redis_tier
 *                                 framing) of "LTVOICE1", u32 LE JSON length,
 *                                 JSON {name, description, expression,
 *                                 created, rows, width}, then rows × width
 *                                 little-endian float32;
 *   litetts:voices                hash name → etag (SHA-256 hex of the record);
 *   litetts:voices:gen            change counter, INCR'd by every save/delete;
 *   litetts:voice-deleted:<name>  tombstone: unix time of the delete (30 days),
 *                                 so a replica drops its own copy of a voice
 *                                 another replica deleted.
 * Index, tombstone and counter change in one MULTI/EXEC.
 *
 * Redis contents are untrusted: a record is used only if it parses, names
 * its key, is [510, width] with every value finite and fits the size limit;
 * anything else is left out of the list (logged once) and never served.
 * Redis down or slow: calls answer -1 (unavailable) after the tier's short
 * timeout; callers go on with the local store. Deletes made while Redis is
 * unreachable are remembered and replayed when it is back; with a store
 * (lt_shared_voices_set_store) they are kept in its catalog as well, so a
 * restart in the meantime does not bring the voice back from Redis.
 *
 * Not thread-safe: one caller at a time (server/voices.c holds its mutex). */
#ifndef LT_VOICE_SHARED_VOICES_H
#define LT_VOICE_SHARED_VOICES_H

#include <stdint.h>

#include "core/error.h"
#include "voice/store.h"
#include "voice/voice_pack.h"

typedef struct lt_shared_voices lt_shared_voices;

/* url: redis://host[:port][/db]; width: the model's pack width (2 × style_dim).
 * Only the URL is checked here; the connection is made on first use. */
lt_shared_voices *lt_shared_voices_open(const char *url, int width, int quiet, lt_err *err);
void lt_shared_voices_close(lt_shared_voices *sh);

/* Poll the change counter (one GET). 1 when the shared view changed since the
 * last call (a save or delete anywhere, Redis gone or back; force: re-read
 * anyway), 0 when not. */
int lt_shared_voices_refresh(lt_shared_voices *sh, int force);
/* The validated shared voices as of the last refresh, sorted by name (owned
 * by sh, valid until the next refresh), their etag in meta->etag. 1 when
 * Redis answered that refresh, 0 when it is unavailable (*count 0). */
int lt_shared_voices_view(const lt_shared_voices *sh, const lt_stored_voice **list, int *count);

/* Read and validate one voice now: 0 (meta, pack filled; pack may be NULL),
 * 1 absent or invalid (err says why), -1 unavailable. */
int lt_shared_voices_fetch(lt_shared_voices *sh, const char *name, lt_stored_voice *meta, lt_voice_pack *pack,
                           lt_err *err);
/* Publish a saved voice (meta: name, description, expression, created). 0, -1 unavailable. */
int lt_shared_voices_publish(lt_shared_voices *sh, const lt_stored_voice *meta, const lt_voice_pack *pack);
/* Delete it everywhere, leaving a tombstone dated `when` (unix seconds).
 * 0, or -1 unavailable (then queued, replayed by a later refresh). */
int lt_shared_voices_delete(lt_shared_voices *sh, const char *name, int64_t when);
/* Keep pending deletes in store (the replica's own, voice/store.h) from now on, and queue the ones
 * it already holds from an earlier run. 0, or -1 when the store cannot be read. */
int lt_shared_voices_set_store(lt_shared_voices *sh, lt_voice_store *store, lt_err *err);
/* 1 and *when if a replica deleted this name (a tombstone), 0 no, -1 unavailable. */
int lt_shared_voices_deleted_at(lt_shared_voices *sh, const char *name, int64_t *when);

#endif
