/* lexicon.h — misaki's English pronunciation dictionaries (gold, silver) and
 * the user's own lexicon, loaded from JSON into hash tables.
 *
 * Files, in a directory given by --lexicon-dir: us_gold.json, us_silver.json
 * (lang 'a') or gb_gold.json, gb_silver.json (lang 'b'). A value is a phoneme
 * string, or an object mapping a part-of-speech tag (DEFAULT, NOUN, VERB,
 * VBD, VBN, VBP, ADJ, ADV, DT, None) to a phoneme string or null.
 *
 * Case rules (misaki's Lexicon.grow_dictionary, applied at lookup time): a
 * lowercase entry also answers for its Capitalised form ("apple" → "Apple"),
 * and a Capitalised entry answers for its lowercase form; an exact entry
 * always wins. User lexicon: a JSON object word → phoneme string (or a tagged
 * object as above); looked up before gold with the same case rules. */
#ifndef LT_TEXT_LEXICON_H
#define LT_TEXT_LEXICON_H

#include <stddef.h>

#include "core/error.h"

typedef enum { LT_LEX_USER = 0, LT_LEX_GOLD = 1, LT_LEX_SILVER = 2, LT_LEX_NTABLES = 3 } lt_lex_table;

/* One entry: either ps (plain) or ntags (tag, phonemes) pairs; a pair's
 * phonemes may be NULL (JSON null: fall through). */
typedef struct lt_lex_entry {
    const char *key;
    const char *ps;
    const char *const *tags; /* tags[2*i] = tag, tags[2*i+1] = phonemes or NULL */
    int ntags;
} lt_lex_entry;

typedef struct lt_lexicon lt_lexicon;

/* An empty lexicon for lang 'a' or 'b' (espeak-ng fallback only). */
lt_lexicon *lt_lexicon_new(char lang, lt_err *err);

/* Load <dir>/{us,gb}_{gold,silver}.json into lx (replacing any previous
 * gold/silver). -1 with a sentence when the directory or a file is missing or
 * malformed; lx is then left as it was. */
int lt_lexicon_load_dir(lt_lexicon *lx, const char *dir, lt_err *err);

/* Load a user lexicon file (JSON object word → phonemes); entries override
 * gold and silver. May be called several times (later files win). */
int lt_lexicon_load_user(lt_lexicon *lx, const char *path, lt_err *err);

/* The same from memory: n bytes of JSON (no NUL needed); name is used in
 * error messages (NULL = "user lexicon"). */
int lt_lexicon_load_user_mem(lt_lexicon *lx, const char *json, size_t n, const char *name, lt_err *err);
/* Add one user entry (copied). */
int lt_lexicon_add_user(lt_lexicon *lx, const char *word, const char *phonemes, lt_err *err);

void lt_lexicon_free(lt_lexicon *lx);

char lt_lexicon_lang(const lt_lexicon *lx);
size_t lt_lexicon_count(const lt_lexicon *lx, lt_lex_table t);
/* Seconds the last lt_lexicon_load_dir took (read + parse + index). */
double lt_lexicon_load_seconds(const lt_lexicon *lx);

/* Exact key lookup in one table (n bytes of word, no NUL needed). */
const lt_lex_entry *lt_lexicon_get_exact(const lt_lexicon *lx, lt_lex_table t, const char *word, size_t n);
/* Lookup with the case rules above. */
const lt_lex_entry *lt_lexicon_get(const lt_lexicon *lx, lt_lex_table t, const char *word, size_t n);

/* Phonemes of an entry for a tag: the tag's value when present (which may be
 * NULL), else DEFAULT. *has_tag tells whether the tag was present. */
const char *lt_lex_entry_pick(const lt_lex_entry *e, const char *tag, int *has_tag);
int lt_lex_entry_has(const lt_lex_entry *e, const char *tag);

/* Visit every entry of a table (order: file order). Stops when cb returns non-zero. */
void lt_lexicon_foreach(const lt_lexicon *lx, lt_lex_table t, int (*cb)(void *ud, const lt_lex_entry *e), void *ud);

#endif
