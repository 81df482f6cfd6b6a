/* albert.c — the PL-BERT text encoder: Hugging Face AlbertModel semantics.
 *
 *   x   = LayerNorm_1e-12(word[id] + type[0] + pos[t])        [T][E]
 *   h   = embedding_hidden_mapping_in(x)                      [T][H]
 *   repeat num_hidden_layers times with ONE shared layer:
 *     a = LayerNorm_1e-12(h + dense(softmax(q·kᵀ/√dh)·v))     per head
 *     h = LayerNorm_1e-12(ffn_output(gelu_new(ffn(a))) + a)
 * The attention mask is all ones for a single utterance, so it adds nothing.
 * The shared layer's six matrices are held in float32 for the whole loop
 * (reduced weights widened once, not once per repeat). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "engine/kernels.h"
#include "engine/layers.h"
#include "engine/kokoro_internal.h"
#include "engine/threadpool.h"

/* One attention head per task (the heads are independent):
 *   scores = q_h · k_hᵀ / √dh, softmax over the last axis in PyTorch's order;
 *   ctx[:, h·dh … +dh] = scores · v_h.
 * Each thread that takes part claims one slot of `scratch` (scores [T][T] and
 * v_hᵀ [dh][T]) on its first head, so the slots needed are at most
 * min(threads, heads), however many cores the pool has. */
typedef struct attn_job {
    const float *q, *k, *v;
    float *ctx, *scratch;
    int T, H, dh;
    float scale;
    atomic_int failed, slots_taken;
    int slot_of[LT_POOL_MAX]; /* per pool thread: its slot, or -1 */
} attn_job;

static void attn_head(void *arg, int hd, int thread) {
    attn_job *j = arg;
    int T = j->T, H = j->H, dh = j->dh;
    if (j->slot_of[thread] < 0) j->slot_of[thread] = atomic_fetch_add(&j->slots_taken, 1); /* only this thread writes it */
    float *scores = j->scratch + (size_t)j->slot_of[thread] * ((size_t)T * T + (size_t)dh * T);
    float *vt = scores + (size_t)T * T;
    if (lt_matmul_abt(j->q + hd * dh, H, j->k + hd * dh, H, T, T, dh, NULL, scores, T)) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int i = 0; i < T; i++) {
        float *r = scores + (int64_t)i * T;
        for (int c = 0; c < T; c++) r[c] /= j->scale;
        lt_pt_softmax_row(r, T);
    }
    for (int c = 0; c < T; c++)
        for (int e = 0; e < dh; e++) vt[(int64_t)e * T + c] = j->v[(int64_t)c * H + hd * dh + e];
    if (lt_matmul_abt(scores, T, vt, T, T, dh, T, NULL, j->ctx + hd * dh, H)) atomic_store(&j->failed, 1);
}

int lt_albert_forward(const lt_kokoro *m, const int64_t *ids, int T, float *h) {
    const lt_kokoro_config *c = &m->cfg;
    int E = m->bert_embed, H = c->bert_hidden, FF = c->bert_intermediate, NH = c->bert_heads, dh = H / NH;
    size_t per_slot = (size_t)T * T + (size_t)dh * T; /* one head's scores and v_hᵀ */
    int slots = lt_pool_threads() < NH ? lt_pool_threads() : NH;
    size_t need = (size_t)T * E + 5 * (size_t)T * H + (size_t)T * FF + per_slot * (size_t)slots;
    float *buf = malloc(sizeof(float) * need);
    if (!buf) return -1;
    int rc = 0;
    float *x = buf, *q = x + (size_t)T * E, *k = q + (size_t)T * H, *v = k + (size_t)T * H;
    float *ctx = v + (size_t)T * H, *a = ctx + (size_t)T * H, *f = a + (size_t)T * H, *scratch = f + (size_t)T * FF;

    for (int t = 0; t < T; t++) {
        const float *we = m->word_emb + ids[t] * E, *pe = m->pos_emb + (int64_t)t * E, *te = m->type_emb;
        for (int e = 0; e < E; e++) x[(int64_t)t * E + e] = (we[e] + te[e]) + pe[e];
    }
    lt_layer_norm_rows(x, T, E, m->emb_ln_w, m->emb_ln_b, 1e-12f);
    rc |= lt_linear_apply(&m->emb_map, x, T, h);

    enum { LQ, LK, LV, LO, LF, LFO, NL };
    const lt_linear *shared[NL] = {&m->q, &m->k, &m->v, &m->attn_out, &m->ffn, &m->ffn_out};
    lt_linear_f32 L[NL] = {{0}};
    for (int i = 0; i < NL && !rc; i++) rc = lt_linear_f32_open(shared[i], &L[i]);

    const float scale = sqrtf((float)dh);
    for (int layer = 0; layer < c->bert_layers && !rc; layer++) {
        rc |= lt_linear_f32_apply(&L[LQ], h, T, q);
        rc |= lt_linear_f32_apply(&L[LK], h, T, k);
        rc |= lt_linear_f32_apply(&L[LV], h, T, v);
        attn_job aj = {.q = q, .k = k, .v = v, .ctx = ctx, .scratch = scratch, .T = T, .H = H, .dh = dh,
                       .scale = scale};
        for (int t = 0; t < LT_POOL_MAX; t++) aj.slot_of[t] = -1;
        lt_parallel_for(NH, attn_head, &aj);
        if (aj.failed) rc = -1;
        if (rc) break;
        rc |= lt_linear_f32_apply(&L[LO], ctx, T, a);
        for (int64_t i = 0; i < (int64_t)T * H; i++) a[i] += h[i];
        lt_layer_norm_rows(a, T, H, m->attn_ln_w, m->attn_ln_b, 1e-12f);
        rc |= lt_linear_f32_apply(&L[LF], a, T, f);
        lt_gelu_new(f, (int64_t)T * FF);
        rc |= lt_linear_f32_apply(&L[LFO], f, T, h);
        for (int64_t i = 0; i < (int64_t)T * H; i++) h[i] += a[i];
        lt_layer_norm_rows(h, T, H, m->full_ln_w, m->full_ln_b, 1e-12f);
    }
    for (int i = 0; i < NL; i++) lt_linear_f32_close(&L[i]);
    free(buf);
    return rc ? -1 : 0;
}
