/* kernels_ordered.c — the "ordered" products: linear layers, attention
 * products and the LSTMs (see kernels.h).
 *
 * PyTorch's addmm on the golden machine summed every dot product in index
 * order in float32, multiply then add (no FMA), and added the bias last; the
 * golden tensors match that bit for bit, and the prosody predictor amplifies
 * any other rounding enough to matter. So every output here is
 *     y[m][n] = (Σ_k a[m][k]·b[n][k], k increasing, each product rounded) + bias[n]
 * and the speed comes from vectorising across n and register blocking across
 * m (many independent sums at once), never from reassociating one sum. This
 * file is compiled with -ffp-contract=off (CMakeLists.txt) so nothing is fused.
 *
 * GEMM layout: B is packed per panel of NR columns, bp[k][j] = b[n0+j][k]
 * (NR = 64 with AVX-512, 32 with AVX2, 16 otherwise); a block of MR rows of A
 * is broadcast one element at a time against the panel's NR/LANES vectors,
 * MR·NV accumulators held in registers across the whole K loop. Tasks of the
 * thread pool are (panel, row chunk) pairs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu_features.h"
#include "engine/kernels.h"
#include "engine/threadpool.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define LT_HAVE_X86_CLONES 1
#else
#define LT_HAVE_X86_CLONES 0
#endif

/* ---- AVX-512: 4 rows × 64 columns (16 zmm accumulators) ---- */
#if LT_HAVE_X86_CLONES
typedef float v16f __attribute__((vector_size(64)));
typedef float v16fu __attribute__((vector_size(64), aligned(4)));
#define SFX avx512
#define TGT __attribute__((target("avx512f")))
#define VT v16f
#define VTU v16fu
#define LANES 16
#define NV 4
#define MR 4
#define GV 16
#define SPLAT(x) ((v16f){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x})
#include "engine/kernels_ordered.inc"
#undef SFX
#undef TGT
#undef VT
#undef VTU
#undef LANES
#undef NV
#undef MR
#undef GV
#undef SPLAT

/* ---- AVX2: 2 rows × 32 columns (8 ymm accumulators) ---- */
typedef float v8f __attribute__((vector_size(32)));
typedef float v8fu __attribute__((vector_size(32), aligned(4)));
#define SFX avx2
#define TGT __attribute__((target("avx2")))
#define VT v8f
#define VTU v8fu
#define LANES 8
#define NV 4
#define MR 2
#define GV 8
#define SPLAT(x) ((v8f){x, x, x, x, x, x, x, x})
#include "engine/kernels_ordered.inc"
#undef SFX
#undef TGT
#undef VT
#undef VTU
#undef LANES
#undef NV
#undef MR
#undef GV
#undef SPLAT
#endif

/* ---- portable: 2 rows × 16 columns of 128-bit vectors ---- */
typedef float v4f __attribute__((vector_size(16)));
typedef float v4fu __attribute__((vector_size(16), aligned(4)));
#define SFX generic
#define TGT
#define VT v4f
#define VTU v4fu
#define LANES 4
#define NV 4
#define MR 2
#define GV 4
#define SPLAT(x) ((v4f){x, x, x, x})
#include "engine/kernels_ordered.inc"
#undef SFX
#undef TGT
#undef VT
#undef VTU
#undef LANES
#undef NV
#undef MR
#undef GV
#undef SPLAT

typedef struct ordered_isa {
    int nr, mr;
    void (*pack_b)(const float *b, int ldb, int n0, int nv, int K, float *bp);
    void (*panel_rows)(const float *a, int lda, const float *bp, int K, const float *bias, int nv, int m0, int m1,
                       float *y, int ldy);
    void (*gemv_t)(const float *wT, int G, int H, const float *h, const float *b, float *g);
} ordered_isa;

static const ordered_isa *isa(void) {
    static const ordered_isa generic = {16, 2, pack_b_generic, panel_rows_generic, gemv_t_generic};
#if LT_HAVE_X86_CLONES
    static const ordered_isa avx512 = {64, 4, pack_b_avx512, panel_rows_avx512, gemv_t_avx512};
    static const ordered_isa avx2 = {32, 2, pack_b_avx2, panel_rows_avx2, gemv_t_avx2};
    const lt_cpu_features *f = lt_cpu_features_get();
    if (f->avx512f) return &avx512;
    if (f->avx2) return &avx2;
#endif
    return &generic;
}

typedef struct mm_job {
    const ordered_isa *isa;
    const float *a, *b, *bias;
    float *y, *scratch;
    int lda, ldb, ldy, M, N, K, n_panels, n_mchunks, mchunk;
    size_t panel_floats;
} mm_job;

static void mm_task(void *ctx, int t, int thread) {
    const mm_job *j = ctx;
    int p = t / j->n_mchunks, mc = t % j->n_mchunks;
    int n0 = p * j->isa->nr, nv = j->N - n0 < j->isa->nr ? j->N - n0 : j->isa->nr;
    int m0 = mc * j->mchunk, m1 = m0 + j->mchunk < j->M ? m0 + j->mchunk : j->M;
    if (m0 >= m1) return;
    float *bp = j->scratch + (size_t)thread * j->panel_floats;
    j->isa->pack_b(j->b, j->ldb, n0, nv, j->K, bp);
    j->isa->panel_rows(j->a, j->lda, bp, j->K, j->bias ? j->bias + n0 : NULL, nv, m0, m1, j->y + n0, j->ldy);
}

int lt_matmul_abt(const float *a, int lda, const float *b, int ldb, int M, int N, int K, const float *bias, float *y,
                  int ldy) {
    if (M <= 0 || N <= 0) return 0;
    const ordered_isa *is = isa();
    mm_job j = {.isa = is, .a = a, .b = b, .bias = bias, .y = y, .lda = lda, .ldb = ldb, .ldy = ldy,
                .M = M, .N = N, .K = K};
    j.n_panels = (N + is->nr - 1) / is->nr;
    int threads = lt_pool_threads();
    /* enough tasks for the threads to balance; row chunks of at least 16 rows */
    int want = (int64_t)M * N * K < (1 << 16) ? 1 : 4 * threads;
    j.n_mchunks = 1;
    if (j.n_panels < want) {
        j.n_mchunks = (want + j.n_panels - 1) / j.n_panels;
        int maxc = (M + 15) / 16;
        if (j.n_mchunks > maxc) j.n_mchunks = maxc > 0 ? maxc : 1;
    }
    j.mchunk = (M + j.n_mchunks - 1) / j.n_mchunks;
    j.mchunk = (j.mchunk + is->mr - 1) / is->mr * is->mr;
    j.n_mchunks = (M + j.mchunk - 1) / j.mchunk;
    j.panel_floats = ((size_t)(K > 0 ? K : 1) * is->nr + 15) & ~(size_t)15;
    j.scratch = aligned_alloc(64, sizeof(float) * j.panel_floats * (size_t)threads);
    if (!j.scratch) return -1;
    lt_parallel_for(j.n_panels * j.n_mchunks, mm_task, &j);
    free(j.scratch);
    return 0;
}

void lt_linear_rows(const float *x, int T, int in, const float *w, const float *b, int out, float *y) {
    if (lt_matmul_abt(x, in, w, in, T, out, in, b, y, out) == 0) return;
    /* out of memory for the packing scratch: a slow loop in the same order rather than fail */
    for (int t = 0; t < T; t++)
        for (int n = 0; n < out; n++) {
            float acc = 0.0f;
            for (int k = 0; k < in; k++) acc += x[(int64_t)t * in + k] * w[(int64_t)n * in + k];
            y[(int64_t)t * out + n] = b ? acc + b[n] : acc;
        }
}

typedef struct lstm_job {
    const ordered_isa *isa;
    const float *x;
    int T, in, H;
    const float *const *w_ih, *const *w_hh, *const *b_ih, *const *b_hh;
    float *y, *scratch;
    size_t per_dir;
    int rc[2];
} lstm_job;

/* One direction of the bidirectional LSTM (task 0 forward, 1 reverse). */
static void lstm_dir(void *ctx, int dir, int thread) {
    (void)thread;
    lstm_job *j = ctx;
    int T = j->T, H = j->H, G = 4 * H, in = j->in;
    float *gates = j->scratch + (size_t)dir * j->per_dir;
    float *wT = gates + (size_t)T * G, *g = wT + (size_t)G * H, *h = g + G, *c = h + H;
    /* PyTorch's LSTMCell: gates = (W_hh·h + b_hh) + (W_ih·x + b_ih), chunks i, f, g, o. */
    if (lt_matmul_abt(j->x, in, j->w_ih[dir], in, T, G, in, j->b_ih[dir], gates, G)) { j->rc[dir] = -1; return; }
    const float *whh = j->w_hh[dir];
    for (int r = 0; r < G; r++)
        for (int i = 0; i < H; i++) wT[(int64_t)i * G + r] = whh[(int64_t)r * H + i];
    memset(h, 0, sizeof(float) * 2 * (size_t)H);
    for (int s = 0; s < T; s++) {
        int t = dir == 0 ? s : T - 1 - s;
        j->isa->gemv_t(wT, G, H, h, j->b_hh[dir], g);
        const float *xg = gates + (int64_t)t * G;
        for (int r = 0; r < G; r++) g[r] += xg[r];
        float *out = j->y + (int64_t)t * 2 * H + dir * H;
        /* torch.sigmoid / torch.tanh round as SLEEF (kernels_sleef.c): bit-exact LSTMs */
        lt_pt_sigmoid(g, g, 2 * (int64_t)H);
        lt_pt_tanh(g + 2 * H, g + 2 * H, H);
        lt_pt_sigmoid(g + 3 * H, g + 3 * H, H);
        for (int r = 0; r < H; r++) c[r] = g[H + r] * c[r] + g[r] * g[2 * H + r];
        lt_pt_tanh(out, c, H);
        for (int r = 0; r < H; r++) h[r] = out[r] = g[3 * H + r] * out[r];
    }
    j->rc[dir] = 0;
}

int lt_lstm_bidirectional(const float *x, int T, int in, int H, const float *const w_ih[2],
                          const float *const w_hh[2], const float *const b_ih[2],
                          const float *const b_hh[2], float *y) {
    int G = 4 * H;
    lstm_job j = {.isa = isa(), .x = x, .T = T, .in = in, .H = H, .w_ih = w_ih, .w_hh = w_hh, .b_ih = b_ih,
                  .b_hh = b_hh, .y = y};
    j.per_dir = ((size_t)T * G + (size_t)G * H + (size_t)G + 2 * (size_t)H + 15) & ~(size_t)15;
    j.scratch = malloc(sizeof(float) * 2 * j.per_dir);
    if (!j.scratch) return -1;
    lt_parallel_for(2, lstm_dir, &j); /* the two directions are independent */
    free(j.scratch);
    return j.rc[0] || j.rc[1] ? -1 : 0;
}
