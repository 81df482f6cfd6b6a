/* test_blend.c — blend expressions: parsing, errors, and the arithmetic
 * checked numerically against hand-computed mixes of the tiny voices. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "voice/blend.h"

static char voices[1024];

static void test_parse(void **state) {
    (void)state;
    lt_blend b;
    lt_err err;
    assert_int_equal(lt_blend_parse("af_bella(2)+af_sky(1)", 0, &b, &err), 0);
    assert_int_equal(b.n, 2);
    assert_string_equal(b.terms[0].name, "af_bella");
    assert_true(b.terms[0].weight == 2.0f && b.terms[1].weight == 1.0f && b.terms[1].sign == 1);
    assert_int_equal(lt_blend_parse(" af_heart - am_adam(0.5) + bf_emma ", 0, &b, &err), 0);
    assert_int_equal(b.n, 3);
    assert_int_equal(b.terms[1].sign, -1);
    assert_true(b.terms[1].weight == 0.5f && b.terms[2].weight == 1.0f);
    assert_int_equal(lt_blend_parse("af_heart", 0, &b, &err), 0);
    assert_int_equal(b.n, 1);
}

static void test_parse_errors(void **state) {
    (void)state;
    static const struct { const char *expr, *msg; } bad[] = {
        {"", "empty"},
        {"af_bella(0)", "> 0"},
        {"af_bella(-1)", "> 0"},
        {"af_bella(nan)", "> 0"},
        {"af_bella(inf)", "> 0"},
        {"af_bella(1e-309)", "1e-06"}, /* would round to 0 as a float (found by fuzz_blend) */
        {"af_bella(2", "parentheses"},
        {"af_bella()", "parentheses"},
        {"af_bella+", "expected a voice name"},
        {"+af_bella", "expected a voice name"},
        {"af_bella++af_sky", "expected a voice name"},
        {"../etc/passwd", "not a valid voice name"},
        {"af/bella", "not a valid voice name"},
        {"af_bella*2", "not a valid voice name"},
        {"a(1)b", "unexpected 'b'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        lt_blend b;
        lt_err err;
        assert_int_equal(lt_blend_parse(bad[i].expr, 0, &b, &err), -1);
        if (!strstr(err.msg, bad[i].msg)) fail_msg("'%s': message '%s' lacks '%s'", bad[i].expr, err.msg, bad[i].msg);
    }
    char many[1024] = "v0";
    for (int i = 1; i < 20; i++) {
        char t[16];
        snprintf(t, sizeof t, "+v%d", i);
        strcat(many, t);
    }
    lt_blend b;
    lt_err err;
    assert_int_equal(lt_blend_parse(many, 4, &b, &err), -1);
    assert_non_null(strstr(err.msg, "more than 4 terms"));
}

static lt_voice_pack load(const char *name) {
    char p[2048];
    snprintf(p, sizeof p, "%s/%s.bin", voices, name);
    lt_voice_pack v;
    lt_err err;
    if (lt_voice_pack_load(p, NULL, 64, &v, &err)) fail_msg("%s", err.msg);
    return v;
}

static void test_apply_numbers(void **state) {
    (void)state;
    lt_voice_pack a = load("af_bella"), s = load("af_sky"), m = load("am_adam");
    const lt_voice_pack *packs[3] = {&a, &s, &m};
    lt_blend b;
    lt_voice_pack out;
    lt_err err;
    /* a(2)+s(1): (2a + s) / 3 */
    assert_int_equal(lt_blend_parse("af_bella(2)+af_sky(1)", 0, &b, &err), 0);
    assert_int_equal(lt_blend_apply(&b, packs, 1, &out, &err), 0);
    for (int i = 0; i < 510 * 64; i += 97) assert_true(fabsf(out.data[i] - (2 * a.data[i] + s.data[i]) / 3) < 1e-6f);
    lt_voice_pack_free(&out);
    /* a-s(1)+m(2): (a - s + 2m) / 4 — subtracted weights count in W */
    assert_int_equal(lt_blend_parse("af_bella-af_sky+am_adam(2)", 0, &b, &err), 0);
    assert_int_equal(lt_blend_apply(&b, packs, 1, &out, &err), 0);
    for (int i = 0; i < 510 * 64; i += 89)
        assert_true(fabsf(out.data[i] - (a.data[i] - s.data[i] + 2 * m.data[i]) / 4) < 1e-6f);
    lt_voice_pack_free(&out);
    /* raw weights: a - s + 2m */
    assert_int_equal(lt_blend_apply(&b, packs, 0, &out, &err), 0);
    for (int i = 0; i < 510 * 64; i += 89)
        assert_true(fabsf(out.data[i] - (a.data[i] - s.data[i] + 2 * m.data[i])) < 1e-6f);
    lt_voice_pack_free(&out);
    /* a single term is that voice, exactly */
    assert_int_equal(lt_blend_parse("af_sky(3)", 0, &b, &err), 0);
    const lt_voice_pack *one[1] = {&s};
    assert_int_equal(lt_blend_apply(&b, one, 1, &out, &err), 0);
    assert_memory_equal(out.data, s.data, sizeof(float) * 510 * 64);
    lt_voice_pack_free(&out);
    lt_voice_pack_free(&a);
    lt_voice_pack_free(&s);
    lt_voice_pack_free(&m);
}

int main(void) {
    const char *shared = getenv("LT_SHARED");
    snprintf(voices, sizeof voices, "%s/kokoro-golden/tiny/voices", shared ? shared : "../shared");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_apply_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
