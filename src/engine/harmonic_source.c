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
 * scale factor S: output j reads inputs i0, i1 with weights l0, l1, and is
 * fmaf(x[i0], l0, x[i1] · l1) (PyTorch's one fused multiply-add, written out). */
typedef struct interp_tap { int64_t i0, i1; float l0, l1; } interp_tap;

static interp_tap interp_at(double S, int64_t n_in, int64_t j) {
    double scale = (double)(float)(1.0 / S);
    double src = scale * ((double)j + 0.5) - 0.5;
    if (src < 0) src = 0;
    interp_tap p;
    p.i0 = (int64_t)src;
    p.i1 = p.i0 + (p.i0 < n_in - 1);
    double frac = src - (double)p.i0;
    p.l1 = (float)(frac < 1.0 ? frac : 1.0);
    p.l0 = 1.0f - p.l1;
    return p;
}

/* PyTorch's rad_values[t][k] = (F0(t)·(k+1) / 24000) % 1 (floor modulo), with
 * the random initial phase added at t = 0 for the harmonics above the
 * fundamental. */
static float rad_value(const float *f0, int U, int64_t t, int k, const float *rand_ini) {
    float fn = f0[t / U] * (float)(k + 1);
    float r = fn / 24000.0f;
    float mod = fmodf(r, 1.0f);
    if (mod < 0) mod += 1.0f;
    if (t == 0 && k > 0) mod += rand_ini[k];
    return mod;
}

typedef struct source_job {
    const float *f0, *randn, *lin_w, *phase_down;
    float *out, lin_b;
    int U;
    int64_t L, Ld, per;
} source_job;

/* The per-sample pass over the task's range of t (each t on its own, so the
 * values do not depend on the split):
 *   phase[k] = phase_down[][k] interpolated up by U at t;
 *   out[t]   = tanh(Σ_k (0.1·sin(phase[k])·uv + noise_amp·randn[t][k])·w[k] + b). */
static void source_task(void *ctx, int task, int thread) {
    (void)thread;
    const source_job *j = ctx;
    int64_t t0 = task * j->per, t1 = t0 + j->per < j->L ? t0 + j->per : j->L;
    for (int64_t t = t0; t < t1; t++) {
        interp_tap p = interp_at((double)j->U, j->Ld, t);
        const float *d0 = j->phase_down + p.i0 * N_HARM, *d1 = j->phase_down + p.i1 * N_HARM;
        float ft = j->f0[t / j->U];
        float uv = ft > 10.0f ? 1.0f : 0.0f;
        float noise_amp = uv * 0.003f + ((1.0f - uv) * 0.1f) / 3.0f;
        float acc = 0;
        for (int k = 0; k < N_HARM; k++) {
            float phase = fmaf(d0[k], p.l0, d1[k] * p.l1);
            float sine = sinf(phase) * 0.1f;
            float x = sine * uv + noise_amp * j->randn[t * N_HARM + k];
            acc += x * j->lin_w[k];
        }
        j->out[t] = tanhf(acc + j->lin_b);
    }
}

void lt_harmonic_source(const float *f0, int n_f0, int U, const float *rand_ini, const float *randn,
                        const float *lin_w, float lin_b, float *out) {
    int64_t L = (int64_t)n_f0 * U, Ld = n_f0; /* floor(L / U) */
    float *down = malloc(sizeof(float) * (size_t)Ld * N_HARM); /* [Ld][9], as PyTorch's [1, Ld, 9] */
    if (!down) {
        for (int64_t t = 0; t < L; t++) out[t] = 0; /* out of memory: silence, never garbage */
        return;
    }
    /* rad_values interpolated down by U (frame rate): rad_values are needed
     * only at the two samples each output reads, not at all L·9 */
    for (int64_t i = 0; i < Ld; i++) {
        interp_tap p = interp_at(1.0 / U, L, i);
        for (int k = 0; k < N_HARM; k++) {
            float p1 = rad_value(f0, U, p.i1, k, rand_ini) * p.l1;
            down[i * N_HARM + k] = fmaf(rad_value(f0, U, p.i0, k, rand_ini), p.l0, p1);
        }
    }
    /* the phase at frame rate: cumsum accumulates in double and rounds each output to float */
    for (int k = 0; k < N_HARM; k++) {
        double acc = 0;
        for (int64_t i = 0; i < Ld; i++) {
            acc += (double)down[i * N_HARM + k];
            float cs = (float)acc;
            down[i * N_HARM + k] = ((cs * 2.0f) * 3.14159274f) * (float)U;
        }
    }
    /* back up to the sample rate, sine, noise, linear and tanh: one pass on the pool */
    source_job j = {.f0 = f0, .randn = randn, .lin_w = lin_w, .phase_down = down, .out = out, .lin_b = lin_b,
                    .U = U, .L = L, .Ld = Ld};
    lt_parallel_for(lt_pool_split(L, 65536, 1, &j.per), source_task, &j);
    free(down);
}
