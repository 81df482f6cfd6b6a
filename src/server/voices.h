/* voices.h — the server's voice catalog: every `.pt` / `.bin` pack in the
 * voices directory, found at start, loaded on first use and then kept
 * (54 official packs are ~27 MB). Names are only ever looked up in the
 * catalog, so a request cannot reach a file outside the directory.
 * Language and gender come from the name's prefix (af_ = US English female). */
#ifndef LT_SERVER_VOICES_H
#define LT_SERVER_VOICES_H

#include <stddef.h>

#include <jansson.h>

#include "core/error.h"
#include "voice/voice_pack.h"

typedef struct lt_voices lt_voices;

/* width: the model's voice row width (packs of another width are refused on load). */
int lt_voices_open(const char *dir, int width, lt_voices **out, lt_err *err);
void lt_voices_free(lt_voices *v);
int lt_voices_count(const lt_voices *v);
/* The pack for a name (loaded now if needed; thread-safe; owned by the
 * catalog). NULL when unknown (err says so) or unreadable. */
const lt_voice_pack *lt_voices_get(lt_voices *v, const char *name, lt_err *err);
int lt_voices_known(const lt_voices *v, const char *name);
/* A requested name → the catalog name: exact, else the one voice whose name
 * after its prefix matches (OpenAI's "alloy" → "af_alloy"). 0 or -1. */
int lt_voices_resolve(const lt_voices *v, const char *name, char *out, size_t outsz);
/* {"voices":[{"id","name","language","lang_code","gender"}]}, sorted by name. */
json_t *lt_voices_json(const lt_voices *v);
/* The Kokoro language code of a voice name ('a', 'b', ...), 0 if none. */
char lt_voices_lang(const char *name);

#endif
