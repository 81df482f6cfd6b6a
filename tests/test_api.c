/* test_api.c — the public C API (include/litetts.h) on the tiny golden model:
 * synthesis lengths, chunking of long phoneme strings, blends, determinism,
 * and the errors callers see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "litetts.h"

static char golden[1024];
static const char *CASE1 = "hˈɛloʊ wˈɜːld, ðɪs ɪz ɐ tˈɛst.";

typedef struct collected {
    int chunks;
    size_t samples[64];
    float *audio;
    size_t total;
} collected;

static int collect(void *user, const float *x, size_t n, int chunk) {
    collected *c = user;
    assert_int_equal(chunk, c->chunks);
    c->samples[c->chunks++] = n;
    c->audio = realloc(c->audio, sizeof(float) * (c->total + n));
    memcpy(c->audio + c->total, x, sizeof(float) * n);
    c->total += n;
    return 0;
}

static litetts_model *tiny(void) {
    char p[2048];
    snprintf(p, sizeof p, "%s/tiny/kokoro-tiny.pth", golden);
    litetts_error err;
    litetts_model *m = litetts_model_open(p, NULL, &err);
    if (!m) fail_msg("%s", err.message);
    return m;
}

static litetts_voice *voice(litetts_model *m, const char *file) {
    char p[2048];
    snprintf(p, sizeof p, "%s/tiny/%s", golden, file);
    litetts_error err;
    litetts_voice *v = litetts_voice_load(m, p, NULL, &err);
    if (!v) fail_msg("%s", err.message);
    return v;
}

static void test_one_sentence_matches_golden_length(void **state) {
    (void)state;
    litetts_model *m = tiny();
    litetts_voice *v = voice(m, "voice.pt");
    assert_int_equal(litetts_model_voice_width(m), 64);
    collected c = {0};
    litetts_error err;
    assert_int_equal(litetts_synthesize(m, v, CASE1, NULL, collect, &c, &err), 1);
    assert_int_equal(c.total, 38400); /* tiny/case1: 64 frames × 600 */
    /* same seed → same samples; another seed → different samples */
    collected d = {0}, e = {0};
    litetts_options o = {.speed = 1, .seed = 0}, o2 = {.speed = 1, .seed = 7};
    litetts_synthesize(m, v, CASE1, &o, collect, &d, &err);
    litetts_synthesize(m, v, CASE1, &o2, collect, &e, &err);
    assert_memory_equal(c.audio, d.audio, sizeof(float) * c.total);
    assert_int_equal(e.total, c.total);
    assert_true(memcmp(c.audio, e.audio, sizeof(float) * c.total) != 0);
    free(c.audio); free(d.audio); free(e.audio);
    litetts_voice_free(v);
    litetts_model_free(m);
}

static void test_chunks_at_sentences_and_limit(void **state) {
    (void)state;
    litetts_model *m = tiny();
    litetts_voice *v = voice(m, "voice.pt");
    litetts_error err;
    collected c = {0};
    char text[4096];
    snprintf(text, sizeof text, "%s %s %s", CASE1, CASE1, CASE1);
    /* first chunk = first sentence (38400 samples, less any trailing silence trimmed at the seam,
     * plus a 300 ms sentence pause of exact zeros); the other two fit in one more chunk */
    assert_int_equal(litetts_synthesize(m, v, text, NULL, collect, &c, &err), 2);
    assert_true(c.samples[0] > 7200 && c.samples[0] <= 38400 + 7200);
    for (size_t i = c.samples[0] - 7200; i < c.samples[0]; i++) assert_true(c.audio[i] == 0.0f);
    assert_true(c.audio[c.samples[0] - 7201] != 0.0f);
    free(c.audio);
    /* 700 code points without any punctuation: cut at a space below 510 */
    char longtext[8192] = "";
    for (int i = 0; i < 70; i++) strcat(longtext, "tˈɛstɪŋ ");
    collected d = {0};
    assert_int_equal(litetts_synthesize(m, v, longtext, NULL, collect, &d, &err), 2);
    free(d.audio);
    litetts_voice_free(v);
    litetts_model_free(m);
}

static void test_blend_is_weighted_mean(void **state) {
    (void)state;
    litetts_model *m = tiny();
    litetts_voice *a = voice(m, "voices/af_heart.bin"), *b = voice(m, "voices/am_adam.bin");
    const litetts_voice *both[2] = {a, b};
    float w[2] = {3, 1};
    litetts_error err;
    litetts_voice *mix = litetts_voice_blend(both, w, 2, &err);
    assert_non_null(mix);
    /* the mix's rows are (3·a + b) / 4, read back against the raw packs */
    char pa[2048], pb[2048];
    snprintf(pa, sizeof pa, "%s/tiny/voices/af_heart.bin", golden);
    snprintf(pb, sizeof pb, "%s/tiny/voices/am_adam.bin", golden);
    FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
    float ra[64], rb[64];
    fseek(fa, 10 * 64 * 4, SEEK_SET);
    fseek(fb, 10 * 64 * 4, SEEK_SET);
    assert_int_equal(fread(ra, 4, 64, fa), 64);
    assert_int_equal(fread(rb, 4, 64, fb), 64);
    fclose(fa);
    fclose(fb);
    const float *row = litetts_voice_style(mix, 11); /* row 10 */
    for (int i = 0; i < 64; i++) assert_float_equal(row[i], (3 * ra[i] + rb[i]) / 4, 1e-6);
    /* a one-voice "blend" reproduces the voice exactly; and the mix differs from both */
    const litetts_voice *one[1] = {a};
    litetts_voice *same = litetts_voice_blend(one, NULL, 1, &err);
    collected x = {0}, y = {0}, z = {0};
    litetts_synthesize(m, a, CASE1, NULL, collect, &x, &err);
    litetts_synthesize(m, same, CASE1, NULL, collect, &y, &err);
    litetts_synthesize(m, mix, CASE1, NULL, collect, &z, &err);
    assert_int_equal(x.total, y.total);
    assert_memory_equal(x.audio, y.audio, sizeof(float) * x.total);
    assert_true(z.total != x.total || memcmp(x.audio, z.audio, sizeof(float) * x.total) != 0);
    free(x.audio); free(y.audio); free(z.audio);
    float bad[2] = {1, -1};
    assert_null(litetts_voice_blend(both, bad, 2, &err));
    assert_non_null(strstr(err.message, "weight"));
    litetts_voice_free(same);
    litetts_voice_free(mix);
    litetts_voice_free(a);
    litetts_voice_free(b);
    litetts_model_free(m);
}

static void test_errors(void **state) {
    (void)state;
    litetts_error err;
    assert_null(litetts_model_open("/nonexistent/model.pth", NULL, &err));
    assert_non_null(strstr(err.message, "/nonexistent/model.pth"));
    litetts_model *m = tiny();
    char p[2048];
    snprintf(p, sizeof p, "%s/../kokoro-voices/af_heart.bin", golden); /* 256 wide, model wants 64 */
    assert_null(litetts_voice_load(m, p, NULL, &err));
    assert_non_null(strstr(err.message, "64"));
    litetts_voice *v = voice(m, "voice.pt");
    assert_int_equal(litetts_synthesize(m, v, "   ", NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.message, "empty"));
    litetts_options fast = {.speed = 5};
    assert_int_equal(litetts_synthesize(m, v, CASE1, &fast, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.message, "speed"));
    assert_int_equal(litetts_synthesize(m, v, "\xff\xfe", NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.message, "UTF-8"));
    litetts_voice_free(v);
    litetts_model_free(m);
}

typedef struct words_seen {
    int n;
    litetts_word w[64];
} words_seen;

/* audio (first member, so `collect` can take the same pointer) and words */
typedef struct audio_and_words {
    collected c;
    words_seen ws;
} audio_and_words;

static int collect_word(void *user, const litetts_word *w) {
    words_seen *ws = &((audio_and_words *)user)->ws;
    if (ws->n < 64) ws->w[ws->n++] = *w;
    return 0;
}

static void test_text_front_end(void **state) {
    (void)state;
    char lex[2048];
    snprintf(lex, sizeof lex, "%s/../misaki-lexicon", golden);
    litetts_error err;
    litetts_text *t = litetts_text_open('a', lex, &err);
    if (!t) fail_msg("%s", err.message);
    char *ph = litetts_phonemize(t, "Hello world.", &err);
    assert_non_null(ph);
    assert_string_equal(ph, "həlˈO wˈɜɹld.");
    free(ph);
    assert_int_equal(litetts_lang_of_voice("bf_emma"), 'b');

    litetts_model *m = tiny();
    litetts_voice *v = voice(m, "voices/af_bella.pt");
    const char *text = "It costs $100. Call me at 5 pm!";
    audio_and_words both = {0};
    int n = litetts_synthesize_text(m, v, t, text, NULL, collect, collect_word, &both, &err);
    if (n < 0) fail_msg("%s", err.message);
    assert_int_equal(n, 2); /* the first sentence alone, then the rest */
    /* "$100" is read as three words, each pointing back at the same 4 input bytes */
    int dollars = 0;
    for (int i = 0; i < both.ws.n; i++) {
        const litetts_word *w = &both.ws.w[i];
        assert_true(w->end_time >= w->start_time);
        if (i) assert_true(w->start_time >= both.ws.w[i - 1].end_time);
        assert_true(w->end_time * 24000 <= (double)both.c.total);
        if (!strncmp(text + w->start, "$100", 4) && w->end - w->start <= 5) dollars++;
    }
    assert_int_equal(dollars, 3);
    free(both.c.audio);
    litetts_voice_free(v);
    litetts_model_free(m);
    litetts_text_free(t);
}

int main(void) {
    const char *shared = getenv("LT_SHARED");
    snprintf(golden, sizeof golden, "%s/kokoro-golden", shared ? shared : "../shared");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_sentence_matches_golden_length),
        cmocka_unit_test(test_chunks_at_sentences_and_limit),
        cmocka_unit_test(test_blend_is_weighted_mean),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_text_front_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
