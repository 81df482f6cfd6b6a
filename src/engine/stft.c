/* stft.c — the two short-time Fourier transforms of the generator, as
 * torch.stft / torch.istft compute them (centred, periodic Hann window,
 * n_fft = win_length). n_fft is tiny (20), so plain DFTs in double are both
 * exact enough and fast enough; the cos/sin tables are computed per call.
 *
 * Forward: the DC and Nyquist bins get an imaginary part of exactly +0.0,
 * so their angle is 0 or +π, never −π (PyTorch's real FFT does the same).
 *
 * lt_istft_range (generator_lowmem.h) is the inverse over a range of samples,
 * for the low-memory generator: same sums in the same order, same samples. */
#include <math.h>
#include <stdlib.h>

#include "engine/generator_lowmem.h"
#include "engine/kokoro_internal.h"

static double hann(int n, int N) { return 0.5 - 0.5 * cos(2.0 * M_PI * n / N); }

int lt_stft_frames(int64_t L, int hop) { return (int)(1 + L / hop); }

void lt_stft_mag_phase(const float *x, int64_t L, int n_fft, int hop, float *mag, float *phase) {
    int frames = lt_stft_frames(L, hop), nb = n_fft / 2 + 1, pad = n_fft / 2;
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
    double frame[64];
    for (int f = 0; f < frames; f++) {
        for (int n = 0; n < n_fft; n++) {
            int64_t i = (int64_t)f * hop + n - pad; /* reflect padding */
            if (i < 0) i = -i;
            if (i >= L) i = 2 * (L - 1) - i;
            frame[n] = (double)x[i] * win[n];
        }
        for (int k = 0; k < nb; k++) {
            double re = 0, im = 0;
            for (int n = 0; n < n_fft; n++) {
                re += frame[n] * cs[k * n_fft + n];
                im -= frame[n] * sn[k * n_fft + n];
            }
            float fr = (float)re, fi = (float)im;
            if (k == 0 || 2 * k == n_fft) fi = +0.0f;
            mag[(int64_t)k * frames + f] = hypotf(fr, fi);
            phase[(int64_t)k * frames + f] = atan2f(fi, fr);
        }
    }
    free(win);
}

int lt_istft(const float *mag, const float *phase, int frames, int n_fft, int hop, float *y) {
    int nb = n_fft / 2 + 1, pad = n_fft / 2;
    int64_t full = (int64_t)n_fft + (int64_t)hop * (frames - 1);
    double *buf = calloc((size_t)(2 * full + (size_t)n_fft * (1 + 2 * (size_t)nb)), sizeof(double));
    if (!buf) return -1;
    double *env = buf + full, *win = env + full, *cs = win + n_fft, *sn = cs + (size_t)nb * n_fft;
    for (int n = 0; n < n_fft; n++) win[n] = (float)hann(n, n_fft);
    for (int k = 0; k < nb; k++)
        for (int n = 0; n < n_fft; n++) {
            double a = 2.0 * M_PI * (double)((int64_t)k * n % n_fft) / n_fft;
            cs[k * n_fft + n] = cos(a);
            sn[k * n_fft + n] = sin(a);
        }
    double re[64], im[64];
    for (int f = 0; f < frames; f++) {
        for (int k = 0; k < nb; k++) {
            float mg = mag[(int64_t)k * frames + f], ph = phase[(int64_t)k * frames + f];
            re[k] = (double)(mg * cosf(ph));
            im[k] = (double)(mg * sinf(ph));
        }
        for (int n = 0; n < n_fft; n++) {
            /* inverse real DFT: the imaginary parts of DC and Nyquist are ignored */
            double s = re[0];
            for (int k = 1; k < nb; k++) {
                if (2 * k == n_fft) s += re[k] * cs[k * n_fft + n];
                else s += 2.0 * (re[k] * cs[k * n_fft + n] - im[k] * sn[k * n_fft + n]);
            }
            int64_t t = (int64_t)f * hop + n;
            buf[t] += s / n_fft * win[n];
            env[t] += win[n] * win[n];
        }
    }
    for (int64_t t = 0; t < (int64_t)hop * (frames - 1); t++) {
        double e = env[t + pad];
        y[t] = (float)(e > 1e-11 ? buf[t + pad] / e : 0.0);
    }
    free(buf);
    return 0;
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
