/* chunk.h — cutting a phonemised text into model-sized chunks.
 *
 * Input: the words of a text, each with its phonemes (punctuation that
 * carries prosody attached, e.g. "wˈɜɹld,") and the byte span of the source
 * text it came from. Output: chunks of at most max_cp phoneme code points
 * (Kokoro's limit is 510: the voice row and the model's positions both count
 * the string), cut at sentence ends, else clause marks, else word boundaries,
 * never inside a word, order kept. The first chunk is one short sentence (or
 * clause) so streamed audio starts early. Each chunk remembers which words it
 * holds and where each word's phonemes sit in it (code points), so durations
 * can later give word timestamps. */
#ifndef LT_TEXT_CHUNK_H
#define LT_TEXT_CHUNK_H

#include <stddef.h>

#include "core/error.h"

typedef struct lt_chunk_word {
    const char *ph;       /* phonemes (UTF-8, no spaces), not owned */
    size_t ph_len;        /* bytes */
    size_t src_start, src_end; /* byte span in the source text */
} lt_chunk_word;

typedef struct lt_chunk {
    char *phonemes;       /* the chunk's words joined by single spaces (owned) */
    int n_cp;             /* its length in code points */
    int word_start, word_count; /* words[word_start .. +word_count) */
    int *word_cp;         /* per word: [start, end) code points in `phonemes` (2 × word_count, owned) */
} lt_chunk;

typedef struct lt_chunk_list {
    lt_chunk *items;
    int count;
} lt_chunk_list;

/* first_cp: a soft target for the first chunk (e.g. 100): it ends at the first
 * sentence end, or at the first clause mark past first_cp. 0 = no special first chunk. */
int lt_chunk_plan(const lt_chunk_word *words, int n_words, int max_cp, int first_cp, lt_chunk_list *out, lt_err *err);
void lt_chunk_list_free(lt_chunk_list *l);

/* Split a phoneme string at whitespace into words (spans point into `ph`).
 * *words is malloc'd. Returns the count, or -1 when out of memory. */
int lt_chunk_split_phonemes(const char *ph, lt_chunk_word **words);

/* Code points of a UTF-8 string of len bytes (continuation bytes not counted). */
int lt_utf8_count(const char *s, size_t len);

#endif
