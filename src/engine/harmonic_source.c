/* harmonic_source.c — SineGen + SourceModuleHnNSF: F0 → the excitation signal.
 *
 * This is the one ill-conditioned place in Kokoro: phase integrates F0 over
 * the whole utterance in float32, so one ulp moves the audio. It therefore
 * copies PyTorch 1.13's float32 arithmetic step by step (the recipe in
 * kokoro-golden/README.md) and is compiled with -ffp-contract=off; the one
 * fused multiply-add PyTorch's linear interpolation does is written out.
 *
 * Constants of the official code (not in config.json): 24 kHz, harmonic_num 8
 * (9 harmonics), sine_amp 0.1, noise_std 0.003, voiced if F0 > 10. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/kokoro_internal.h"
#include "engine/threadpool.h"

#define N_HARM 9

/* torch.nn.functional.interpolate(mode="linear", align_corners=False) with a
 * scale factor S, one channel with stride `st`: outputs [j0, j1). */
static void interp_linear(const float *x, int64_t n_in, int64_t st, double S, float *y, int64_t j0, int64_t j1) {
    double scale = (double)(float)(1.0 / S);
    for (int64_t j = j0; j < j1; j++) {
        double src = scale * ((double)j + 0.5) - 0.5;
        if (src < 0) src = 0;
        int64_t i0 = (int64_t)src;
        int64_t i1 = i0 + (i0 < n_in - 1);
        double frac = src - (double)i0;
        float l1 = (float)(frac < 1.0 ? frac : 1.0);
        float l0 = 1.0f - l1;
        float p1 = x[i1 * st] * l1;
        y[j * st] = fmaf(x[i0 * st], l0, p1);
    }
}

typedef struct source_job {
    const float *f0, *randn, *lin_w;
    float *rad, *out, lin_b;
    int U, pass;
    int64_t L, per;
    const float *down; /* pass 2: the integrated phases at frame rate [Ld][9] */
    int64_t Ld;
} source_job;

/* The per-sample passes over the task's range of t:
 *   pass 0: rad[t][k] = (F0(t)·(k+1) / 24000) mod 1 (floor modulo);
 *   pass 2: rad[t][k] = phase, interpolated up from down[][k];
 *   pass 1: out[t] = tanh(Σ_k (0.1·sin(phase[t][k])·uv + noise_amp·randn[t][k])·w[k] + b). */
static void source_task(void *ctx, int task, int thread) {
    (void)thread;
    const source_job *j = ctx;
    int64_t t0 = task * j->per, t1 = t0 + j->per < j->L ? t0 + j->per : j->L;
    if (j->pass == 2) { /* phase[t][k]: the frame-rate phases interpolated back up (each t on its own) */
        for (int k = 0; k < N_HARM; k++) interp_linear(j->down + k, j->Ld, N_HARM, (double)j->U, j->rad + k, t0, t1);
        return;
    }
    for (int64_t t = t0; t < t1; t++) {
        float ft = j->f0[t / j->U];
        if (j->pass == 0) {
            for (int k = 0; k < N_HARM; k++) {
                float fn = ft * (float)(k + 1);
                float r = fn / 24000.0f;
                float mod = fmodf(r, 1.0f);
                if (mod < 0) mod += 1.0f; /* PyTorch's % is floor modulo */
                j->rad[t * N_HARM + k] = mod;
            }
            continue;
        }
        float uv = ft > 10.0f ? 1.0f : 0.0f;
        float noise_amp = uv * 0.003f + ((1.0f - uv) * 0.1f) / 3.0f;
        float acc = 0;
        for (int k = 0; k < N_HARM; k++) {
            float sine = sinf(j->rad[t * N_HARM + k]) * 0.1f;
            float x = sine * uv + noise_amp * j->randn[t * N_HARM + k];
            acc += x * j->lin_w[k];
        }
        j->out[t] = tanhf(acc + j->lin_b);
    }
}

void lt_harmonic_source(const float *f0, int n_f0, int U, const float *rand_ini, const float *randn,
                        const float *lin_w, float lin_b, float *out) {
    int64_t L = (int64_t)n_f0 * U, Ld = n_f0; /* floor(L / U) */
    /* rad[t][k], down[j][k], phase[t][k]: interleaved as PyTorch's [1, L, 9] */
    float *rad = malloc(sizeof(float) * (size_t)L * N_HARM);
    float *down = malloc(sizeof(float) * (size_t)Ld * N_HARM);
    if (!rad || !down) {
        free(rad);
        free(down);
        for (int64_t t = 0; t < L; t++) out[t] = 0; /* out of memory: silence, never garbage */
        return;
    }
    /* the per-sample passes run on the pool (each t on its own: the same values);
     * the down-sampling interpolation and the cumulative sum (frame rate) stay sequential */
    source_job j = {.f0 = f0, .randn = randn, .lin_w = lin_w, .rad = rad, .out = out, .lin_b = lin_b, .U = U, .L = L};
    int tasks = lt_pool_split(L, 65536, 1, &j.per);
    lt_parallel_for(tasks, source_task, &j);
    for (int k = 1; k < N_HARM; k++) rad[k] += rand_ini[k]; /* no initial phase for the fundamental */
    for (int k = 0; k < N_HARM; k++) interp_linear(rad + k, L, N_HARM, 1.0 / U, down + k, 0, Ld);
    /* cumsum accumulates in double and rounds each output to float */
    for (int k = 0; k < N_HARM; k++) {
        double acc = 0;
        for (int64_t i = 0; i < Ld; i++) {
            acc += (double)down[i * N_HARM + k];
            float cs = (float)acc;
            down[i * N_HARM + k] = ((cs * 2.0f) * 3.14159274f) * (float)U;
        }
    }
    j.pass = 2;
    j.down = down;
    j.Ld = Ld;
    lt_parallel_for(tasks, source_task, &j);
    j.pass = 1;
    lt_parallel_for(tasks, source_task, &j);
    free(rad);
    free(down);
}
