/* settings.h — the settings of `litetts serve` from three places: a JSON
 * file (--config FILE or $LITETTS_CONFIG), LITETTS_* environment variables,
 * and command-line flags, each overriding the one before (file < env <
 * flags). One table names every setting once (its JSON key, environment
 * variable, type, range and help), so all three sources are parsed and
 * validated the same way, and errors name the key and where it came from.
 * `lt_settings_dump` is what `litetts serve --print-config` prints. */
#ifndef LT_SERVER_SETTINGS_H
#define LT_SERVER_SETTINGS_H

#include <stddef.h>

#include "core/error.h"
#include "server/server.h"

typedef struct lt_settings {
    lt_server_config cfg;   /* the effective settings; strings point into `owned` */
    char *owned[96];
    int n_owned;
    char origin[64][16];    /* per table entry: "default", "file", "env" or "flag" */
} lt_settings;

/* Defaults (lt_server_config_default). */
void lt_settings_init(lt_settings *s);
void lt_settings_free(lt_settings *s);

/* One setting from its text form, as an environment variable or a flag
 * gives it (booleans: 1/0/true/false/yes/no/on/off). name: the JSON key
 * ("port", "api_keys", ...). origin: for messages ("flag --port", ...). */
int lt_settings_set(lt_settings *s, const char *name, const char *value, const char *origin, lt_err *err);
/* Append to a list setting (api_keys: comma-separated). */
int lt_settings_append(lt_settings *s, const char *name, const char *value, const char *origin, lt_err *err);

/* A JSON object of settings (unknown keys and wrong types are errors). */
int lt_settings_load_json(lt_settings *s, const char *text, size_t len, const char *source, lt_err *err);
int lt_settings_load_file(lt_settings *s, const char *path, lt_err *err);
/* LITETTS_<KEY> variables of envp (NULL-terminated "NAME=value" strings). */
int lt_settings_load_env(lt_settings *s, char *const *envp, lt_err *err);

/* The effective settings as pretty JSON, API keys redacted; malloc'd. With
 * origins = 1 each value is followed by where it came from (as a
 * "_origins" object). */
char *lt_settings_dump(const lt_settings *s, int origins);

/* Help lines for every setting ("  key (LITETTS_KEY): help"), malloc'd. */
char *lt_settings_help(void);

#endif
