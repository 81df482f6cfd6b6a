/* manifest.h — the list of official files `litetts download` fetches: where
 * each comes from, where it goes under the download directory, its size when
 * known and its pinned sha256 (NULL where no upstream digest was found).
 *
 * Sources and their URL layout (the part after the host is kept when a
 * mirror / --base-url / LITETTS_DOWNLOAD_BASE replaces the host):
 *   kokoro: https://huggingface.co           /hexgrad/Kokoro-82M/resolve/main/<remote>
 *   misaki: https://raw.githubusercontent.com/hexgrad/misaki/main/misaki/data/<remote>
 * so with base URL B the files are fetched from
 *   B/hexgrad/Kokoro-82M/resolve/main/<remote> and B/hexgrad/misaki/main/misaki/data/<remote>.
 *
 * Layout under the download directory D:
 *   D/kokoro-v1_0.pth, D/config.json, D/voices/<name>.pt, D/lexicons/<file>.json */
#ifndef LT_DOWNLOAD_MANIFEST_H
#define LT_DOWNLOAD_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum lt_dl_source {
    LT_SRC_KOKORO = 0, /* Hugging Face hexgrad/Kokoro-82M, branch main */
    LT_SRC_MISAKI = 1, /* GitHub hexgrad/misaki, branch main, misaki/data/ */
} lt_dl_source;

/* Groups, usable as a bit set (--only weights,voices). */
enum {
    LT_DL_WEIGHTS = 1u,  /* kokoro-v1_0.pth and config.json */
    LT_DL_VOICES = 2u,   /* voices/<name>.pt, 54 of them */
    LT_DL_LEXICONS = 4u, /* misaki's us/gb gold/silver JSON lexicons */
    LT_DL_ALL = 7u,
};

typedef struct lt_manifest_entry {
    const char *name;   /* short name: "kokoro-v1_0.pth", "af_heart", "us_gold.json" */
    const char *path;   /* destination, relative to the download directory */
    const char *remote; /* path relative to the source's root (see above) */
    lt_dl_source source;
    unsigned group;     /* one LT_DL_* bit */
    uint64_t size;      /* bytes; 0 = not known */
    const char *sha256; /* pinned lowercase hex digest; NULL = not known */
} lt_manifest_entry;

size_t lt_manifest_count(void);
const lt_manifest_entry *lt_manifest_at(size_t i);
/* Voice entry by voice name ("af_heart"), or NULL. */
const lt_manifest_entry *lt_manifest_find_voice(const char *name);
/* Entry by destination path ("voices/af_heart.pt"), or NULL. */
const lt_manifest_entry *lt_manifest_find_path(const char *path);

/* Default host ("https://huggingface.co") and the path below it
 * ("hexgrad/Kokoro-82M/resolve/main") of a source. */
const char *lt_manifest_source_host(lt_dl_source s);
const char *lt_manifest_source_prefix(lt_dl_source s);

/* URL of an entry: (base or the source's host) + "/" + prefix + "/" + remote.
 * base may be NULL (official hosts) and may end in '/'. Returns 0, or -1
 * when the URL does not fit in cap bytes. */
int lt_manifest_url(const lt_manifest_entry *e, const char *base, char *out, size_t cap, lt_err *err);

/* Parses "weights", "voices", "lexicons" or a comma-separated list of them
 * into LT_DL_* bits. Returns 0, or -1 naming the unknown word. */
int lt_manifest_parse_groups(const char *s, unsigned *groups, lt_err *err);
/* "weights" / "voices" / "lexicons". */
const char *lt_manifest_group_name(unsigned group);

#endif
