/* test_settings.c — `litetts serve` settings: defaults, a JSON file, the
 * environment and flags in that order of precedence, and errors that name
 * the key and where it came from; the --print-config dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "server/settings.h"

static void expect_json_error(const char *text, const char *message) {
    lt_settings s;
    lt_settings_init(&s);
    lt_err err;
    assert_int_not_equal(lt_settings_load_json(&s, text, strlen(text), "cfg.json", &err), 0);
    if (!strstr(err.msg, message)) fail_msg("error '%s' lacks '%s'", err.msg, message);
    lt_settings_free(&s);
}

static void test_defaults_and_precedence(void **state) {
    (void)state;
    lt_settings s;
    lt_settings_init(&s);
    assert_int_equal(s.cfg.port, 8880);
    assert_int_equal(s.cfg.workers, 1);
    assert_int_equal(s.cfg.queue_size, 16);
    assert_int_equal(s.cfg.max_input, 4096);
    lt_err err;
    const char *file = "{\"port\": 9000, \"workers\": 2, \"host\": \"0.0.0.0\", \"rate_limit\": 2.5,"
                       " \"drain_seconds\": 1.5, \"quiet\": true, \"api_keys\": [\"k1\", \"k2\"], \"redis\": null}";
    assert_int_equal(lt_settings_load_json(&s, file, strlen(file), "cfg.json", &err), 0);
    assert_int_equal(s.cfg.port, 9000);
    assert_int_equal(s.cfg.workers, 2);
    assert_string_equal(s.cfg.host, "0.0.0.0");
    assert_true(s.cfg.rate_limit == 2.5);
    assert_int_equal(s.cfg.drain_ms, 1500);
    assert_int_equal(s.cfg.quiet, 1);
    assert_string_equal(s.cfg.api_keys, "k1,k2");
    /* the environment overrides the file ... */
    char *env[] = {"PATH=/bin", "LITETTS_PORT=9100", "LITETTS_QUIET=off", "LITETTS_THREADS=7", "LITETTS_PORTX=1", NULL};
    assert_int_equal(lt_settings_load_env(&s, env, &err), 0);
    assert_int_equal(s.cfg.port, 9100);
    assert_int_equal(s.cfg.quiet, 0);
    assert_int_equal(s.cfg.http_threads, 2); /* LITETTS_THREADS is the engine's, not a server setting */
    /* ... and flags override both */
    assert_int_equal(lt_settings_set(&s, "port", "9200", "flag --port", &err), 0);
    assert_int_equal(lt_settings_append(&s, "api_keys", "k3", "flag --api-key", &err), 0);
    assert_int_equal(s.cfg.port, 9200);
    assert_string_equal(s.cfg.api_keys, "k1,k2,k3");
    assert_int_equal(s.cfg.workers, 2); /* untouched since the file */
    /* the dump: effective values, keys redacted, origins */
    char *d = lt_settings_dump(&s, 1);
    json_t *j = json_loads(d, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "port")), 9200);
    assert_int_equal(json_array_size(json_object_get(j, "api_keys")), 3);
    assert_null(strstr(d, "k1"));
    json_t *o = json_object_get(j, "_origins");
    assert_string_equal(json_string_value(json_object_get(o, "port")), "flag");
    assert_string_equal(json_string_value(json_object_get(o, "quiet")), "env");
    assert_string_equal(json_string_value(json_object_get(o, "workers")), "file");
    assert_string_equal(json_string_value(json_object_get(o, "queue")), "default");
    assert_true(json_is_null(json_object_get(j, "redis")));
    json_decref(j);
    free(d);
    lt_settings_free(&s);
}

static void test_errors_name_the_key(void **state) {
    (void)state;
    expect_json_error("{\"prot\": 1}", "cfg.json: unknown key 'prot' (did you mean 'port'?)");
    expect_json_error("{\"zzzzzzzzzzzz\": 1}", "unknown key 'zzzzzzzzzzzz'");
    expect_json_error("{\"port\": \"80\"}", "'port' must be a number");
    expect_json_error("{\"port\": 70000}", "'port' must be an integer in 0..65535, got '70000'");
    expect_json_error("{\"workers\": 1.5}", "'workers' must be an integer");
    expect_json_error("{\"workers\": 0}", "'workers' must be an integer in 1..64");
    expect_json_error("{\"quiet\": 1}", "'quiet' must be true or false");
    expect_json_error("{\"host\": 5}", "'host' must be a string");
    expect_json_error("{\"api_keys\": [\"a,b\"]}", "'api_keys'[0] must be a non-empty string without commas");
    expect_json_error("{\"api_keys\": 5}", "'api_keys' must be a list of strings");
    expect_json_error("{\"api_keys\": \"has space\"}", "keys are printable ASCII without spaces");
    expect_json_error("[1, 2]", "expected a JSON object of settings");
    expect_json_error("{\"port\": 1,", "cfg.json: line 1");
    expect_json_error("{\"port\": 1, \"port\": 2}", "duplicate");
    expect_json_error("{\"rate_limit\": -1}", "'rate_limit' must be a number in 0..1e+06");
    lt_settings s;
    lt_settings_init(&s);
    lt_err err;
    assert_int_not_equal(lt_settings_set(&s, "port", "80x", "flag --port", &err), 0);
    assert_string_equal(err.msg, "flag --port: 'port' must be a number, got '80x'");
    assert_int_not_equal(lt_settings_set(&s, "workers", "", "env LITETTS_WORKERS", &err), 0);
    assert_string_equal(err.msg, "env LITETTS_WORKERS: 'workers' must be a number, got ''");
    assert_int_not_equal(lt_settings_set(&s, "nope", "1", "flag --nope", &err), 0);
    assert_string_equal(err.msg, "flag --nope: unknown setting 'nope'");
    char *env[] = {"LITETTS_MAX_BLEND_TERMS=17", NULL};
    assert_int_not_equal(lt_settings_load_env(&s, env, &err), 0);
    assert_string_equal(err.msg, "env LITETTS_MAX_BLEND_TERMS: 'max_blend_terms' must be an integer in 1..16, got '17'");
    assert_int_not_equal(lt_settings_load_file(&s, "/nonexistent/litetts.json", &err), 0);
    assert_non_null(strstr(err.msg, "config file /nonexistent/litetts.json"));
    lt_settings_free(&s);
}

static void test_help_lists_every_key(void **state) {
    (void)state;
    char *h = lt_settings_help();
    assert_non_null(strstr(h, "LITETTS_MAX_BLEND_TERMS"));
    assert_non_null(strstr(h, "access_log"));
    assert_non_null(strstr(h, "LITETTS_HTTP_THREADS"));
    free(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_precedence),
        cmocka_unit_test(test_errors_name_the_key),
        cmocka_unit_test(test_help_lists_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
