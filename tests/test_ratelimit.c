/* test_ratelimit.c — token buckets: bursts, refusal with the right wait,
 * refill over time, clients independent. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "server/ratelimit.h"

static void test_burst_refill_and_clients(void **state) {
    (void)state;
    assert_null(lt_ratelimit_new(0, 5)); /* 0 = no limit */
    lt_ratelimit *r = lt_ratelimit_new(2.0, 3.0); /* 2/s, bursts of 3 */
    double wait = -1;
    for (int i = 0; i < 3; i++) assert_int_equal(lt_ratelimit_take(r, "key:a", 100.0, &wait), 1);
    assert_int_equal(lt_ratelimit_take(r, "key:a", 100.0, &wait), 0);
    assert_true(fabs(wait - 0.5) < 1e-9); /* one token comes back in 1/rate s */
    assert_int_equal(lt_ratelimit_take(r, "ip:10.0.0.1", 100.0, &wait), 1); /* another client */
    assert_int_equal(lt_ratelimit_take(r, "key:a", 100.25, &wait), 0);
    assert_true(fabs(wait - 0.25) < 1e-9);
    assert_int_equal(lt_ratelimit_take(r, "key:a", 100.5, &wait), 1);
    assert_int_equal(lt_ratelimit_take(r, "key:a", 200.0, &wait), 1); /* long idle: refilled, capped at the burst */
    assert_int_equal(lt_ratelimit_take(r, "key:a", 200.0, &wait), 1);
    assert_int_equal(lt_ratelimit_take(r, "key:a", 200.0, &wait), 1);
    assert_int_equal(lt_ratelimit_take(r, "key:a", 200.0, &wait), 0);
    lt_ratelimit_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_burst_refill_and_clients)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
