/* test_chunk.c — chunk planning: limits, boundaries, order, the short first
 * chunk, and the word → code-point map used for timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/chunk.h"

static lt_chunk_list plan(const char *ph, int max_cp, int first_cp, lt_chunk_word **words, int *n) {
    *n = lt_chunk_split_phonemes(ph, words);
    assert_true(*n >= 0);
    lt_chunk_list l;
    lt_err err;
    assert_int_equal(lt_chunk_plan(*words, *n, max_cp, first_cp, &l, &err), 0);
    return l;
}

static void test_everything_fits(void **state) {
    (void)state;
    lt_chunk_word *w;
    int n;
    lt_chunk_list l = plan("  hˈɛloʊ   wˈɜːld, ðɪs ɪz ɐ tˈɛst.  ", 510, 0, &w, &n);
    assert_int_equal(n, 6);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].phonemes, "hˈɛloʊ wˈɜːld, ðɪs ɪz ɐ tˈɛst.");
    assert_int_equal(l.items[0].n_cp, 30);
    /* word 1 "wˈɜːld," is code points [7, 14) */
    assert_int_equal(l.items[0].word_cp[2], 7);
    assert_int_equal(l.items[0].word_cp[3], 14);
    assert_int_equal(w[1].src_start, 14); /* bytes: 2 spaces + 9 bytes of hˈɛloʊ + 3 spaces */
    lt_chunk_list_free(&l);
    free(w);
}

static void test_first_chunk_is_first_sentence(void **state) {
    (void)state;
    lt_chunk_word *w;
    int n;
    lt_chunk_list l = plan("ə bˈɪt. sˈɛkənd wˈʌn hˈɪɹ. θˈɜɹd wˈʌn!", 510, 100, &w, &n);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.items[0].phonemes, "ə bˈɪt.");
    assert_string_equal(l.items[1].phonemes, "sˈɛkənd wˈʌn hˈɪɹ. θˈɜɹd wˈʌn!");
    assert_int_equal(l.items[1].word_start, 2);
    assert_int_equal(l.items[1].word_count, 5);
    lt_chunk_list_free(&l);
    free(w);
}

static void test_sentence_then_clause_then_word(void **state) {
    (void)state;
    lt_chunk_word *w;
    int n;
    /* limit 20: "aaaa bbbb. cccc dddd" (20) fits; the next chunk cuts at the clause */
    lt_chunk_list l = plan("aaaa bbbb. cccc dddd eeee, ffff gggg hhhh", 20, 0, &w, &n);
    assert_int_equal(l.count, 3);
    assert_string_equal(l.items[0].phonemes, "aaaa bbbb.");
    assert_string_equal(l.items[1].phonemes, "cccc dddd eeee,");
    assert_string_equal(l.items[2].phonemes, "ffff gggg hhhh");
    lt_chunk_list_free(&l);
    free(w);
    /* no marks at all: cut between words, never inside */
    l = plan("aaaa bbbb cccc dddd eeee", 10, 0, &w, &n);
    assert_int_equal(l.count, 3);
    assert_string_equal(l.items[0].phonemes, "aaaa bbbb");
    assert_string_equal(l.items[2].phonemes, "eeee");
    lt_chunk_list_free(&l);
    free(w);
}

static void test_long_text_limits_and_order(void **state) {
    (void)state;
    char text[40000] = "";
    for (int i = 0; i < 900; i++) strcat(text, i % 7 == 6 ? "tˈɛstɪŋ. " : i % 5 == 4 ? "wˈʌn, " : "ɐbˈWt ");
    lt_chunk_word *w;
    int n;
    lt_chunk_list l = plan(text, 510, 100, &w, &n);
    assert_true(l.count > 5);
    int next = 0;
    for (int i = 0; i < l.count; i++) {
        assert_true(l.items[i].n_cp <= 510);
        assert_int_equal(lt_utf8_count(l.items[i].phonemes, strlen(l.items[i].phonemes)), l.items[i].n_cp);
        assert_int_equal(l.items[i].word_start, next); /* order kept, nothing lost */
        next += l.items[i].word_count;
    }
    assert_int_equal(next, n);
    assert_true(l.items[0].n_cp < 100); /* the first sentence alone */
    lt_chunk_list_free(&l);
    free(w);
}

static void test_closing_quotes_and_dashes(void **state) {
    (void)state;
    lt_chunk_word *w;
    int n;
    lt_chunk_list l = plan("“hˈI.” ðˈɛn — nˈO", 510, 1, &w, &n);
    assert_string_equal(l.items[0].phonemes, "“hˈI.”");
    lt_chunk_list_free(&l);
    free(w);
    assert_int_equal(lt_chunk_split_phonemes("   ", &w), 0);
    free(w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everything_fits),
        cmocka_unit_test(test_first_chunk_is_first_sentence),
        cmocka_unit_test(test_sentence_then_clause_then_word),
        cmocka_unit_test(test_long_text_limits_and_order),
        cmocka_unit_test(test_closing_quotes_and_dashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
