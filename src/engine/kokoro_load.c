/* kokoro_load.c — binding a loaded tensor set to the model's layer structs.
 *
 * Every width is read from the config or from a tensor's shape, then every
 * other tensor is checked against it, so a file from a different
 * configuration either works or fails with the tensor's name and both shapes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kokoro.h"
#include "engine/quant.h"
#include "engine/weight_pages.h"
#include "engine/weights_file.h"

typedef struct binder {
    lt_kokoro *m;
    const char *file;
    lt_err *err;
    int failed;
    int q8_model; /* the file holds Q8_0 tensors: its f16 convs run on the 8-bit kernel too */
} binder;

/* A float32 copy of a reduced-precision tensor, owned by the model. */
static const float *widen(binder *b, const lt_tensor *t) {
    lt_kokoro *m = b->m;
    int64_t n = lt_shape_numel(t->ndim, t->shape);
    if (t->dtype != LT_F16 && t->dtype != LT_BF16 && t->dtype != LT_Q8_0) {
        b->failed = 1;
        lt_fail(b->err, "%s: tensor '%s' has dtype %s; weights must be f32, f16, bf16 or q8_0", b->file, t->name,
                lt_dtype_name(t->dtype));
        return NULL;
    }
    if (m->n_owned == m->cap_owned) {
        int cap = m->cap_owned ? 2 * m->cap_owned : 256;
        void **o = realloc(m->owned, sizeof(void *) * (size_t)cap);
        if (!o) goto oom;
        m->owned = o;
        m->cap_owned = cap;
    }
    float *w = malloc(sizeof(float) * (size_t)n);
    if (!w) goto oom;
    if (t->dtype == LT_F16) lt_f16_to_f32_row(t->data, w, (size_t)n);
    else if (t->dtype == LT_BF16) lt_bf16_to_f32_row(t->data, w, (size_t)n);
    else lt_q8_0_dequantize_row(t->data, w, (size_t)n);
    m->owned[m->n_owned++] = w;
    return w;
oom:
    b->failed = 1;
    lt_fail(b->err, "%s: out of memory widening tensor '%s'", b->file, t->name);
    return NULL;
}

/* Find `name`, check its rank and the dims that are >= 0 in `want`; the
 * actual dims go to `got` (may be NULL). */
static lt_tensor *find_checked(binder *b, int ndim, const int64_t *want, int64_t *got, const char *name) {
    if (b->failed) return NULL;
    char ws[96], gs[96];
    int64_t wshape[LT_MAX_DIMS];
    for (int i = 0; i < ndim; i++) wshape[i] = want[i];
    lt_tensor *t = lt_tensor_set_find(&b->m->weights, name);
    if (!t) {
        b->failed = 1;
        lt_fail(b->err, "%s: missing tensor '%s' (expected shape %s)", b->file, name, lt_shape_str(ndim, wshape, ws, sizeof ws));
        return NULL;
    }
    int ok = t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++)
        if (want[i] >= 0 && t->shape[i] != want[i]) ok = 0;
    if (!ok) {
        b->failed = 1;
        lt_fail(b->err, "%s: tensor '%s' has shape %s, expected %s (-1 = any)", b->file, name,
                lt_shape_str(t->ndim, t->shape, gs, sizeof gs), lt_shape_str(ndim, wshape, ws, sizeof ws));
        return NULL;
    }
    if (got)
        for (int i = 0; i < ndim; i++) got[i] = t->shape[i];
    return t;
}

/* A vector or embedding (printf-style name) as float32: widened once at
 * load when the file stores it reduced (small tensors). */
static const float *tensor(binder *b, int ndim, const int64_t *want, int64_t *got, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static const float *tensor(binder *b, int ndim, const int64_t *want, int64_t *got, const char *fmt, ...) {
    char name[LT_MAX_NAME];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    lt_tensor *t = find_checked(b, ndim, want, got, name);
    if (!t) return NULL;
    return t->dtype == LT_F32 ? t->data : widen(b, t);
}

/* A weight matrix, left in the file's type (widened per call by layers.c). */
static lt_weight weight(binder *b, int ndim, const int64_t *want, int64_t *got, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static lt_weight weight(binder *b, int ndim, const int64_t *want, int64_t *got, const char *fmt, ...) {
    char name[LT_MAX_NAME];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    lt_weight w = {0};
    lt_tensor *t = find_checked(b, ndim, want, got, name);
    if (!t) return w;
    if (t->dtype != LT_F32 && t->dtype != LT_F16 && t->dtype != LT_BF16 && t->dtype != LT_Q8_0) {
        b->failed = 1;
        lt_fail(b->err, "%s: tensor '%s' has dtype %s; weights must be f32, f16, bf16 or q8_0", b->file, name,
                lt_dtype_name(t->dtype));
        return w;
    }
    w.p = t->data;
    w.dtype = t->dtype;
    return w;
}

#define SHAPE(...) ((const int64_t[]){__VA_ARGS__})

static lt_linear linear(binder *b, int out, int in, const char *prefix) {
    lt_linear l = {0};
    int64_t got[2];
    l.w = weight(b, 2, SHAPE(out, in), got, "%s.weight", prefix);
    if (!l.w.p) return l;
    l.out = (int)got[0];
    l.in = (int)got[1];
    l.b = tensor(b, 1, SHAPE(l.out), NULL, "%s.bias", prefix);
    return l;
}

static lt_conv conv(binder *b, int out, int in, int k, int has_bias, const char *prefix) {
    lt_conv c = {0};
    int64_t got[3];
    c.w = weight(b, 3, SHAPE(out, in, k), got, "%s.weight", prefix);
    if (!c.w.p) return c;
    c.out = (int)got[0];
    c.in = (int)got[1];
    c.k = (int)got[2];
    /* f16 convs of a q8_0 model on the 8-bit kernel (the decoder's 514- and 1090-channel convs): SNR
     * against f32 32.5 → 32.8 dB, ~3 % faster. Not the noise convs' 22 channels of harmonic magnitudes
     * and phases (less than one block of channels, scales far apart): 8-bit there cost 1.5 dB. */
    c.eight_bit = b->q8_model && c.w.dtype == LT_F16 && c.in >= LT_Q8_0_BLOCK;
    if (has_bias) c.b = tensor(b, 1, SHAPE(c.out), NULL, "%s.bias", prefix);
    return c;
}

static lt_conv_t conv_t(binder *b, int in, int out, int k, const char *prefix) {
    lt_conv_t c = {0};
    int64_t got[3];
    c.w = weight(b, 3, SHAPE(in, out, k), got, "%s.weight", prefix);
    if (!c.w.p) return c;
    c.in = (int)got[0];
    c.out = (int)got[1];
    c.k = (int)got[2];
    return c;
}

static lt_lstm lstm(binder *b, int in, int hidden, const char *prefix) {
    lt_lstm l = {.in = in, .hidden = hidden};
    for (int d = 0; d < 2; d++) {
        const char *sfx = d ? "_reverse" : "";
        l.w_ih[d] = weight(b, 2, SHAPE(4 * hidden, in), NULL, "%s.weight_ih_l0%s", prefix, sfx);
        l.w_hh[d] = weight(b, 2, SHAPE(4 * hidden, hidden), NULL, "%s.weight_hh_l0%s", prefix, sfx);
        l.b_ih[d] = tensor(b, 1, SHAPE(4 * hidden), NULL, "%s.bias_ih_l0%s", prefix, sfx);
        l.b_hh[d] = tensor(b, 1, SHAPE(4 * hidden), NULL, "%s.bias_hh_l0%s", prefix, sfx);
    }
    return l;
}

/* dim_out < 0: read it from conv1's shape. */
static lt_adain_resblk adain_resblk(binder *b, int dim_in, int dim_out, int style, int upsample, const char *prefix) {
    lt_adain_resblk r = {.dim_in = dim_in, .upsample = upsample};
    char p[LT_MAX_NAME];
    snprintf(p, sizeof p, "%s.conv1", prefix);
    r.conv1 = conv(b, dim_out, dim_in, 3, 1, p);
    r.dim_out = r.conv1.out;
    snprintf(p, sizeof p, "%s.conv2", prefix);
    r.conv2 = conv(b, r.dim_out, r.dim_out, 3, 1, p);
    snprintf(p, sizeof p, "%s.norm1.fc", prefix);
    r.norm1 = linear(b, 2 * dim_in, style, p);
    snprintf(p, sizeof p, "%s.norm2.fc", prefix);
    r.norm2 = linear(b, 2 * r.dim_out, style, p);
    r.learned_sc = dim_in != r.dim_out;
    if (r.learned_sc) {
        snprintf(p, sizeof p, "%s.conv1x1", prefix);
        r.conv1x1 = conv(b, r.dim_out, dim_in, 1, 0, p);
    }
    if (upsample) {
        snprintf(p, sizeof p, "%s.pool", prefix);
        r.pool = conv_t(b, dim_in, 1, 3, p);
        r.pool.b = tensor(b, 1, SHAPE(dim_in), NULL, "%s.pool.bias", prefix);
    }
    return r;
}

static lt_adain_resblock1 adain_resblock1(binder *b, int channels, int k, int n, const int *dil, int style,
                                          const char *prefix) {
    lt_adain_resblock1 r = {.channels = channels, .k = k, .n = n};
    char p[LT_MAX_NAME];
    for (int i = 0; i < n; i++) {
        r.dilation[i] = dil[i];
        snprintf(p, sizeof p, "%s.convs1.%d", prefix, i);
        r.convs1[i] = conv(b, channels, channels, k, 1, p);
        snprintf(p, sizeof p, "%s.convs2.%d", prefix, i);
        r.convs2[i] = conv(b, channels, channels, k, 1, p);
        snprintf(p, sizeof p, "%s.adain1.%d.fc", prefix, i);
        r.adain1[i] = linear(b, 2 * channels, style, p);
        snprintf(p, sizeof p, "%s.adain2.%d.fc", prefix, i);
        r.adain2[i] = linear(b, 2 * channels, style, p);
        r.alpha1[i] = tensor(b, 3, SHAPE(1, channels, 1), NULL, "%s.alpha1.%d", prefix, i);
        r.alpha2[i] = tensor(b, 3, SHAPE(1, channels, 1), NULL, "%s.alpha2.%d", prefix, i);
    }
    return r;
}

static int bind_model(lt_kokoro *m, const char *file, lt_err *err) {
    binder bb = {.m = m, .file = file, .err = err}, *b = &bb;
    for (size_t i = 0; i < m->weights.count; i++) bb.q8_model |= m->weights.items[i].dtype == LT_Q8_0;
    const lt_kokoro_config *c = &m->cfg;
    int D = c->hidden_dim, S = c->style_dim, H = c->bert_hidden;
    char p[LT_MAX_NAME];

    /* ALBERT */
    int64_t got[3];
    m->word_emb = tensor(b, 2, SHAPE(c->n_token, -1), got, "bert.embeddings.word_embeddings.weight");
    int E = m->bert_embed = (int)got[0 + 1];
    m->pos_emb = tensor(b, 2, SHAPE(c->bert_max_positions, E), NULL, "bert.embeddings.position_embeddings.weight");
    m->type_emb = tensor(b, 2, SHAPE(-1, E), NULL, "bert.embeddings.token_type_embeddings.weight");
    m->emb_ln_w = tensor(b, 1, SHAPE(E), NULL, "bert.embeddings.LayerNorm.weight");
    m->emb_ln_b = tensor(b, 1, SHAPE(E), NULL, "bert.embeddings.LayerNorm.bias");
    m->emb_map = linear(b, H, E, "bert.encoder.embedding_hidden_mapping_in");
    const char *L = "bert.encoder.albert_layer_groups.0.albert_layers.0";
    snprintf(p, sizeof p, "%s.attention.query", L); m->q = linear(b, H, H, p);
    snprintf(p, sizeof p, "%s.attention.key", L); m->k = linear(b, H, H, p);
    snprintf(p, sizeof p, "%s.attention.value", L); m->v = linear(b, H, H, p);
    snprintf(p, sizeof p, "%s.attention.dense", L); m->attn_out = linear(b, H, H, p);
    snprintf(p, sizeof p, "%s.ffn", L); m->ffn = linear(b, c->bert_intermediate, H, p);
    snprintf(p, sizeof p, "%s.ffn_output", L); m->ffn_out = linear(b, H, c->bert_intermediate, p);
    m->attn_ln_w = tensor(b, 1, SHAPE(H), NULL, "%s.attention.LayerNorm.weight", L);
    m->attn_ln_b = tensor(b, 1, SHAPE(H), NULL, "%s.attention.LayerNorm.bias", L);
    m->full_ln_w = tensor(b, 1, SHAPE(H), NULL, "%s.full_layer_layer_norm.weight", L);
    m->full_ln_b = tensor(b, 1, SHAPE(H), NULL, "%s.full_layer_layer_norm.bias", L);
    m->bert_encoder = linear(b, D, H, "bert_encoder");

    /* prosody predictor */
    if (c->n_layer > 8) return lt_fail(err, "%s: n_layer %d exceeds the supported 8", file, c->n_layer);
    for (int i = 0; i < c->n_layer; i++) {
        snprintf(p, sizeof p, "predictor.text_encoder.lstms.%d", 2 * i);
        m->dur_lstm[i] = lstm(b, D + S, D / 2, p);
        snprintf(p, sizeof p, "predictor.text_encoder.lstms.%d.fc", 2 * i + 1);
        m->dur_aln[i] = linear(b, 2 * D, S, p);
    }
    m->pred_lstm = lstm(b, D + S, D / 2, "predictor.lstm");
    m->duration_proj = linear(b, c->max_dur, D, "predictor.duration_proj.linear_layer");
    m->shared_lstm = lstm(b, D + S, D / 2, "predictor.shared");
    const int f0_in[3] = {D, D, D / 2};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "predictor.F0.%d", i);
        m->f0_blocks[i] = adain_resblk(b, f0_in[i], i == 0 ? D : D / 2, S, i == 1, p);
        snprintf(p, sizeof p, "predictor.N.%d", i);
        m->n_blocks[i] = adain_resblk(b, f0_in[i], i == 0 ? D : D / 2, S, i == 1, p);
    }
    m->f0_proj = conv(b, 1, D / 2, 1, 1, "predictor.F0_proj");
    m->n_proj = conv(b, 1, D / 2, 1, 1, "predictor.N_proj");

    /* text encoder */
    m->text_emb = tensor(b, 2, SHAPE(c->n_token, D), NULL, "text_encoder.embedding.weight");
    for (int i = 0; i < c->n_layer; i++) {
        snprintf(p, sizeof p, "text_encoder.cnn.%d.0", i);
        m->text_cnn[i] = conv(b, D, D, c->text_encoder_kernel_size, 1, p);
        m->text_ln_gamma[i] = tensor(b, 1, SHAPE(D), NULL, "text_encoder.cnn.%d.1.gamma", i);
        m->text_ln_beta[i] = tensor(b, 1, SHAPE(D), NULL, "text_encoder.cnn.%d.1.beta", i);
    }
    m->text_lstm = lstm(b, D, D / 2, "text_encoder.lstm");

    /* decoder trunk: widths from the tensors (1024 / 64 / 512 in the official model) */
    m->f0_conv = conv(b, 1, 1, 3, 1, "decoder.F0_conv");
    m->n_conv = conv(b, 1, 1, 3, 1, "decoder.N_conv");
    m->asr_res = conv(b, -1, D, 1, 1, "decoder.asr_res.0");
    m->dec_res_dim = m->asr_res.out;
    m->encode = adain_resblk(b, D + 2, -1, S, 0, "decoder.encode");
    m->dec_dim = m->encode.dim_out;
    int cat = m->dec_dim + 2 + m->dec_res_dim;
    m->n_decode = 0;
    for (int i = 0; i < 8; i++) {
        snprintf(p, sizeof p, "decoder.decode.%d.conv1.weight", i);
        if (!lt_tensor_set_find(&m->weights, p)) break;
        snprintf(p, sizeof p, "decoder.decode.%d.pool.weight", i);
        int up = lt_tensor_set_find(&m->weights, p) != NULL;
        snprintf(p, sizeof p, "decoder.decode.%d", i);
        m->decode[i] = adain_resblk(b, cat, -1, S, up, p);
        m->n_decode = i + 1;
        if (up) break; /* the official decoder stops concatenating after the upsampling block: it is the last */
    }
    if (!b->failed && (m->n_decode == 0 || !m->decode[m->n_decode - 1].upsample))
        return lt_fail(err, "%s: decoder.decode.* must end with an upsampling block (decoder.decode.N.pool)", file);
    if (b->failed) return -1;
    m->dec_out_dim = m->decode[m->n_decode - 1].dim_out;

    /* generator */
    m->source_w = tensor(b, 2, SHAPE(1, 9), NULL, "decoder.generator.m_source.l_linear.weight");
    m->source_b = tensor(b, 1, SHAPE(1), NULL, "decoder.generator.m_source.l_linear.bias");
    int ch = c->upsample_initial_channel, nb = c->istft_n_fft + 2;
    if (!b->failed && m->dec_out_dim != ch)
        return lt_fail(err, "%s: decoder output has %d channels but istftnet.upsample_initial_channel is %d", file,
                       m->dec_out_dim, ch);
    for (int i = 0; i < c->n_upsamples; i++) {
        int cur = ch >> (i + 1);
        snprintf(p, sizeof p, "decoder.generator.ups.%d", i);
        m->ups[i] = conv_t(b, ch >> i, cur, c->upsample_kernel_sizes[i], p);
        m->ups[i].b = tensor(b, 1, SHAPE(cur), NULL, "%s.bias", p);
        int last = i + 1 == c->n_upsamples;
        int stride_f0 = 1;
        for (int j = i + 1; j < c->n_upsamples; j++) stride_f0 *= c->upsample_rates[j];
        snprintf(p, sizeof p, "decoder.generator.noise_convs.%d", i);
        m->noise_convs[i] = conv(b, cur, nb, last ? 1 : 2 * stride_f0, 1, p);
        const int dil[3] = {1, 3, 5};
        snprintf(p, sizeof p, "decoder.generator.noise_res.%d", i);
        m->noise_res[i] = adain_resblock1(b, cur, last ? 11 : 7, 3, dil, S, p);
        for (int j = 0; j < c->n_resblock_kernels; j++) {
            int idx = i * c->n_resblock_kernels + j;
            snprintf(p, sizeof p, "decoder.generator.resblocks.%d", idx);
            m->resblocks[idx] = adain_resblock1(b, cur, c->resblock_kernel_sizes[j], c->n_dilations,
                                                c->resblock_dilations[j], S, p);
        }
    }
    m->conv_post = conv(b, nb, ch >> c->n_upsamples, 7, 1, "decoder.generator.conv_post");
    return b->failed ? -1 : 0;
}

int lt_kokoro_open(const char *model_path, const char *config_path, lt_kokoro **out, lt_err *err) {
    *out = NULL;
    lt_kokoro *m = calloc(1, sizeof *m);
    if (!m) return lt_fail(err, "out of memory");
    lt_tensor_set_init(&m->weights);
    char *embedded = NULL;
    if (lt_weights_load(model_path, &m->weights, &embedded, err)) goto fail;
    if (config_path || !embedded) {
        char beside[4096];
        if (!config_path) {
            const char *slash = strrchr(model_path, '/');
            int dir = slash ? (int)(slash - model_path) + 1 : 0;
            snprintf(beside, sizeof beside, "%.*sconfig.json", dir, model_path);
            config_path = beside;
        }
        free(embedded);
        embedded = NULL;
        if (lt_config_load_file(config_path, &m->cfg, &m->config_json, err)) goto fail;
    } else {
        if (lt_config_parse(embedded, model_path, &m->cfg, err)) { free(embedded); goto fail; }
        m->config_json = embedded;
    }
    if (bind_model(m, model_path, err)) goto fail;
    m->release_weights = lt_weight_pages_policy();
    *out = m;
    return 0;
fail:
    lt_kokoro_free(m);
    return -1;
}

void lt_kokoro_free(lt_kokoro *m) {
    if (!m) return;
    for (int i = 0; i < m->n_owned; i++) free(m->owned[i]);
    free(m->owned);
    free(m->config_json);
    lt_tensor_set_free(&m->weights);
    free(m);
}
