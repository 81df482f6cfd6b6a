/* scratch.h — the kernels' large transient buffers, kept between calls.
 *
 * A convolution needs megabytes of scratch for the length of one call (packed
 * weights, im2col columns, spectra). Fresh from malloc, such a block comes
 * straight from mmap (glibc hands blocks over its mmap threshold back to the
 * system on free, and the server and bench fix that threshold at 1 MiB), so
 * every call faulted its pages in again: ~60 convolutions of ~2 MiB per q8_0
 * synthesis were 28 000 of its 126 000 page faults on one thread (two threads:
 * 138 000 → 101 000 with the slots). Here each of LT_SCRATCH_SLOTS
 * slots keeps one block at the largest size asked of it; lt_scratch_trim frees
 * the idle ones, and lt_kokoro_synthesize calls it before returning, so that an
 * idle engine holds none of it.
 *
 * A slot is held from lt_scratch_get to lt_scratch_put by one call; a slot that
 * another thread holds (a second synthesis running) gives a plain allocation
 * instead, which put then frees. Blocks are 64-byte aligned. Slots are shared
 * by kernels that never hold them at the same time (one convolution runs at a
 * time per synthesis): slot 0 — the FFT convolution's transformed weights, the
 * 8-bit convolution's packed weights and columns; slot 1 — the FFT
 * convolution's spectra; slot 2 — the direct convolution's packed weights and
 * windows, kept only up to LT_SCRATCH_SLOT2_MAX: the decoder trunk's f16 convs
 * pack 13 MB of float32 weights, which kept through the trunk raised the f16
 * model's peak RSS by 11 MiB, for a fault cost small beside their work. */
#ifndef LT_ENGINE_SCRATCH_H
#define LT_ENGINE_SCRATCH_H

#include <stddef.h>

#define LT_SCRATCH_SLOTS 3
#define LT_SCRATCH_SLOT2_MAX ((size_t)8 << 20)

/* bytes of 64-byte aligned memory, or NULL; *kept says which kind (give it to put). */
void *lt_scratch_get(int slot, size_t bytes, int *kept);
void lt_scratch_put(int slot, void *mem, int kept);
/* Free the blocks no call holds. */
void lt_scratch_trim(void);

#endif
