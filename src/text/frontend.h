/* frontend.h — text → words with phonemes and source spans: the text
 * front-end's one entry point (normalise, G2P, map back to the input).
 *
 *   text ─ lt_normalize_map ─ normalised text + offset map
 *        ─ per sentence: lt_g2p_phonemize ─ phoneme words
 *        ─ each phoneme word ↔ the normalised word it came from ↔ input bytes
 *
 * The words feed text/chunk.h directly (lt_fe_word starts like lt_chunk_word),
 * and their spans give word timestamps in terms of what the user wrote
 * ("$100" for "wˈʌn hˈʌndɹəd dˈɑləɹz"). */
#ifndef LT_TEXT_FRONTEND_H
#define LT_TEXT_FRONTEND_H

#include <stddef.h>

#include "core/error.h"
#include "text/chunk.h"

typedef struct lt_frontend_opts {
    char lang;                /* a b e f h i j p z (0 = a) */
    const char *lexicon_dir;  /* misaki's {us,gb}_{gold,silver}.json; NULL/missing = espeak-ng only */
    const char *user_lexicon; /* optional JSON word → phonemes */
    const char *normalize;    /* rule groups, lt_normalize_options_parse syntax; NULL = all */
    int quiet;                /* no warnings on stderr */
    int keep_flap;            /* ɾ/ʔ (misaki 2.0) instead of Kokoro v1.0's T/t */
    int no_normalize;         /* G2P on the text as given */
} lt_frontend_opts;

typedef struct lt_frontend lt_frontend;

lt_frontend *lt_frontend_new(const lt_frontend_opts *opts, lt_err *err);
void lt_frontend_free(lt_frontend *fe);
char lt_frontend_lang(const lt_frontend *fe);

typedef struct lt_fe_words {
    lt_chunk_word *words; /* ph points into `phonemes`; src spans are bytes of the input text */
    int n;
    char *phonemes;       /* all phoneme words, NUL-separated (owned) */
} lt_fe_words;

int lt_frontend_words(lt_frontend *fe, const char *text, lt_fe_words *out, lt_err *err);
void lt_fe_words_free(lt_fe_words *w);
/* Whole phoneme string of a text (words joined by spaces); *out malloc'd. */
int lt_frontend_phonemize(lt_frontend *fe, const char *text, char **out, lt_err *err);

#endif
