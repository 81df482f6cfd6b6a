/* espeak_g2p.h — libespeak-ng as a phonemizer: the English fallback for
 * words in no lexicon (IPA mapped to misaki's alphabet, plus rule
 * refinements), and the non-English Kokoro v1.0 languages.
 *
 * libespeak-ng keeps global state and is not thread-safe: every call here
 * takes one process-wide mutex. espeak-ng is initialised on first use and
 * released by lt_espeak_shutdown() (call it at exit to keep leak checkers
 * quiet; a later call initialises it again).
 *
 * Languages (Kokoro v1.0 lang codes → espeak-ng voices):
 *   a en-us, b en-gb (fallback only; the lexicon does most words),
 *   e es, f fr-fr, h hi, i it, p pt-br: espeak-ng with misaki's EspeakG2P
 *   mapping (as Kokoro's own pipeline does);
 *   j ja, z cmn: substitutes only. misaki uses pyopenjtalk (Japanese) and
 *   pypinyin with tone arrows (Mandarin); espeak-ng reads kana but not kanji
 *   (kanji come out as English letter names), and its Mandarin dictionary in
 *   common builds lacks most hanzi. Tone letters are mapped to Kokoro's
 *   arrows (→ ↗ ↓ ↘) so what espeak-ng does read keeps its tones. */
#ifndef LT_TEXT_ESPEAK_G2P_H
#define LT_TEXT_ESPEAK_G2P_H

#include <stddef.h>

#include "core/error.h"

/* Voice name prefix → lang code: af_/am_ → 'a', bf_/bm_ → 'b', ef_/em_ → 'e',
 * ff_/fm_ → 'f', hf_/hm_ → 'h', if_/im_ → 'i', jf_/jm_ → 'j', pf_/pm_ → 'p',
 * zf_/zm_ → 'z'. A path is reduced to its file name first. 0 when unknown. */
char lt_lang_from_voice(const char *voice);

/* Whether lang is one of a b e f h i j p z. */
int lt_lang_supported(char lang);
/* The espeak-ng language name for a lang code ("en-us", "fr-fr", ...), or NULL. */
const char *lt_lang_espeak_name(char lang);

/* English fallback for one word: espeak-ng IPA → misaki alphabet (E2M) →
 * rule refinements. Writes a NUL-terminated string; flaps stay ɾ (the
 * lexicon's alphabet; lt_g2p turns them into Kokoro v1.0's T at the end).
 * raw != 0 skips the refinements (misaki's plain mapping, for the bench). */
int lt_espeak_en_word(const char *word, int british, int raw, char *out, size_t cap, lt_err *err);

/* The raw espeak-ng IPA (ties as '^') for text in a language (espeak name). */
int lt_espeak_ipa(const char *lang_name, const char *text, char *out, size_t cap, lt_err *err);

/* Non-English text (lang e f h i j p z) → phonemes in Kokoro's alphabet, with
 * punctuation kept where it was. *out is malloc'd. */
int lt_espeak_phonemize_text(char lang, const char *text, char **out, lt_err *err);

/* misaki's E2M mapping of an espeak-ng IPA string for English (exposed for tests). */
void lt_e2m_english(const char *ipa, int british, char *out, size_t cap);

void lt_espeak_shutdown(void);

#endif
