/* fuzz_pronunciation.c — libFuzzer harness for the custom-pronunciation
 * paths of the English G2P (text/g2p_en.h, text/lexicon.h): the inline
 * [word](/phonemes/) and [word](stress) parser, and the user lexicon JSON
 * reader (lt_lexicon_load_user_mem, the same parser as --user-lexicon).
 *
 * Input layout: the bytes before the first NUL are a user lexicon (JSON), the
 * bytes after it the text to phonemize; without a NUL the whole input is the
 * text and a small fixed user lexicon is loaded. The first byte's low bit
 * picks US or UK English. A fresh G2P per input (no lexicon folder: the user
 * lexicon, then espeak-ng), so runs are reproducible.
 *
 * Must never crash, hang or leak. Invariants checked (abort on failure): a
 * lexicon that fails to load leaves an error message; phonemizing English
 * always succeeds; the phonemes are valid UTF-8 without control characters. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/g2p_en.h"
#include "text/lexicon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libespeak-ng 1.51 itself loses ~1.3 kB in some espeak_TextToPhonemes calls
 * (a voice copy queued for a synthesis that never runs); that is not ours to
 * fix here, so LeakSanitizer ignores allocations made inside the library. */
const char *__lsan_default_suppressions(void) { return "leak:libespeak-ng.so\n"; }

/* strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no C0 controls or DEL */
static int clean_utf8(const unsigned char *s) {
    while (*s) {
        unsigned c = *s;
        if (c < 0x20 || c == 0x7F) return 0;
        if (c < 0x80) {
            s++;
            continue;
        }
        int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
        if (n < 0 || c > 0xF4) return 0;
        unsigned cp = c & (0x3Fu >> n);
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i] & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp < 0xE000))
            return 0;
        s += n + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) return 0; /* espeak-ng per unknown word: keep each run short */
    static const char fixed[] = "{\"kokoro\": \"kˈOkəɹO\", \"Read\": {\"DEFAULT\": \"ɹˈid\", \"VBD\": \"ɹˈɛd\"}, "
                                "\"x\": null, \"tts\": \"tˌitˌiˈɛs\"}";
    const uint8_t *nul = memchr(data, 0, size);
    const char *lex = fixed, *text = (const char *)data;
    size_t lexn = sizeof fixed - 1, textn = size;
    if (nul) {
        lex = (const char *)data;
        lexn = (size_t)(nul - data);
        text = (const char *)nul + 1;
        textn = size - lexn - 1;
    }
    lt_err err;
    lt_g2p_opts o = {.lang = size && (data[0] & 1) ? 'b' : 'a', .quiet = 1};
    lt_g2p *g = lt_g2p_new(&o, &err);
    if (!g) abort();
    err.msg[0] = 0;
    if (lt_lexicon_load_user_mem(lt_g2p_lexicon(g), lex, lexn, "fuzz.json", &err) && !err.msg[0]) abort();
    char *s = malloc(textn + 1);
    if (!s) {
        lt_g2p_free(g);
        return 0;
    }
    memcpy(s, text, textn);
    s[textn] = 0;
    char *ps = NULL;
    if (lt_g2p_phonemize(g, s, &ps, &err)) abort();
    if (!ps || !clean_utf8((const unsigned char *)ps)) abort();
    free(ps);
    free(s);
    lt_g2p_free(g);
    return 0;
}
