/* test_timestamps.c — word times from durations: the golden durations of the
 * tiny cases through the real tokenizer (case4 holds a symbol the vocab drops). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "engine/kokoro.h"
#include "engine/npy.h"
#include "text/chunk.h"
#include "text/timestamps.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char golden[1024];

static void check_case(const char *name) {
    char p[2048];
    snprintf(p, sizeof p, "%s/tiny/kokoro-tiny.pth", golden);
    lt_kokoro *m;
    lt_err err;
    if (lt_kokoro_open(p, NULL, &m, &err)) fail_msg("%s", err.msg);
    snprintf(p, sizeof p, "%s/tiny/%s/case.json", golden, name);
    json_t *cj = json_load_file(p, 0, NULL);
    assert_non_null(cj);
    const char *ph = json_string_value(json_object_get(cj, "phonemes"));
    lt_tensor_set set;
    lt_tensor_set_init(&set);
    snprintf(p, sizeof p, "%s/tiny/%s/pred_dur.npy", golden, name);
    assert_int_equal(lt_npy_read_file(p, &set, "dur", &err), 0);
    const lt_tensor *dur = lt_tensor_set_find(&set, "dur");
    int n_tokens = (int)dur->shape[0];

    lt_chunk_word *w;
    int n = lt_chunk_split_phonemes(ph, &w);
    lt_chunk_list l;
    assert_int_equal(lt_chunk_plan(w, n, 510, 0, &l, &err), 0);
    assert_int_equal(l.count, 1);
    int cp_token[512];
    int n_cp = lt_kokoro_codepoint_tokens(m, l.items[0].phonemes, cp_token, 512);
    assert_int_equal(n_cp, l.items[0].n_cp);
    double start[128], end[128];
    lt_word_times(l.items[0].word_cp, n, cp_token, n_cp, dur->data, n_tokens, 0.025, start, end);
    const int64_t *d = dur->data;
    /* the first word starts after the leading pad; the last ends before the trailing pad */
    assert_near(start[0], d[0] * 0.025, 1e-9);
    int64_t total = 0;
    for (int t = 0; t < n_tokens; t++) total += d[t];
    assert_near(end[n - 1], (total - d[n_tokens - 1]) * 0.025, 1e-9);
    for (int i = 0; i < n; i++) {
        assert_true(end[i] >= start[i]);
        if (i) assert_true(start[i] >= end[i - 1]); /* words in order, spaces between them */
        /* a word's length is the frames of its own tokens */
        int64_t frames = 0;
        for (int c = l.items[0].word_cp[2 * i]; c < l.items[0].word_cp[2 * i + 1]; c++)
            if (cp_token[c] >= 0) frames += d[cp_token[c]];
        assert_near(end[i] - start[i], frames * 0.025, 1e-9);
    }
    lt_chunk_list_free(&l);
    free(w);
    lt_tensor_set_free(&set);
    json_decref(cj);
    lt_kokoro_free(m);
}

static void test_case1(void **state) { (void)state; check_case("case1"); }
static void test_case4_dropped_symbol(void **state) { (void)state; check_case("case4"); }

static void test_word_of_dropped_symbols_is_empty(void **state) {
    (void)state;
    /* code points: word 0 = tokens 1, 2; a space (3); word 1 = one dropped symbol; a space (4); word 2 = token 5 */
    int word_cp[] = {0, 2, 3, 4, 5, 6};
    int cp_token[] = {1, 2, 3, -1, 4, 5};
    int64_t dur[] = {2, 1, 1, 1, 3, 1, 2};
    double s[3], e[3];
    lt_word_times(word_cp, 3, cp_token, 6, dur, 7, 0.5, s, e);
    assert_near(s[0], 1.0, 1e-12);
    assert_near(e[0], 2.0, 1e-12);
    assert_near(s[1], e[1], 1e-12);
    assert_near(s[1], 2.5, 1e-12); /* where the next kept token (the space) starts */
    assert_near(s[2], 4.0, 1e-12);
    assert_near(e[2], 4.5, 1e-12);
}

int main(void) {
    const char *shared = getenv("LT_SHARED");
    snprintf(golden, sizeof golden, "%s/kokoro-golden", shared ? shared : "../shared");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case1),
        cmocka_unit_test(test_case4_dropped_symbol),
        cmocka_unit_test(test_word_of_dropped_symbols_is_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
