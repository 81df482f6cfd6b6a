/* g2p_en.h — text → misaki phonemes (the alphabet Kokoro was trained on).
 *
 * English ('a' US, 'b' UK), as misaki's en.G2P does it: user lexicon, then
 * gold, then silver (lexicon.h), with misaki's special cases (a, an, the, to,
 * in, I, by, am, used, vs, symbols), stress rules for Capitalised and ALL-CAPS
 * words, acronyms spelled through the letters' entries, morphology for unseen
 * inflections (-s/-'s/-es/-ies, -ed, -ing the way misaki derives them; plus
 * -ly, -er, -est; the prefixes counter- inter- super- under- multi- over- non- mis- out- pre-
 * sub- un- and suffixes -ness -less -ship -hood -like -ment on a known stem), numbers read through the lexicon, and a light rule-based
 * part-of-speech guess from the neighbouring words to choose heteronym
 * readings (read, live, record, close, wind, tear, object, present, use,
 * wound, minute, desert, ...). Words in no lexicon go to espeak-ng
 * (espeak_g2p.h). Inline pronunciations as in misaki: [word](/phonemes/)
 * replaces the word's phonemes; [word](1), (2), (0.5), (-1), (-2) set its
 * stress. Punctuation Kokoro knows is kept: , . ! ? ; : — … " ( ) (straight
 * quotes become “ ”, - and – between words become —).
 *
 * Other languages (e f h i j p z) go through espeak-ng with misaki's mapping.
 *
 * Output: words separated by spaces, punctuation attached as written, in
 * Kokoro v1.0's form (flap ɾ written T, glottal stop ʔ written t, as misaki
 * does for models before 2.0) unless keep_flap is set. */
#ifndef LT_TEXT_G2P_EN_H
#define LT_TEXT_G2P_EN_H

#include <stddef.h>

#include "core/error.h"
#include "text/lexicon.h"

typedef struct lt_g2p_opts {
    char lang;                /* a b e f h i j p z (0 = 'a') */
    const char *lexicon_dir;  /* folder with {us,gb}_{gold,silver}.json; NULL or missing = espeak-ng only */
    const char *user_lexicon; /* optional JSON word → phonemes, overrides the others */
    int quiet;                /* no warning on stderr when the lexicon folder is missing */
    int keep_flap;            /* keep ɾ and ʔ (misaki 2.0 alphabet) instead of T and t */
} lt_g2p_opts;

typedef struct lt_g2p lt_g2p;

/* A missing lexicon folder is not an error (a warning on stderr unless quiet);
 * a malformed lexicon or user lexicon file, or an unknown language, is. */
lt_g2p *lt_g2p_new(const lt_g2p_opts *opts, lt_err *err);
void lt_g2p_free(lt_g2p *g);

/* Text → phonemes (*out malloc'd, caller frees). Text is UTF-8; invalid bytes
 * are skipped. */
int lt_g2p_phonemize(lt_g2p *g, const char *text, char **out, lt_err *err);

/* One English word with an optional part-of-speech tag (Penn tags such as
 * NN, VB, VBD, VBN, JJ, or NULL), as the pipeline reads it in the middle of a
 * sentence (before a consonant), in the lexicon's alphabet (ɾ kept). */
int lt_g2p_word(lt_g2p *g, const char *word, const char *tag, char *out, size_t cap, lt_err *err);

char lt_g2p_lang(const lt_g2p *g);
/* The English lexicon (NULL for other languages); has_lexicon tells whether
 * gold/silver were found. */
lt_lexicon *lt_g2p_lexicon(lt_g2p *g);
int lt_g2p_has_lexicon(const lt_g2p *g);

#endif
