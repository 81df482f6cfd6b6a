/* test_g2p.c — the G2P stage (src/text/lexicon, g2p_en, espeak_g2p): lexicon
 * lookups and case rules, heteronyms chosen from context, misaki's
 * morphology, numbers, inline pronunciations, the user lexicon, the espeak-ng
 * fallback (output inside Kokoro's vocabulary), every language code, a
 * missing lexicon folder, and hostile input. Lexicons come from
 * $LT_SHARED/misaki-lexicon; the vocabulary from
 * $LT_SHARED/kokoro-golden/config-official.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "text/espeak_g2p.h"
#include "text/g2p_en.h"
#include "text/lexicon.h"

static char lexdir[2048], config[2048];
static lt_g2p *G_US, *G_GB;
static uint32_t vocab[256];
static size_t nvocab;

static const char *shared(void) {
    const char *s = getenv("LT_SHARED");
    return s ? s : "../shared";
}

static int utf8_next(const char **p, uint32_t *c) {
    const unsigned char *s = (const unsigned char *)*p;
    if (!*s) return 0;
    int l = *s < 0x80 ? 1 : *s < 0xE0 ? 2 : *s < 0xF0 ? 3 : 4;
    uint32_t v = l == 1 ? *s : l == 2 ? (*s & 0x1Fu) : l == 3 ? (*s & 0x0Fu) : (*s & 0x07u);
    for (int i = 1; i < l; i++) v = (v << 6) | (s[i] & 0x3Fu);
    *p += l;
    *c = v;
    return 1;
}

static int in_vocab(const char *ps, char *bad, size_t cap) {
    const char *p = ps;
    uint32_t c;
    while (utf8_next(&p, &c)) {
        int ok = 0;
        for (size_t i = 0; i < nvocab; i++) ok |= vocab[i] == c;
        if (!ok) {
            snprintf(bad, cap, "U+%04X in \"%s\"", c, ps);
            return 0;
        }
    }
    return 1;
}

static int setup(void **state) {
    (void)state;
    snprintf(lexdir, sizeof lexdir, "%s/misaki-lexicon", shared());
    snprintf(config, sizeof config, "%s/kokoro-golden/config-official.json", shared());
    json_error_t je;
    json_t *cfg = json_load_file(config, 0, &je);
    if (!cfg) {
        fprintf(stderr, "cannot read %s: %s\n", config, je.text);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(cfg, "vocab"), k, v) {
        const char *p = k;
        uint32_t c;
        if (utf8_next(&p, &c) && nvocab < 256) vocab[nvocab++] = c;
    }
    json_decref(cfg);
    lt_err err;
    lt_g2p_opts o = {.lang = 'a', .lexicon_dir = lexdir};
    G_US = lt_g2p_new(&o, &err);
    o.lang = 'b';
    G_GB = lt_g2p_new(&o, &err);
    if (!G_US || !G_GB || !lt_g2p_has_lexicon(G_US)) {
        fprintf(stderr, "lexicon: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    lt_g2p_free(G_US);
    lt_g2p_free(G_GB);
    lt_espeak_shutdown();
    return 0;
}

static void expect(lt_g2p *g, const char *text, const char *want) {
    lt_err err;
    char *got = NULL;
    if (lt_g2p_phonemize(g, text, &got, &err)) fail_msg("%s: %s", text, err.msg);
    if (strcmp(got, want)) {
        print_error("text: %s\n want: %s\n  got: %s\n", text, want, got);
        free(got);
        fail();
    }
    free(got);
}

static void expect_word(lt_g2p *g, const char *word, const char *tag, const char *want) {
    lt_err err;
    char got[1024];
    if (lt_g2p_word(g, word, tag, got, sizeof got, &err)) fail_msg("%s: %s", word, err.msg);
    if (strcmp(got, want)) fail_msg("word %s (%s): want %s, got %s", word, tag ? tag : "-", want, got);
}

/* ---- lexicon ---- */

static void test_lexicon_load(void **state) {
    (void)state;
    lt_err err;
    lt_lexicon *lx = lt_lexicon_new('a', &err);
    assert_non_null(lx);
    assert_int_equal(lt_lexicon_load_dir(lx, lexdir, &err), 0);
    assert_true(lt_lexicon_count(lx, LT_LEX_GOLD) > 80000);
    assert_true(lt_lexicon_count(lx, LT_LEX_SILVER) > 80000);
    print_message("lexicon (us) loaded in %.1f ms\n", lt_lexicon_load_seconds(lx) * 1e3);
    const lt_lex_entry *e = lt_lexicon_get(lx, LT_LEX_GOLD, "apple", 5);
    assert_non_null(e);
    assert_string_equal(e->ps, "ˈæpᵊl");
    /* case rules: lowercase entry answers for Capitalised, not for ALL CAPS */
    e = lt_lexicon_get(lx, LT_LEX_GOLD, "Apple", 5);
    assert_non_null(e);
    assert_string_equal(e->ps, "ˈæpᵊl");
    assert_null(lt_lexicon_get_exact(lx, LT_LEX_GOLD, "Apple", 5));
    /* tagged entries */
    e = lt_lexicon_get(lx, LT_LEX_GOLD, "read", 4);
    assert_non_null(e);
    assert_true(e->ntags >= 2);
    assert_string_equal(lt_lex_entry_pick(e, "VBD", NULL), "ɹˈɛd");
    assert_string_equal(lt_lex_entry_pick(e, "NOUN", NULL), "ɹˈid"); /* absent tag → DEFAULT */
    assert_int_equal(lt_lexicon_load_dir(lx, "/nonexistent-lexicon", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent-lexicon"));
    lt_lexicon_free(lx);
    assert_null(lt_lexicon_new('e', &err));
}

static void test_lexicon_words(void **state) {
    (void)state;
    static const char *const C[][2] = {
        {"hello", "həlˈO"},    {"world", "wˈɜɹld"},   {"apple", "ˈæpᵊl"},        {"Apple", "ˈæpᵊl"},
        {"butter", "bˈʌɾəɹ"},  {"NASA", "nˈæsə"},     {"FBI", "ˌɛfbˌiˈI"},         {"B", "bˈi"},
        {"quickly", "kwˈɪkli"}, {"running", "ɹˈʌnɪŋ"}, {"don't", "dˈOnt"},          {"nineteen", "nˌIntˈin"},
        {"U.S.", "jˌuˈɛs"},     {"%", "pəɹsˈɛnt"},     {"happily", "hˈæpəli"},      {"fastest", "fˈæstᵻst"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) expect_word(G_US, C[i][0], NULL, C[i][1]);
    expect_word(G_GB, "water", NULL, "wˈɔːtə");
}

/* ---- sentences ---- */

static void test_sentences(void **state) {
    (void)state;
    expect(G_US, "Hello, world!", "həlˈO, wˈɜɹld!");
    expect(G_US, "The butter is better.", "ðə bˈʌTəɹ ɪz bˈɛTəɹ.");
    expect(G_US, "the apple", "ði ˈæpᵊl");
    expect(G_US, "an apple and a pear", "ɐn ˈæpᵊl ænd ɐ pˈɛɹ");
    expect(G_US, "I am here.", "ˌI ɐm hˈɪɹ.");
    expect(G_US, "to go, to eat", "tə ɡˌO, tʊ ˈit");
    expect(G_US, "\"Quoted\" (text) — yes; no: maybe… end...",
           "“kwˈOTᵻd” (tˈɛkst) — jˈɛs; nˈO: mˈAbi… ˈɛnd...");
    expect(G_US, "well - said", "wˈɛl — sˈɛd");
    expect(G_US, "", "");
    expect(G_US, "   ", "");
    /* misaki 2.0 alphabet on request */
    lt_err err;
    lt_g2p_opts o = {.lang = 'a', .lexicon_dir = lexdir, .keep_flap = 1};
    lt_g2p *g = lt_g2p_new(&o, &err);
    assert_non_null(g);
    expect(g, "butter", "bˈʌɾəɹ");
    lt_g2p_free(g);
    expect(G_GB, "The water is better.", "ðə wˈɔːtə ɪz bˈɛtə.");
}

static void test_heteronyms(void **state) {
    (void)state;
    static const char *const C[][2] = {
        {"I read it yesterday.", "ˌI ɹˈɛd ɪt jˈɛstəɹdˌA."},
        {"I will read the book.", "ˌI wɪl ɹˈid ðə bˈʊk."},
        {"She has read it.", "ʃˌi hæz ɹˈɛd ɪt."},
        {"They live here.", "ðˌA lˈɪv hˈɪɹ."},
        {"a live show", "ɐ lˈIv ʃˈO"},
        {"I want to record it.", "ˌI wˈɑnt tə ɹəkˈɔɹd ɪt."},
        {"the record", "ðə ɹˈɛkəɹd"},
        {"Close the door.", "klˈOz ðə dˈɔɹ."},
        {"It is close.", "ˌɪt ɪz klˈOs."},
        {"The wind blows.", "ðə wˈɪnd blˈOz."},
        {"Wind the clock.", "wˈInd ðə klˈɑk."},
        {"a tear fell", "ɐ tˈɪɹ fˈɛl"},
        {"Don't tear it.", "dˈOnt tˈɛɹ ɪt."},
        {"I object to that.", "ˌI əbʤˈɛkt tə ðˈæt."},
        {"the object", "ði ˈɑbʤəkt"},
        {"a present for you", "ɐ pɹˈɛzᵊnt fɔɹ ju"},
        {"We will present it.", "wˌi wɪl pɹizˈɛnt ɪt."},
        {"I used to go.", "ˌI jˈust tə ɡˌO."},
        {"It was used.", "ˌɪt wʌz jˈuzd."},
        {"the use of it", "ðə jˈus ʌv ɪt"},
        {"We use it.", "wˌi jˈuz ɪt."},
        {"a wound", "ɐ wˈund"},
        {"He wound the clock.", "hˌi wˈWnd ðə klˈɑk."},
        {"Wait a minute.", "wˈAt ɐ mˈɪnət."},
        {"the desert", "ðə dˈɛzəɹt"},
        {"Do not desert me.", "dˈu nˌɑt dəzˈɜɹt mˌi."},
        {"I can.", "ˌI kˈæn."},
        {"I can go.", "ˌI kæn ɡˌO."},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) expect(G_US, C[i][0], C[i][1]);
}

static void test_morphology(void **state) {
    (void)state;
    /* stems only (user lexicon over no gold): the inflections must be derived */
    lt_err err;
    lt_g2p_opts o = {.lang = 'a', .quiet = 1};
    lt_g2p *g = lt_g2p_new(&o, &err);
    assert_non_null(g);
    static const char *const stems[][2] = {{"cat", "kˈæt"},  {"dog", "dˈɔɡ"},   {"wish", "wˈɪʃ"},  {"want", "wˈɑnt"},
                                           {"run", "ɹˈʌn"},  {"quick", "kwˈɪk"}, {"box", "bˈɑks"},  {"need", "nˈid"},
                                           {"play", "plˈA"}, {"make", "mˈAk"},  {"happy", "hˈæpi"}, {"big", "bˈɪɡ"},
                                           {"pat", "pˈæt"},  {"fly", "flˈI"}};
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++)
        assert_int_equal(lt_lexicon_add_user(lt_g2p_lexicon(g), stems[i][0], stems[i][1], &err), 0);
    static const char *const C[][2] = {
        {"cats", "kˈæts"},       {"dogs", "dˈɔɡz"},      {"dog's", "dˈɔɡz"},        {"boxes", "bˈɑksᵻz"},    {"flies", "flˈIz"},     {"wished", "wˈɪʃt"},       {"wanted", "wˈɑntᵻd"},
        {"needed", "nˈidᵻd"},    {"played", "plˈAd"},    {"patted", "pˈæɾᵻd"},      {"running", "ɹˈʌnɪŋ"},
        {"making", "mˈAkɪŋ"},    {"playing", "plˈAɪŋ"},  {"quickly", "kwˈɪkli"},     {"happily", "hˈæpəli"},
        {"bigger", "bˈɪɡəɹ"},    {"quicker", "kwˈɪkəɹ"}, {"happiest", "hˈæpiᵻst"},  {"Cats", "kˈæts"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) expect_word(g, C[i][0], NULL, C[i][1]);
    lt_g2p_free(g);
    /* with the real lexicon: inflections absent from gold and silver */
    expect_word(G_US, "wanted", NULL, "wˈɑntᵻd");
    expect_word(G_US, "dogs", NULL, "dˈɔɡz");
}

static void test_numbers(void **state) {
    (void)state;
    expect(G_US, "in 1984", "ɪn nˌIntˈin ˈATi fˈɔɹ");
    expect(G_US, "2005", "tˈu θˈWzᵊnd fˈIv");
    expect(G_US, "42 cats", "fˈɔɹTi tˈu kˈæts");
    expect(G_US, "the 22nd", "ðə twˈɛnti sˈɛkənd");
    expect(G_US, "3.14", "θɹˈi pYnt wˈʌn fˈɔɹ");
    expect(G_US, "1,000,000", "wˈʌn mˈɪljᵊn");
    expect(G_US, "the 1990s", "ðə nˌIntˈin nˈIndiz");
}

static void test_custom_pronunciation(void **state) {
    (void)state;
    expect(G_US, "[Kokoro](/kˈOkəɹO/) speaks.", "kˈOkəɹO spˈiks.");
    expect(G_US, "say [tomato](/təmˈɑɾO/) now", "sˈA təmˈɑTO nˈW");
    expect(G_US, "[two words](/tˈu wˈɜɹdz/)!", "tˈu wˈɜɹdz!");
    /* stress features */
    expect(G_US, "[hello](-2) there", "həlO ðˈɛɹ");
    expect(G_US, "[hello](-1) there", "həlˌO ðˈɛɹ");
    /* unbalanced or unknown forms are read as text */
    expect(G_US, "[hello world", "(həlˈO wˈɜɹld");
    expect(G_US, "[hello](world)", "(həlˈO)(wˈɜɹld)");
    expect(G_US, "[hello](/x/", "(həlˈO)(ˈɛks");
}

static void test_user_lexicon(void **state) {
    (void)state;
    char path[] = "/tmp/lt_user_lexXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"hello\": \"hˈɛlO\", \"LiteTTS\": \"lˈIt tˌitˌiˈɛs\", \"read\": {\"DEFAULT\": \"ɹˈid\", \"VBD\": \"ɹˈɛd\"},"
          " \"esc\\u00e9\": \"ˈɛski\"}",
          f);
    fclose(f);
    lt_err err;
    lt_g2p_opts o = {.lang = 'a', .lexicon_dir = lexdir, .user_lexicon = path};
    lt_g2p *g = lt_g2p_new(&o, &err);
    if (!g) fail_msg("%s", err.msg);
    expect(g, "hello world", "hˈɛlO wˈɜɹld");
    expect(g, "Hello LiteTTS", "hˈɛlO lˈIt tˌitˌiˈɛs");
    expect(g, "escé", "ˈɛski");
    expect(g, "I read it yesterday.", "ˌI ɹˈɛd ɪt jˈɛstəɹdˌA.");
    lt_g2p_free(g);
    /* a malformed user lexicon is an error that names the file */
    f = fopen(path, "w");
    fputs("{\"hello\": ", f);
    fclose(f);
    assert_null(lt_g2p_new(&o, &err));
    assert_non_null(strstr(err.msg, path));
    remove(path);
}

static void test_fallback_words(void **state) {
    (void)state;
    static const char *const W[] = {"zyxquorb", "blorptastic", "Kwazinsky", "flumberwhistle", "naïveté", "Zürich",
                                    "snarfling", "grommetized"};
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++) {
        lt_err err;
        char *ps = NULL;
        if (lt_g2p_phonemize(G_US, W[i], &ps, &err)) fail_msg("%s", err.msg);
        assert_true(strlen(ps) > 0);
        char bad[128];
        if (!in_vocab(ps, bad, sizeof bad)) fail_msg("%s → %s", W[i], bad);
        free(ps);
        if (lt_g2p_phonemize(G_GB, W[i], &ps, &err)) fail_msg("%s", err.msg);
        assert_true(strlen(ps) > 0);
        if (!in_vocab(ps, bad, sizeof bad)) fail_msg("gb %s → %s", W[i], bad);
        free(ps);
    }
    /* the mapping alone: misaki's E2M on espeak-ng IPA */
    char out[256];
    lt_e2m_english("mˈɜːt^ʃəntʃˌɪp", 0, out, sizeof out);
    assert_string_equal(out, "mˈɜɹʧəntʃˌɪp");
    lt_e2m_english("mˈɜːt^ʃəntʃˌɪp", 1, out, sizeof out);
    assert_string_equal(out, "mˈɜːʧəntʃˌɪp");
    lt_e2m_english("həlˈo^ʊ", 0, out, sizeof out);
    assert_string_equal(out, "həlˈO");
    lt_e2m_english("bˈʌʔn\u0329", 0, out, sizeof out);
    assert_string_equal(out, "bˈʌʔn");
}

static void test_languages(void **state) {
    (void)state;
    static const struct {
        char lang;
        const char *text;
    } C[] = {
        {'a', "Hello there, my friend."},  {'b', "Hello there, my friend."},  {'e', "Hola, ¿cómo estás?"},
        {'f', "Bonjour, comment ça va ?"}, {'h', "नमस्ते, आप कैसे हैं?"},      {'i', "Ciao, come stai?"},
        {'p', "Olá, como você está?"},    {'j', "こんにちは、げんきですか。"}, {'z', "你好，世界。"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        lt_err err;
        lt_g2p_opts o = {.lang = C[i].lang, .lexicon_dir = lexdir};
        lt_g2p *g = lt_g2p_new(&o, &err);
        if (!g) fail_msg("%c: %s", C[i].lang, err.msg);
        char *ps = NULL;
        if (lt_g2p_phonemize(g, C[i].text, &ps, &err)) fail_msg("%c: %s", C[i].lang, err.msg);
        print_message("%c: %s → %s\n", C[i].lang, C[i].text, ps);
        assert_true(strlen(ps) > 2);
        assert_non_null(strpbrk(ps, ",")); /* the comma survives */
        char bad[128];
        if (C[i].lang != 'j' && C[i].lang != 'z' && !in_vocab(ps, bad, sizeof bad)) fail_msg("%c: %s", C[i].lang, bad);
        free(ps);
        lt_g2p_free(g);
    }
    expect_word(G_US, "hello", NULL, "həlˈO");
    lt_err err;
    lt_g2p_opts o = {.lang = 'x'};
    assert_null(lt_g2p_new(&o, &err));
    assert_non_null(strstr(err.msg, "'x'"));
    char *ps = NULL;
    assert_int_equal(lt_espeak_phonemize_text('q', "hi", &ps, &err), -1);
}

static void test_lang_from_voice(void **state) {
    (void)state;
    static const struct {
        const char *v;
        char l;
    } C[] = {{"af_heart", 'a'}, {"am_adam", 'a'},  {"bf_emma", 'b'},  {"bm_george", 'b'}, {"ef_dora", 'e'},
             {"em_alex", 'e'},  {"ff_siwis", 'f'}, {"hf_alpha", 'h'}, {"hm_omega", 'h'},  {"if_sara", 'i'},
             {"im_nicola", 'i'}, {"jf_alpha", 'j'}, {"jm_kumo", 'j'},  {"pf_dora", 'p'},   {"pm_alex", 'p'},
             {"zf_xiaobei", 'z'}, {"zm_yunxi", 'z'}, {"voices/af_bella.pt", 'a'}, {"xx_voice", 0}, {"af", 0},
             {"", 0},           {"qf_x", 0},       {"ax_heart", 0}};
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++)
        if (lt_lang_from_voice(C[i].v) != C[i].l) fail_msg("%s: want %c got %c", C[i].v, C[i].l ? C[i].l : '0', lt_lang_from_voice(C[i].v));
    assert_int_equal(lt_lang_from_voice(NULL), 0);
}

static void test_missing_lexicon(void **state) {
    (void)state;
    lt_err err;
    lt_g2p_opts o = {.lang = 'a', .lexicon_dir = "/nonexistent/misaki-lexicon", .quiet = 1};
    lt_g2p *g = lt_g2p_new(&o, &err);
    assert_non_null(g);
    assert_false(lt_g2p_has_lexicon(g));
    char *ps = NULL;
    assert_int_equal(lt_g2p_phonemize(g, "Hello world, this works.", &ps, &err), 0);
    print_message("espeak-ng only: %s\n", ps);
    assert_true(strlen(ps) > 10);
    char bad[128];
    if (!in_vocab(ps, bad, sizeof bad)) fail_msg("%s", bad);
    free(ps);
    lt_g2p_free(g);
}

static void test_hostile_input(void **state) {
    (void)state;
    lt_err err;
    char *ps = NULL;
    /* invalid UTF-8 and control characters */
    assert_int_equal(lt_g2p_phonemize(G_US, "he\xff\xfello \x01\x02 wor\xc3ld \xe2\x82", &ps, &err), 0);
    free(ps);
    /* a 5,000-character word */
    char *w = malloc(5001);
    for (int i = 0; i < 5000; i++) w[i] = "abcdefghij"[i % 10];
    w[5000] = 0;
    clock_t t0 = clock();
    assert_int_equal(lt_g2p_phonemize(G_US, w, &ps, &err), 0);
    assert_true(strlen(ps) > 0);
    free(ps);
    free(w);
    /* long text of many words */
    size_t n = 200000;
    char *text = malloc(n + 1);
    static const char *const words[] = {"the ", "quick ", "brown ", "fox, ", "jumps ", "over ", "1984 ", "lazy ", "dogs. "};
    size_t o = 0;
    for (size_t i = 0; o + 16 < n; i++) {
        size_t l = strlen(words[i % 9]);
        memcpy(text + o, words[i % 9], l);
        o += l;
    }
    text[o] = 0;
    assert_int_equal(lt_g2p_phonemize(G_US, text, &ps, &err), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("200 kB of text + a 5,000-letter word: %.2f s\n", secs);
    assert_true(strlen(ps) > o / 2);
    free(ps);
    free(text);
    /* brackets and quotes in odd places */
    static const char *const odd[] = {"[", "]", "[](", "[]()", "[a](", "[a](/", "[a](//)", "((((", "\"", "'", "''",
                                      "-", "---", "...", "…", "[x](/ˈæ/)[y](/b/)", "a-", "-a", "1.2.3", "U.S.", "..a..",
                                      "1,", ",1", "'s", "s'", "-5", "+", "@@", "&&", "12345678901234567890123"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        assert_int_equal(lt_g2p_phonemize(G_US, odd[i], &ps, &err), 0);
        free(ps);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexicon_load),   cmocka_unit_test(test_lexicon_words),
        cmocka_unit_test(test_sentences),      cmocka_unit_test(test_heteronyms),
        cmocka_unit_test(test_morphology),     cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_custom_pronunciation), cmocka_unit_test(test_user_lexicon),
        cmocka_unit_test(test_fallback_words), cmocka_unit_test(test_languages),
        cmocka_unit_test(test_lang_from_voice), cmocka_unit_test(test_missing_lexicon),
        cmocka_unit_test(test_hostile_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
