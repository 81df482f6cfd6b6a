/* stft.c — the two short-time Fourier transforms of the generator, as
 * torch.stft / torch.istft compute them (centred, periodic Hann window,
 * n_fft = win_length). n_fft is tiny (20), so plain DFTs in double are both
 * exact enough and fast enough; the cos/sin tables are computed per call.
 *
 * Forward: the DC and Nyquist bins get an imaginary part of exactly +0.0,
 * so their angle is 0 or +π, never −π (PyTorch's real FFT does the same).
 *
 * lt_istft_range (generator_lowmem.h) is the inverse over a range of samples,
 * for the low-memory generator: same sums in the same order, same samples;
 * lt_istft runs it over ranges on the thread pool, lt_stft_mag_phase splits
 * its frames likewise (every frame is independent). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "engine/generator_lowmem.h"
#include "engine/kokoro_internal.h"
#include "engine/threadpool.h"

static double hann(int n, int N) { return 0.5 - 0.5 * cos(2.0 * M_PI * n / N); }

int lt_stft_frames(int64_t L, int hop) { return (int)(1 + L / hop); }

typedef struct stft_job {
    const float *x;
    int64_t L;
    int n_fft, hop, frames, per;
    float *mag, *phase;
    const double *win, *cs, *sn;
} stft_job;

/* Task: frames [task·per, …), each independent of the others. */
static void stft_task(void *ctx, int task, int thread) {
    (void)thread;
    const stft_job *j = ctx;
    int n_fft = j->n_fft, nb = n_fft / 2 + 1, pad = n_fft / 2, frames = j->frames;
    int f0 = task * j->per, f1 = f0 + j->per < frames ? f0 + j->per : frames;
    int64_t L = j->L;
    double frame[64];
    for (int f = f0; f < f1; f++) {
        for (int n = 0; n < n_fft; n++) {
            int64_t i = (int64_t)f * j->hop + n - pad; /* reflect padding */
            if (i < 0) i = -i;
            if (i >= L) i = 2 * (L - 1) - i;
            frame[n] = (double)j->x[i] * j->win[n];
        }
        for (int k = 0; k < nb; k++) {
            double re = 0, im = 0;
            for (int n = 0; n < n_fft; n++) {
                re += frame[n] * j->cs[k * n_fft + n];
                im -= frame[n] * j->sn[k * n_fft + n];
            }
            float fr = (float)re, fi = (float)im;
            if (k == 0 || 2 * k == n_fft) fi = +0.0f;
            j->mag[(int64_t)k * frames + f] = hypotf(fr, fi);
            j->phase[(int64_t)k * frames + f] = atan2f(fi, fr);
        }
    }
}

void lt_stft_mag_phase(const float *x, int64_t L, int n_fft, int hop, float *mag, float *phase) {
    int frames = lt_stft_frames(L, hop), nb = n_fft / 2 + 1;
    double *win = malloc(sizeof(double) * (size_t)n_fft * (1 + 2 * (size_t)nb));
    if (!win) return;
    double *cs = win + n_fft, *sn = cs + (size_t)nb * n_fft;
    for (int n = 0; n < n_fft; n++) win[n] = (float)hann(n, n_fft); /* torch.hann_window is float32 */
    for (int k = 0; k < nb; k++)
        for (int n = 0; n < n_fft; n++) {
            double a = 2.0 * M_PI * (double)((int64_t)k * n % n_fft) / n_fft;
            cs[k * n_fft + n] = cos(a);
            sn[k * n_fft + n] = sin(a);
        }
    stft_job j = {.x = x, .L = L, .n_fft = n_fft, .hop = hop, .frames = frames, .mag = mag, .phase = phase,
                  .win = win, .cs = cs, .sn = sn};
    int64_t per;
    int n = lt_pool_split(frames, 2048, 1, &per);
    j.per = (int)per;
    lt_parallel_for(n, stft_task, &j);
    free(win);
}

typedef struct istft_job {
    const float *mag, *phase;
    float *y;
    int frames, n_fft, hop;
    atomic_int failed;
    int64_t L, per;
} istft_job;

/* Task: output samples [task·per, …) through lt_istft_range (the same sums in
 * the same order as one pass over all frames, so the same samples). */
static void istft_task(void *ctx, int task, int thread) {
    (void)thread;
    istft_job *j = ctx;
    int n_fft = j->n_fft, hop = j->hop, pad = n_fft / 2;
    int64_t s0 = task * j->per, s1 = s0 + j->per < j->L ? s0 + j->per : j->L;
    int64_t lo = s0 + pad - n_fft + 1;
    int fa = lo <= 0 ? 0 : (int)((lo + hop - 1) / hop), fb = (int)((s1 - 1 + pad) / hop) + 1;
    if (fb > j->frames) fb = j->frames;
    if (lt_istft_range(j->mag + fa, j->phase + fa, j->frames, fa, fb, n_fft, hop, s0, s1, j->y + s0))
        atomic_store(&j->failed, 1);
}

int lt_istft(const float *mag, const float *phase, int frames, int n_fft, int hop, float *y) {
    istft_job j = {.mag = mag, .phase = phase, .y = y, .frames = frames, .n_fft = n_fft, .hop = hop,
                   .L = (int64_t)hop * (frames - 1)};
    if (j.L <= 0) return 0;
    lt_parallel_for(lt_pool_split(j.L, 32768, 1, &j.per), istft_task, &j);
    return atomic_load(&j.failed) ? -1 : 0;
}

int lt_istft_range(const float *mag, const float *phase, int64_t ld, int fa, int fb, int n_fft, int hop, int64_t s0,
                   int64_t s1, float *y) {
    int nb = n_fft / 2 + 1, pad = n_fft / 2;
    int64_t n = s1 - s0, u0 = s0 + pad; /* buffer positions [u0, u0 + n) */
    double *buf = calloc((size_t)(2 * n + (size_t)n_fft * (1 + 2 * (size_t)nb)), sizeof(double));
    if (!buf) return -1;
    double *env = buf + n, *win = env + n, *cs = win + n_fft, *sn = cs + (size_t)nb * n_fft;
    for (int i = 0; i < n_fft; i++) win[i] = (float)hann(i, n_fft);
    for (int k = 0; k < nb; k++)
        for (int i = 0; i < n_fft; i++) {
            double a = 2.0 * M_PI * (double)((int64_t)k * i % n_fft) / n_fft;
            cs[k * n_fft + i] = cos(a);
            sn[k * n_fft + i] = sin(a);
        }
    double re[64], im[64];
    for (int f = fa; f < fb; f++) {
        for (int k = 0; k < nb; k++) {
            float mg = mag[(int64_t)k * ld + (f - fa)], ph = phase[(int64_t)k * ld + (f - fa)];
            re[k] = (double)(mg * cosf(ph));
            im[k] = (double)(mg * sinf(ph));
        }
        for (int i = 0; i < n_fft; i++) {
            int64_t t = (int64_t)f * hop + i - u0;
            if (t < 0 || t >= n) continue;
            double s = re[0];
            for (int k = 1; k < nb; k++) {
                if (2 * k == n_fft) s += re[k] * cs[k * n_fft + i];
                else s += 2.0 * (re[k] * cs[k * n_fft + i] - im[k] * sn[k * n_fft + i]);
            }
            buf[t] += s / n_fft * win[i];
            env[t] += win[i] * win[i];
        }
    }
    for (int64_t t = 0; t < n; t++) y[t] = (float)(env[t] > 1e-11 ? buf[t] / env[t] : 0.0);
    free(buf);
    return 0;
}
