/* test_text_languages.c — the whole text front-end (text/frontend.h:
 * normalise + G2P) for every Kokoro language code, with exact phonemes for
 * numbers, decimals, times, units, percentages and "&" (the "numbers
 * and basic symbols at least" for non-English languages), and its bad-input
 * cases: invalid UTF-8, control characters, 1 MB of text, a 5,000-character
 * word, unbalanced custom-pronunciation brackets, unknown language codes;
 * and that switching languages back and forth does not grow the heap.
 * The non-English strings are espeak-ng 1.51's readings (Debian 12) through
 * misaki's mappings; another espeak-ng version may read some differently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <malloc.h>

#include "text/frontend.h"

static char lexdir[2048];

static lt_frontend *fe_new(char lang) {
    lt_err err;
    lt_frontend_opts o = {.lang = lang, .lexicon_dir = lexdir, .quiet = 1};
    lt_frontend *fe = lt_frontend_new(&o, &err);
    if (!fe) fail_msg("%c: %s", lang, err.msg);
    return fe;
}

static void expect_ps(lt_frontend *fe, const char *text, const char *want) {
    lt_err err;
    char *ps = NULL;
    if (lt_frontend_phonemize(fe, text, &ps, &err)) fail_msg("%s: %s", text, err.msg);
    if (strcmp(ps, want)) fail_msg("[%c] \"%s\"\n     got      \"%s\"\n     expected \"%s\"", lt_frontend_lang(fe), text, ps, want);
    free(ps);
}

static void test_every_language(void **state) {
    (void)state;
    static const struct {
        char lang;
        const char *text, *want;
    } C[] = {
        {'a', "Pierre & Marie: 3.5 kg, 10:30, 25%.",
         "pˈɪɹ ænd məɹˈi: θɹˈi pˈYnt fˈIv kˈɪləɡɹˌæmz, tˈɛn θˈɜɹTi, twˈɛntifˌIv pəɹsˈɛnt."},
        {'b', "Pierre & Marie: 3.5 kg, 10:30, 25%.",
         "pˈɪə and məɹˈiː: θɹˈiː pˈYnt fˈIv kˈɪləɡɹamz, tˈɛn θˈɜːti, twˈɛntifˌIv pəsˈɛnt."},
        {'e', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pjˈere i mˈaɾje: tɾˈes koma θˈinko kˌiloɣɾˈamos, djˈɛθ tɾˈAnta, bˌAntiθˈinko poɾθjˈɛnto."},
        {'f', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pjˈɛʁ e maʁˈi: tʁwa viʁɡyl sˈɛ̃k kilɔɡʁˈam, dˈiz ˈœʁ tʁˈɑ̃t, vɛ̃tsˈɛ̃k puʁsˈɑ̃."},
        {'h', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pɪˈeə ɔːɾ mɐɹˈiː: tˈiːn pˈãc kɪlˈoːɡɾaːm, dˈʌs tˈiːs, pˈʌcːis pətˈɪʃət."},
        {'i', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pjˈɛrɾe e mˈarie: trˈe vˈirɡola ʧˈinkwe kiloɡrˈammɪ, djˈɛʧɪ e trˈeːnta, ventiʧˈinkwe perʧˈɛŋto."},
        {'p', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pˌiˈɛxi i mˌaɾˈiy: trˈes vˈirɡulæ sˈiŋkʊ kˌiloɡrˈɐ̃mæs, dˈɛs trˈiŋtæ, vˈiŋʧyisˈiŋkʊ pˌorsˈAŋtʊ."},
        /* Japanese and Mandarin: espeak-ng stand-ins (misaki uses pyopenjtalk / pypinyin): digits are read
         * natively, Latin letters are spelled (ja) or read as English (cmn), % is read in English */
        {'j', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pˈiː ˈI ˈiː ˈɑː ˈɑː ˈiː tˈo ˈɛm ˈA ˈɑː ˈI ˈiː: sˈan ɡˈo kˈA ʤˈiː, dzˈɯᵝ sˈan dzɯᵝ, ni dzˈɯᵝɡo pəsˈɛnt."},
        {'z', "Pierre & Marie: 3,5 kg, 10:30, 25%.",
         "pɪˈeə and mɐɹˈiː: sˈan wˈu khˌeiʦˈi, sˈiɜ sˈansiɜ, ˌərsiɜwˈu pəsˈɛnt."},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        lt_frontend *fe = fe_new(C[i].lang);
        assert_int_equal(lt_frontend_lang(fe), C[i].lang);
        expect_ps(fe, C[i].text, C[i].want);
        lt_frontend_free(fe);
    }
}

static void test_numbers_not_split(void **state) {
    (void)state;
    /* a separator between digits belongs to the number (it used to become a pause: "tres, cinco") */
    lt_frontend *fe = fe_new('e');
    expect_ps(fe, "3,5 y 1.000", "tɾˈes koma θˈinko i mˈil");
    expect_ps(fe, "Uno, dos.", "ˈuno, dˈos.");
    lt_frontend_free(fe);
    fe = fe_new('f');
    expect_ps(fe, "1,5", "œ̃ viʁɡyl sˈɛ̃k");
    lt_frontend_free(fe);
}

static void test_unknown_language(void **state) {
    (void)state;
    static const char bad[] = {'x', 'q', 'E', '1', 'c'};
    for (size_t i = 0; i < sizeof bad; i++) {
        lt_err err;
        lt_frontend_opts o = {.lang = bad[i], .quiet = 1};
        assert_null(lt_frontend_new(&o, &err));
        char want[8];
        snprintf(want, sizeof want, "'%c'", bad[i]);
        if (!strstr(err.msg, want)) fail_msg("%c: %s", bad[i], err.msg);
    }
}

static void test_bad_input(void **state) {
    (void)state;
    lt_frontend *fe = fe_new('a');
    lt_err err;
    char *ps = (char *)1;
    /* invalid UTF-8: a clear error that says where */
    assert_int_equal(lt_frontend_phonemize(fe, "caf\xC3 ok", &ps, &err), -1);
    assert_non_null(strstr(err.msg, "not valid UTF-8"));
    assert_non_null(strstr(err.msg, "byte 3"));
    /* control characters are spaces */
    expect_ps(fe, "hello\x01\x02world\ttoday\x7f", "həlˈO wˈɜɹld tədˈA");
    /* unbalanced or malformed custom pronunciations are read as text */
    expect_ps(fe, "[hello world", "(həlˈO wˈɜɹld");
    expect_ps(fe, "[hello](/x/", "(həlˈO)(ˈɛks");
    expect_ps(fe, "say ]hello[ now", "sˈA)həlˈO(nˈW"); /* stray brackets are read as parentheses */
    expect_ps(fe, "[Kokoro](/kˈOkəɹO/) says [hi](/hˈI/)", "kˈOkəɹO sˈɛz hˈI");
    /* a 5,000-character word: read in pieces, in the vocabulary's letters */
    char *w = malloc(5001);
    for (int i = 0; i < 5000; i++) w[i] = "abcdefghij"[i % 10];
    w[5000] = 0;
    assert_int_equal(lt_frontend_phonemize(fe, w, &ps, &err), 0);
    assert_true(strlen(ps) > 1000);
    free(ps);
    free(w);
    /* 1 MB of text: every sentence read, in order */
    const char *unit = "The cat sat on 3 mats. ";
    size_t ul = strlen(unit), n = 0, cap = 1u << 20;
    char *big = malloc(cap + 1);
    while (n + ul <= cap) {
        memcpy(big + n, unit, ul);
        n += ul;
    }
    big[n] = 0;
    lt_fe_words words;
    assert_int_equal(lt_frontend_words(fe, big, &words, &err), 0);
    assert_int_equal(words.n, (int)(n / ul) * 6); /* the cat sat on three mats. */
    lt_fe_words_free(&words);
    free(big);
    lt_frontend_free(fe);
}

/* libespeak-ng queues a ~1.3 kB copy of its voice on every voice change and
 * frees it only when it synthesizes (espeak_g2p.c drains it): 300 rounds of
 * Spanish, French and Hindi-with-English text switch voices ~1,500 times,
 * 2 MB without the drain. The heap in use comes from the allocator in
 * charge: AddressSanitizer's, or glibc's. */
#if defined(__SANITIZE_ADDRESS__)
size_t __sanitizer_get_current_allocated_bytes(void); /* libasan's, GCC and clang alike */
static size_t heap_in_use(void) { return __sanitizer_get_current_allocated_bytes(); }
#else
static size_t heap_in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}
#endif

static void test_switching_languages_does_not_leak(void **state) {
    (void)state;
    lt_frontend *fe[3] = {fe_new('e'), fe_new('f'), fe_new('h')};
    static const char *const text[3] = {"hola mundo", "bonjour le monde", "नमस्ते world नमस्ते"};
    char *ps;
    lt_err err;
    for (int round = 0; round < 2; round++) /* warm-up: first uses allocate for good */
        for (int i = 0; i < 3; i++) {
            assert_int_equal(lt_frontend_phonemize(fe[i], text[i], &ps, &err), 0);
            free(ps);
        }
    size_t before = heap_in_use();
    for (int round = 0; round < 300; round++)
        for (int i = 0; i < 3; i++) {
            assert_int_equal(lt_frontend_phonemize(fe[i], text[i], &ps, &err), 0);
            free(ps);
        }
    size_t after = heap_in_use();
    if (after > before + 64 * 1024) fail_msg("the heap grew by %zu bytes over 900 calls", after - before);
    for (int i = 0; i < 3; i++) lt_frontend_free(fe[i]);
}

int main(void) {
    const char *s = getenv("LT_SHARED");
    snprintf(lexdir, sizeof lexdir, "%s/misaki-lexicon", s ? s : "../shared");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_language), cmocka_unit_test(test_numbers_not_split),
        cmocka_unit_test(test_unknown_language), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_switching_languages_does_not_leak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
