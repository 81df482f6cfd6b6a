/* test_flops.c — the benchmark's FLOP count (engine/flops.h) against the
 * figures of the issue notes (note 7): Kokoro v1.0 does 557.2 GFLOP for
 * bench-utterance.json "10s" (136 ids, 406 frames = 10.15 s) and 54.9 GFLOP
 * per audio second, 60 % of it in the generator's resblocks, 27 % in the
 * noise branch, 5 % in the decoder trunk, 3 % in ALBERT.
 *
 * The frame count comes from the README (10.15 s of audio with the recipe
 * weights), and the test also runs the engine on the recipe model and checks
 * its durations give those frames (a few seconds; skipped in sanitizer
 * builds unless LT_TEST_SLOW=1, and always with LT_TEST_SLOW=0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/flops.h"
#include "engine/gguf.h"
#include "engine/kokoro.h"
#include "engine/recipe_weights.h"
#include "engine/weight_norm.h"
#include "voice/voice_pack.h"

static char g_path[4096];

static const char *shared(const char *rel) {
    const char *s = getenv("LT_SHARED");
    snprintf(g_path, sizeof g_path, "%s/%s", s && *s ? s : "../shared", rel);
    return g_path;
}

static lt_kokoro_config *official_config(void) {
    lt_kokoro_config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    lt_err err;
    if (lt_config_load_file(shared("kokoro-golden/config-official.json"), cfg, NULL, &err)) fail_msg("%s", err.msg);
    return cfg;
}

/* The "10s" phonemes (malloc'd). */
static char *bench_phonemes(void) {
    json_error_t jerr;
    json_t *j = json_load_file(shared("kokoro-golden/bench-utterance.json"), 0, &jerr);
    if (!j) fail_msg("bench-utterance.json: %s", jerr.text);
    const char *ph = json_string_value(json_object_get(json_object_get(j, "10s"), "phonemes"));
    assert_non_null(ph);
    char *out = strdup(ph);
    json_decref(j);
    return out;
}

/* Token count of the phonemes under the official vocab (pads included). */
static int official_tokens(const lt_kokoro_config *cfg, const char *ph) {
    lt_kokoro *m = calloc(1, sizeof *m); /* tokenizing needs only the config */
    assert_non_null(m);
    m->cfg = *cfg;
    int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
    int ncp = 0;
    lt_err err;
    int T = lt_kokoro_tokenize(m, ph, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, &err);
    if (T < 0) fail_msg("%s", err.msg);
    free(m);
    return T;
}

static const int64_t FRAMES_10S = 406; /* 10.15 s · 24000 / 600 (kokoro-golden/README.md) */

static void test_v1_bench_utterance(void **state) {
    (void)state;
    lt_kokoro_config *cfg = official_config();
    char *ph = bench_phonemes();
    int T = official_tokens(cfg, ph);
    assert_int_equal(T, 136);
    lt_kokoro_flops_parts p;
    double f = lt_kokoro_flops_parts_get(cfg, NULL, T, FRAMES_10S, &p);
    assert_true(f == lt_kokoro_flops(cfg, NULL, T, FRAMES_10S));
    printf("10s: %.3f GFLOP (resblocks %.1f %%, noise %.1f %%, decoder %.1f %%, ALBERT %.1f %%)\n", f / 1e9,
           100 * p.resblocks / f, 100 * p.noise / f, 100 * p.decoder / f, 100 * p.albert / f);
    assert_float_equal(f / 1e9, 557.2, 0.1);
    double audio_s = FRAMES_10S * 600 / 24000.0;
    assert_float_equal(audio_s, 10.15, 1e-9);
    assert_float_equal(f / 1e9 / audio_s, 54.9, 0.05);
    /* the shares of note 7 */
    assert_float_equal(100 * p.resblocks / f, 60, 0.5);
    assert_float_equal(100 * p.noise / f, 27, 0.5);
    assert_float_equal(100 * p.decoder / f, 5, 0.5);
    assert_float_equal(100 * p.albert / f, 3, 0.5);
    /* generator and decoder convolutions alone; with the predictor's F0/N and
     * the text encoder's convolutions (in prosody / text) they make note 7's 96 % */
    double conv = p.resblocks + p.noise + p.decoder + p.ups + p.post;
    assert_true(conv / f > 0.945 && conv / f < 0.96);
    double sum = p.albert + p.prosody + p.text + p.decoder + p.noise + p.ups + p.resblocks + p.post + p.source;
    assert_float_equal(sum, p.total, p.total * 1e-15);
    free(ph);
    free(cfg);
}

static void test_per_second_and_scaling(void **state) {
    (void)state;
    lt_kokoro_config *cfg = official_config();
    /* the decoder side is linear in frames; the text side in tokens (plus T² attention) */
    double a = lt_kokoro_flops(cfg, NULL, 136, 406), b = lt_kokoro_flops(cfg, NULL, 136, 812);
    assert_true(b > 1.9 * a && b < 2.0 * a);
    /* any utterance of typical pace comes to ~54.9 GFLOP per audio second */
    double per_s = lt_kokoro_flops(cfg, NULL, 272, 812) / 1e9 / (812 * 600 / 24000.0);
    assert_float_equal(per_s, 54.9, 0.1);
    assert_true(lt_kokoro_flops(cfg, NULL, 0, 406) == 0);
    assert_true(lt_kokoro_flops(cfg, NULL, 136, 0) == 0);
    assert_true(lt_kokoro_flops(NULL, NULL, 136, 406) == 0);
    free(cfg);
}

/* The widths read from a loaded model give the same count as the official
 * derivations on the full-size recipe model, and the engine's durations for
 * the 10s utterance give 136 ids and 406 frames. */
static void test_recipe_model(void **state) {
    (void)state;
    lt_tensor_set set;
    lt_tensor_set_init(&set);
    lt_err err;
    char *json = NULL;
    lt_kokoro_config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    if (lt_config_load_file(shared("kokoro-golden/config-official.json"), cfg, &json, &err)) fail_msg("%s", err.msg);
    if (lt_recipe_generate(shared("kokoro-golden/state-dict-official.tsv"), &set, NULL, NULL, &err) ||
        lt_fold_weight_norm(&set, &err))
        fail_msg("%s", err.msg);
    char path[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/lt-test-flops-%d.gguf", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (lt_gguf_write(path, &set, json, "f32", NULL, NULL, &err)) fail_msg("%s", err.msg);
    lt_tensor_set_free(&set);
    lt_kokoro *m = NULL;
    if (lt_kokoro_open(path, NULL, &m, &err)) {
        unlink(path);
        fail_msg("%s", err.msg);
    }
    unlink(path); /* the mapping stays valid */
    double with_m = lt_kokoro_flops(&m->cfg, m, 136, FRAMES_10S), without = lt_kokoro_flops(cfg, NULL, 136, FRAMES_10S);
    assert_float_equal(with_m, without, without * 1e-14);

    const char *slow = getenv("LT_TEST_SLOW");
    int run_engine = !(slow && !strcmp(slow, "0"));
#if defined(__SANITIZE_ADDRESS__)
#define LT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LT_TEST_ASAN 1
#endif
#endif
#ifdef LT_TEST_ASAN
    run_engine = slow && *slow && strcmp(slow, "0");
#endif
    if (run_engine) {
        char *ph = bench_phonemes();
        lt_voice_pack vp;
        if (lt_voice_pack_load(shared("kokoro-voices/af_heart.bin"), NULL, 2 * m->cfg.style_dim, &vp, &err))
            fail_msg("%s", err.msg);
        int64_t ids[LT_MAX_PHONEME_CODEPOINTS + 2];
        int ncp;
        assert_true(lt_kokoro_tokenize(m, ph, ids, LT_MAX_PHONEME_CODEPOINTS + 2, &ncp, &err) > 0);
        lt_synth_result r;
        if (lt_kokoro_synthesize(m, ph, lt_voice_pack_row(&vp, ncp), 1.0f, NULL, &r, &err)) fail_msg("%s", err.msg);
        int64_t frames = 0;
        for (int t = 0; t < r.n_tokens; t++) frames += r.durations[t];
        printf("engine: %d tokens, %lld frames, %lld samples\n", r.n_tokens, (long long)frames, (long long)r.n_samples);
        assert_int_equal(r.n_tokens, 136);
        assert_int_equal(frames, FRAMES_10S);
        assert_float_equal(lt_kokoro_flops(&m->cfg, m, r.n_tokens, frames) / 1e9, 557.2, 0.1);
        lt_synth_result_free(&r);
        lt_voice_pack_free(&vp);
        free(ph);
    }
    lt_kokoro_free(m);
    free(json);
    free(cfg);
}

/* Another configuration: the tiny model's widths (decoder 96, not 1024) are
 * read from the model, so its count is far below the official-width guess. */
static void test_tiny_model_widths(void **state) {
    (void)state;
    lt_kokoro *m = NULL;
    lt_err err;
    char model[4096], config[4096];
    snprintf(model, sizeof model, "%s", shared("kokoro-golden/tiny/kokoro-tiny.pth"));
    snprintf(config, sizeof config, "%s", shared("kokoro-golden/tiny/config.json"));
    if (lt_kokoro_open(model, config, &m, &err)) fail_msg("%s", err.msg);
    lt_kokoro_flops_parts p, q;
    double with_m = lt_kokoro_flops_parts_get(&m->cfg, m, 40, 100, &p);
    double guess = lt_kokoro_flops_parts_get(&m->cfg, NULL, 40, 100, &q);
    assert_true(with_m > 0 && with_m < guess);
    assert_true(p.decoder < q.decoder);
    assert_true(p.resblocks == q.resblocks); /* generator widths come from the config in both */
    /* decoder trunk by hand from the model's own widths */
    int D = m->cfg.hidden_dim, S = m->cfg.style_dim, C = m->dec_dim, R = m->dec_res_dim;
    double F = 100, dec = 6 * F + 2.0 * S * (D + 2) + 2.0 * S * C + (D + 2.0) * C * 3 * F + (double)C * C * 3 * F +
                          (D + 2.0) * C * F + (double)D * R * F;
    for (int i = 0; i < m->n_decode; i++) {
        const lt_adain_resblk *b = &m->decode[i];
        double T2 = b->upsample ? 2 * F : F;
        dec += 2.0 * S * b->dim_in + 2.0 * S * b->dim_out + (b->upsample ? 3.0 * b->dim_in * F : 0) +
               (double)b->dim_in * b->dim_out * 3 * T2 + (double)b->dim_out * b->dim_out * 3 * T2 +
               (b->dim_in != b->dim_out ? (double)b->dim_in * b->dim_out * T2 : 0);
    }
    assert_float_equal(p.decoder, 2 * dec, 1e-6 * dec);
    lt_kokoro_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_bench_utterance),
        cmocka_unit_test(test_per_second_and_scaling),
        cmocka_unit_test(test_recipe_model),
        cmocka_unit_test(test_tiny_model_widths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
