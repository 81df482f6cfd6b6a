/* settings.c — see settings.h: the settings table, parsing and validation
 * of each source, and the effective-settings dump. */
#include "server/settings.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { T_STR, T_INT, T_SIZE, T_DOUBLE, T_BOOL, T_SECONDS_MS, T_LIST } setting_type;

typedef struct setting {
    const char *key;   /* JSON key; the variable is LITETTS_<KEY upper-cased> */
    setting_type type;
    size_t offset;     /* in lt_server_config */
    double min, max;   /* numbers */
    const char *help;
} setting;

#define OFF(f) offsetof(lt_server_config, f)

static const setting TABLE[] = {
    {"model", T_STR, OFF(model_path), 0, 0, "kokoro-v1_0.pth, a .gguf, or the tiny golden model"},
    {"model_config", T_STR, OFF(config_path), 0, 0, "the model's config.json (default: beside the model)"},
    {"voices", T_STR, OFF(voices_dir), 0, 0, "folder of voice packs (default: <model dir>/voices)"},
    {"lexicon_dir", T_STR, OFF(lexicon_dir), 0, 0, "misaki's lexicons (default: <model dir>/lexicons)"},
    {"host", T_STR, OFF(host), 0, 0, "address to listen on"},
    {"port", T_INT, OFF(port), 0, 65535, "TCP port (0 = any free port)"},
    {"http_threads", T_INT, OFF(http_threads), 1, 256, "HTTP threads"},
    {"workers", T_INT, OFF(workers), 1, 64, "requests synthesised at the same time"},
    {"queue", T_INT, OFF(queue_size), 0, 4096, "requests admitted beyond the workers before 503"},
    {"max_input", T_SIZE, OFF(max_input), 1, 1e7, "characters of `input`"},
    {"max_body", T_SIZE, OFF(max_body), 64, 1e9, "request body limit in bytes"},
    {"read_timeout", T_INT, OFF(read_timeout_s), 1, 3600, "seconds a connection may sit idle (slow clients)"},
    {"max_connections", T_INT, OFF(max_connections), 1, 100000, "open connections at once"},
    {"api_keys", T_LIST, OFF(api_keys), 0, 0, "accepted API keys, comma-separated (none = no auth)"},
    {"auth_info_routes", T_BOOL, OFF(auth_info_routes), 0, 1,
     "with API keys, also require one on the voice and model lists and /v1/test (health, ready stay open)"},
    {"rate_limit", T_DOUBLE, OFF(rate_limit), 0, 1e6, "requests per second per API key or client address (0 = off)"},
    {"rate_burst", T_DOUBLE, OFF(rate_burst), 0, 1e6, "token bucket size (0 = 2 x rate_limit)"},
    {"drain_seconds", T_SECONDS_MS, OFF(drain_ms), 0, 3600, "time in-flight requests get at shutdown"},
    {"quiet", T_BOOL, OFF(quiet), 0, 1, "no log lines on stderr"},
    {"access_log", T_STR, OFF(access_log), 0, 0, "JSON access log: a file, \"-\" = stdout, \"off\"; default stderr"},
    {"data_dir", T_STR, OFF(data_dir), 0, 0, "saved voices and the disk cache (\"\" = neither)"},
    {"voice_cache", T_INT, OFF(voice_cache), 0, 100000, "parsed voice packs and blends kept in memory"},
    {"preload", T_STR, OFF(preload), 0, 0, "voices loaded at start, comma-separated"},
    {"max_blend_terms", T_INT, OFF(max_blend_terms), 1, 16, "terms allowed in a blend expression"},
    {"blend_raw_weights", T_BOOL, OFF(blend_raw_weights), 0, 1, "blends use raw weights, not normalised ones"},
    {"max_voice_upload", T_SIZE, OFF(max_voice_upload), 1024, 1e9, "bytes of an uploaded voice pack"},
    {"cache_mem_mb", T_SIZE, OFF(cache_mem_mb), 0, 1 << 20, "audio cache, memory tier (0 = off)"},
    {"cache_disk_mb", T_SIZE, OFF(cache_disk_mb), 0, 1 << 24, "audio cache, disk tier (0 = off)"},
    {"redis", T_STR, OFF(redis_url), 0, 0, "shared tier for replicas: redis://host[:port][/db]"},
    {"precache", T_STR, OFF(precache), 0, 0, "JSON list of {\"text\",\"voice\",\"format\"?} cached at start"},
};
#define N_SETTINGS (int)(sizeof TABLE / sizeof TABLE[0])

_Static_assert(sizeof TABLE / sizeof TABLE[0] <= 64, "lt_settings.origin has room for 64 settings");

static const setting *find(const char *key, int *index) {
    for (int i = 0; i < N_SETTINGS; i++)
        if (!strcmp(TABLE[i].key, key)) {
            if (index) *index = i;
            return &TABLE[i];
        }
    return NULL;
}

/* the known key closest to an unknown one (for "did you mean") */
static const char *nearest(const char *key) {
    const char *best = NULL;
    int best_d = 4;
    for (int i = 0; i < N_SETTINGS; i++) {
        const char *a = key, *b = TABLE[i].key;
        size_t la = strlen(a), lb = strlen(b);
        if (la > 63 || lb > 63) continue;
        int d[64][64];
        for (size_t x = 0; x <= la; x++) d[x][0] = (int)x;
        for (size_t y = 0; y <= lb; y++) d[0][y] = (int)y;
        for (size_t x = 1; x <= la; x++)
            for (size_t y = 1; y <= lb; y++) {
                int c = d[x - 1][y - 1] + (a[x - 1] != b[y - 1]);
                if (d[x - 1][y] + 1 < c) c = d[x - 1][y] + 1;
                if (d[x][y - 1] + 1 < c) c = d[x][y - 1] + 1;
                d[x][y] = c;
            }
        if (d[la][lb] < best_d) {
            best_d = d[la][lb];
            best = b;
        }
    }
    return best;
}

void lt_settings_init(lt_settings *s) {
    memset(s, 0, sizeof *s);
    lt_server_config_default(&s->cfg);
    for (int i = 0; i < N_SETTINGS; i++) snprintf(s->origin[i], sizeof s->origin[i], "default");
}

void lt_settings_free(lt_settings *s) {
    for (int i = 0; i < s->n_owned; i++) free(s->owned[i]);
    s->n_owned = 0;
}

static char *keep(lt_settings *s, const char *v, lt_err *err) {
    if (s->n_owned == (int)(sizeof s->owned / sizeof s->owned[0])) {
        lt_fail(err, "too many settings given");
        return NULL;
    }
    char *c = strdup(v);
    if (!c) {
        lt_fail(err, "out of memory");
        return NULL;
    }
    s->owned[s->n_owned++] = c;
    return c;
}

static void note_origin(lt_settings *s, int index, const char *origin) {
    const char *kind = !strncmp(origin, "flag", 4) ? "flag" : !strncmp(origin, "env", 3) ? "env" : "file";
    snprintf(s->origin[index], sizeof s->origin[index], "%s", kind);
}

static int set_number(lt_settings *s, const setting *t, double v, const char *origin, const char *shown,
                      lt_err *err) {
    char *base = (char *)&s->cfg;
    int integral = t->type != T_DOUBLE && t->type != T_SECONDS_MS;
    if (!isfinite(v) || v < t->min || v > t->max || (integral && v != floor(v)))
        return lt_fail(err, "%s: '%s' must be %s %g..%g, got '%s'", origin, t->key,
                       integral ? "an integer in" : "a number in", t->min, t->max, shown);
    switch (t->type) {
    case T_INT: *(int *)(base + t->offset) = (int)v; break;
    case T_SIZE: *(size_t *)(base + t->offset) = (size_t)v; break;
    case T_DOUBLE: *(double *)(base + t->offset) = v; break;
    case T_SECONDS_MS: *(int *)(base + t->offset) = (int)(v * 1000); break;
    default: break;
    }
    return 0;
}

static int parse_bool(const char *v, int *out) {
    static const char *yes[] = {"1", "true", "yes", "on"}, *no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) return *out = 1, 0;
        if (!strcasecmp(v, no[i])) return *out = 0, 0;
    }
    return -1;
}

/* a comma-separated key list: trimmed, no empty or over-long keys */
static int check_list(const char *v, const char *origin, const char *key, lt_err *err) {
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *a = p, *b = p + n;
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        if (b - a > 256) return lt_fail(err, "%s: '%s': a key is longer than 256 characters", origin, key);
        for (const char *c = a; c < b; c++)
            if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
                return lt_fail(err, "%s: '%s': keys are printable ASCII without spaces", origin, key);
        p += n + (p[n] == ',');
    }
    return 0;
}

static int set_text(lt_settings *s, const setting *t, int index, const char *value, const char *origin, int append,
                    lt_err *err) {
    char *base = (char *)&s->cfg;
    switch (t->type) {
    case T_STR: {
        if (strlen(value) > 4096) return lt_fail(err, "%s: '%s' is longer than 4096 characters", origin, t->key);
        char *c = keep(s, value, err);
        if (!c) return -1;
        *(const char **)(base + t->offset) = c;
        break;
    }
    case T_LIST: {
        if (strlen(value) > 65536) return lt_fail(err, "%s: '%s' is longer than 65536 characters", origin, t->key);
        if (check_list(value, origin, t->key, err)) return -1;
        const char *old = *(const char **)(base + t->offset);
        char *c;
        if (append && old && *old) {
            size_t n = strlen(old) + strlen(value) + 2;
            char *joined = malloc(n);
            if (!joined) return lt_fail(err, "out of memory");
            snprintf(joined, n, "%s,%s", old, value);
            c = keep(s, joined, err);
            free(joined);
        } else {
            c = keep(s, value, err);
        }
        if (!c) return -1;
        *(const char **)(base + t->offset) = c;
        break;
    }
    case T_BOOL: {
        int b;
        if (parse_bool(value, &b))
            return lt_fail(err, "%s: '%s' must be true or false (1/0, yes/no, on/off), got '%s'", origin, t->key,
                           value);
        *(int *)(base + t->offset) = b;
        break;
    }
    default: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        while (isspace((unsigned char)*end)) end++;
        if (end == value || *end || errno)
            return lt_fail(err, "%s: '%s' must be a number, got '%s'", origin, t->key, value);
        if (set_number(s, t, v, origin, value, err)) return -1;
    }
    }
    note_origin(s, index, origin);
    return 0;
}

int lt_settings_set(lt_settings *s, const char *name, const char *value, const char *origin, lt_err *err) {
    int index;
    const setting *t = find(name, &index);
    if (!t) return lt_fail(err, "%s: unknown setting '%s'", origin, name);
    return set_text(s, t, index, value, origin, 0, err);
}

int lt_settings_append(lt_settings *s, const char *name, const char *value, const char *origin, lt_err *err) {
    int index;
    const setting *t = find(name, &index);
    if (!t) return lt_fail(err, "%s: unknown setting '%s'", origin, name);
    return set_text(s, t, index, value, origin, t->type == T_LIST, err);
}

int lt_settings_load_json(lt_settings *s, const char *text, size_t len, const char *source, lt_err *err) {
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) return lt_fail(err, "%s: line %d, column %d: %s", source, je.line, je.column, je.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return lt_fail(err, "%s: expected a JSON object of settings", source);
    }
    char origin[600];
    snprintf(origin, sizeof origin, "%s", source);
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(root, key, v) {
        int index;
        const setting *t = find(key, &index);
        if (!t) {
            const char *near = nearest(key);
            char shown[80];
            snprintf(shown, sizeof shown, "%s", key);
            for (char *c = shown; *c; c++)
                if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) *c = '?';
            rc = near ? lt_fail(err, "%s: unknown key '%s' (did you mean '%s'?)", source, shown, near)
                      : lt_fail(err, "%s: unknown key '%s'", source, shown);
            break;
        }
        if (t->type == T_STR) {
            if (json_is_null(v)) {
                *(const char **)((char *)&s->cfg + t->offset) = NULL;
                note_origin(s, index, origin);
                continue;
            }
            if (!json_is_string(v)) {
                rc = lt_fail(err, "%s: '%s' must be a string", source, key);
                break;
            }
            if ((rc = set_text(s, t, index, json_string_value(v), origin, 0, err))) break;
        } else if (t->type == T_LIST) {
            if (json_is_string(v)) {
                if ((rc = set_text(s, t, index, json_string_value(v), origin, 0, err))) break;
                continue;
            }
            if (!json_is_array(v)) {
                rc = lt_fail(err, "%s: '%s' must be a list of strings or a comma-separated string", source, key);
                break;
            }
            *(const char **)((char *)&s->cfg + t->offset) = NULL;
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) {
                if (!json_is_string(e) || !*json_string_value(e) || strchr(json_string_value(e), ',')) {
                    rc = lt_fail(err, "%s: '%s'[%zu] must be a non-empty string without commas", source, key, i);
                    break;
                }
                if ((rc = set_text(s, t, index, json_string_value(e), origin, 1, err))) break;
            }
            if (rc) break;
        } else if (t->type == T_BOOL) {
            if (!json_is_boolean(v)) {
                rc = lt_fail(err, "%s: '%s' must be true or false", source, key);
                break;
            }
            *(int *)((char *)&s->cfg + t->offset) = json_is_true(v);
            note_origin(s, index, origin);
        } else {
            if (!json_is_number(v)) {
                rc = lt_fail(err, "%s: '%s' must be a number", source, key);
                break;
            }
            char shown[64];
            snprintf(shown, sizeof shown, "%.17g", json_number_value(v));
            if ((rc = set_number(s, t, json_number_value(v), origin, shown, err))) break;
            note_origin(s, index, origin);
        }
    }
    json_decref(root);
    return rc;
}

int lt_settings_load_file(lt_settings *s, const char *path, lt_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "config file %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            if (cap >= (16u << 20)) {
                free(buf);
                fclose(f);
                return lt_fail(err, "config file %s: larger than 16 MiB", path);
            }
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return lt_fail(err, "out of memory");
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return lt_fail(err, "config file %s: read error", path);
    }
    char source[600];
    snprintf(source, sizeof source, "config file %s", path);
    int rc = lt_settings_load_json(s, buf ? buf : "", len, source, err);
    free(buf);
    return rc;
}

static void env_name(const char *key, char *out, size_t cap) {
    size_t n = (size_t)snprintf(out, cap, "LITETTS_");
    for (; *key && n + 1 < cap; key++) out[n++] = (char)toupper((unsigned char)*key);
    out[n] = 0;
}

int lt_settings_load_env(lt_settings *s, char *const *envp, lt_err *err) {
    for (int i = 0; i < N_SETTINGS; i++) {
        char name[64];
        env_name(TABLE[i].key, name, sizeof name);
        size_t nl = strlen(name);
        for (char *const *e = envp; e && *e; e++) {
            if (strncmp(*e, name, nl) || (*e)[nl] != '=') continue;
            char origin[96];
            snprintf(origin, sizeof origin, "env %s", name);
            if (set_text(s, &TABLE[i], i, *e + nl + 1, origin, 0, err)) return -1;
        }
    }
    return 0;
}

char *lt_settings_dump(const lt_settings *s, int origins) {
    json_t *o = json_object(), *from = origins ? json_object() : NULL;
    const char *base = (const char *)&s->cfg;
    for (int i = 0; i < N_SETTINGS; i++) {
        const setting *t = &TABLE[i];
        json_t *v;
        switch (t->type) {
        case T_STR: {
            const char *str = *(const char *const *)(base + t->offset);
            v = str ? json_string(str) : json_null();
            if (!v) v = json_string("<not UTF-8>");
            break;
        }
        case T_LIST: {
            const char *str = *(const char *const *)(base + t->offset);
            int n = 0;
            for (const char *p = str; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
                if (strcspn(p, ",")) n++;
            v = json_array();
            for (int k = 0; k < n; k++) json_array_append_new(v, json_string("<redacted>"));
            break;
        }
        case T_INT: v = json_integer(*(const int *)(base + t->offset)); break;
        case T_SIZE: v = json_integer((json_int_t) * (const size_t *)(base + t->offset)); break;
        case T_DOUBLE: v = json_real(*(const double *)(base + t->offset)); break;
        case T_BOOL: v = json_boolean(*(const int *)(base + t->offset)); break;
        case T_SECONDS_MS: v = json_real(*(const int *)(base + t->offset) / 1000.0); break;
        default: v = json_null();
        }
        json_object_set_new(o, t->key, v);
        if (from) json_object_set_new(from, t->key, json_string(s->origin[i]));
    }
    if (from) json_object_set_new(o, "_origins", from);
    char *out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return out;
}

char *lt_settings_help(void) {
    size_t cap = 8192, len = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[0] = 0;
    for (int i = 0; i < N_SETTINGS; i++) {
        char env[64];
        env_name(TABLE[i].key, env, sizeof env);
        char line[512];
        int n = snprintf(line, sizeof line, "  %-18s %-26s %s\n", TABLE[i].key, env, TABLE[i].help);
        if (n < 0) continue;
        if (len + (size_t)n + 1 > cap) {
            cap *= 2;
            char *nb = realloc(out, cap);
            if (!nb) break;
            out = nb;
        }
        memcpy(out + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    return out;
}
