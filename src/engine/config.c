/* config.c — parsing Kokoro's config.json with jansson (see config.h). */
#include "engine/config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get_int(json_t *obj, const char *key, const char *ctx, const char *what, int *out, lt_err *err) {
    json_t *v = json_object_get(obj, key);
    if (!v) return lt_fail(err, "%s: missing field '%s%s'", what, ctx, key);
    if (!json_is_integer(v)) return lt_fail(err, "%s: field '%s%s' must be an integer", what, ctx, key);
    json_int_t x = json_integer_value(v);
    if (x < 1 || x > 1000000) return lt_fail(err, "%s: field '%s%s' = %lld is out of range", what, ctx, key, (long long)x);
    *out = (int)x;
    return 0;
}

static int get_int_array(json_t *obj, const char *key, const char *what, int max, int *out, int *n, lt_err *err) {
    json_t *a = json_object_get(obj, key);
    if (!a || !json_is_array(a)) return lt_fail(err, "%s: field 'istftnet.%s' must be an array", what, key);
    size_t len = json_array_size(a);
    if (len < 1 || (int)len > max) return lt_fail(err, "%s: field 'istftnet.%s' must have 1..%d entries, has %zu", what, key, max, len);
    for (size_t i = 0; i < len; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 4096)
            return lt_fail(err, "%s: field 'istftnet.%s[%zu]' must be a positive integer", what, key, i);
        out[i] = (int)json_integer_value(v);
    }
    *n = (int)len;
    return 0;
}

/* Decode one UTF-8 code point; returns bytes used or 0 if invalid. */
static int utf8_decode(const char *s, uint32_t *cp) {
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) { *cp = u[0]; return u[0] ? 1 : 0; }
    int n = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n) return 0;
    uint32_t c = u[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    *cp = c;
    return n;
}

static int cmp_vocab(const void *a, const void *b) {
    uint32_t x = ((const lt_vocab_entry *)a)->codepoint, y = ((const lt_vocab_entry *)b)->codepoint;
    return x < y ? -1 : x > y;
}

int lt_config_parse(const char *json_text, const char *what, lt_kokoro_config *cfg, lt_err *err) {
    memset(cfg, 0, sizeof *cfg);
    json_error_t jerr;
    json_t *root = json_loads(json_text, 0, &jerr);
    if (!root) return lt_fail(err, "%s: invalid JSON at line %d: %s", what, jerr.line, jerr.text);
    int rc = -1;
    if (!json_is_object(root)) { lt_fail(err, "%s: top level must be an object", what); goto done; }
    if (get_int(root, "n_token", "", what, &cfg->n_token, err) ||
        get_int(root, "hidden_dim", "", what, &cfg->hidden_dim, err) ||
        get_int(root, "style_dim", "", what, &cfg->style_dim, err) ||
        get_int(root, "n_layer", "", what, &cfg->n_layer, err) ||
        get_int(root, "max_dur", "", what, &cfg->max_dur, err) ||
        get_int(root, "text_encoder_kernel_size", "", what, &cfg->text_encoder_kernel_size, err))
        goto done;
    cfg->n_mels = 80;
    if (json_object_get(root, "n_mels") && get_int(root, "n_mels", "", what, &cfg->n_mels, err)) goto done;
    json_t *pl = json_object_get(root, "plbert");
    if (!json_is_object(pl)) { lt_fail(err, "%s: missing object 'plbert'", what); goto done; }
    if (get_int(pl, "hidden_size", "plbert.", what, &cfg->bert_hidden, err) ||
        get_int(pl, "num_attention_heads", "plbert.", what, &cfg->bert_heads, err) ||
        get_int(pl, "intermediate_size", "plbert.", what, &cfg->bert_intermediate, err) ||
        get_int(pl, "num_hidden_layers", "plbert.", what, &cfg->bert_layers, err))
        goto done;
    cfg->bert_max_positions = 512;
    if (json_object_get(pl, "max_position_embeddings") &&
        get_int(pl, "max_position_embeddings", "plbert.", what, &cfg->bert_max_positions, err))
        goto done;
    if (cfg->bert_hidden % cfg->bert_heads) {
        lt_fail(err, "%s: plbert.hidden_size %d is not a multiple of num_attention_heads %d", what,
                cfg->bert_hidden, cfg->bert_heads);
        goto done;
    }
    json_t *is = json_object_get(root, "istftnet");
    if (!json_is_object(is)) { lt_fail(err, "%s: missing object 'istftnet'", what); goto done; }
    int nk = 0;
    if (get_int_array(is, "upsample_rates", what, LT_MAX_UPSAMPLES, cfg->upsample_rates, &cfg->n_upsamples, err) ||
        get_int_array(is, "upsample_kernel_sizes", what, LT_MAX_UPSAMPLES, cfg->upsample_kernel_sizes, &nk, err))
        goto done;
    if (nk != cfg->n_upsamples) {
        lt_fail(err, "%s: istftnet.upsample_kernel_sizes has %d entries but upsample_rates has %d", what, nk, cfg->n_upsamples);
        goto done;
    }
    if (get_int_array(is, "resblock_kernel_sizes", what, LT_MAX_RESBLOCK_KERNELS, cfg->resblock_kernel_sizes,
                      &cfg->n_resblock_kernels, err))
        goto done;
    json_t *dl = json_object_get(is, "resblock_dilation_sizes");
    if (!json_is_array(dl) || (int)json_array_size(dl) != cfg->n_resblock_kernels) {
        lt_fail(err, "%s: istftnet.resblock_dilation_sizes must be an array of %d arrays", what, cfg->n_resblock_kernels);
        goto done;
    }
    for (int i = 0; i < cfg->n_resblock_kernels; i++) {
        json_t *row = json_array_get(dl, (size_t)i);
        size_t len = json_array_size(row);
        if (!json_is_array(row) || len < 1 || len > LT_MAX_DILATIONS || (i && (int)len != cfg->n_dilations)) {
            lt_fail(err, "%s: istftnet.resblock_dilation_sizes[%d] must be an array of 1..%d integers (all the same length)",
                    what, i, LT_MAX_DILATIONS);
            goto done;
        }
        cfg->n_dilations = (int)len;
        for (size_t j = 0; j < len; j++) {
            json_t *v = json_array_get(row, j);
            if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 64) {
                lt_fail(err, "%s: istftnet.resblock_dilation_sizes[%d][%zu] must be a positive integer", what, i, j);
                goto done;
            }
            cfg->resblock_dilations[i][j] = (int)json_integer_value(v);
        }
    }
    if (get_int(is, "upsample_initial_channel", "istftnet.", what, &cfg->upsample_initial_channel, err) ||
        get_int(is, "gen_istft_n_fft", "istftnet.", what, &cfg->istft_n_fft, err) ||
        get_int(is, "gen_istft_hop_size", "istftnet.", what, &cfg->istft_hop, err))
        goto done;
    if (cfg->istft_n_fft % 2) { lt_fail(err, "%s: istftnet.gen_istft_n_fft must be even", what); goto done; }
    json_t *vocab = json_object_get(root, "vocab");
    if (!json_is_object(vocab)) { lt_fail(err, "%s: missing object 'vocab'", what); goto done; }
    const char *key;
    json_t *val;
    json_object_foreach(vocab, key, val) {
        uint32_t cp;
        int used = utf8_decode(key, &cp);
        if (!used || key[used] != 0) {
            lt_fail(err, "%s: vocab key '%s' must be exactly one Unicode character", what, key);
            goto done;
        }
        if (!json_is_integer(val) || json_integer_value(val) < 1 || json_integer_value(val) >= cfg->n_token) {
            lt_fail(err, "%s: vocab['%s'] must be an integer id in 1..n_token-1 (%d)", what, key, cfg->n_token - 1);
            goto done;
        }
        if (cfg->vocab_size >= LT_VOCAB_MAX) { lt_fail(err, "%s: vocab has more than %d entries", what, LT_VOCAB_MAX); goto done; }
        cfg->vocab[cfg->vocab_size].codepoint = cp;
        cfg->vocab[cfg->vocab_size].id = (int)json_integer_value(val);
        cfg->vocab_size++;
    }
    qsort(cfg->vocab, (size_t)cfg->vocab_size, sizeof cfg->vocab[0], cmp_vocab);
    rc = 0;
done:
    json_decref(root);
    return rc;
}

int lt_config_load_file(const char *path, lt_kokoro_config *cfg, char **json_out, lt_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return lt_fail(err, "%s: cannot open config: %m", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 16384;
            if (cap > (64u << 20)) { free(buf); fclose(f); return lt_fail(err, "%s: config larger than 64 MiB", path); }
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); return lt_fail(err, "%s: out of memory", path); }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, 4096, f);
        len += n;
        if (n < 4096) break;
    }
    fclose(f);
    buf[len] = 0;
    int rc = lt_config_parse(buf, path, cfg, err);
    if (rc == 0 && json_out) *json_out = buf;
    else free(buf);
    return rc;
}

int lt_config_token_id(const lt_kokoro_config *cfg, uint32_t cp) {
    int lo = 0, hi = cfg->vocab_size - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cfg->vocab[mid].codepoint == cp) return cfg->vocab[mid].id;
        if (cfg->vocab[mid].codepoint < cp) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

int lt_config_upsample_factor(const lt_kokoro_config *cfg) {
    int u = cfg->istft_hop;
    for (int i = 0; i < cfg->n_upsamples; i++) u *= cfg->upsample_rates[i];
    return u;
}
