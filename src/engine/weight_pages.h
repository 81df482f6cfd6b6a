/* weight_pages.h — handing a finished stage's weight pages back to the kernel.
 *
 * A native (GGUF) model is a read-only file mapping: its pages count in the
 * process's resident set once touched. A synthesis uses the text stages'
 * weights (ALBERT, prosody predictor, text encoder: ~40 % of the file) and the
 * decoder trunk's (~35 %) once each, at its start, and then spends most of its
 * time in the generator. With the policy on, each of those stages, when done,
 * tells the kernel it no longer needs its tensors' pages (madvise
 * MADV_DONTNEED on the read-only mapping: the pages leave the process but stay
 * in the page cache, so the next synthesis maps them again with minor faults,
 * no disk read while memory allows). Peak RSS becomes the largest stage's
 * weights plus activations instead of all weights plus activations.
 *
 * Only tensors inside the model's file mapping are touched (never copies in
 * anonymous memory), and only whole pages inside a tensor. Concurrent
 * syntheses stay correct: a page another thread still reads is simply mapped
 * again on its next access.
 *
 * Cost: the next synthesis maps the pages again, ~1,500 minor faults (the
 * kernel maps 16 pages per fault) for the ~100 MiB released, a few ms against
 * seconds of synthesis; measured equal speed within noise (bench/README.md).
 *
 * Policy (lt_weight_pages_policy, read at model open): on, unless
 * LITETTS_RELEASE_WEIGHTS=0 keeps every page mapped. */
#ifndef LT_ENGINE_WEIGHT_PAGES_H
#define LT_ENGINE_WEIGHT_PAGES_H

#include "engine/tensor.h"

/* 1 unless LITETTS_RELEASE_WEIGHTS=0. */
int lt_weight_pages_policy(void);

/* Release the pages of every mapped tensor whose name starts with one of the
 * NULL-terminated prefixes and not with `except` (may be NULL). Returns the
 * bytes released (page-rounded), 0 when the set has no mapping. */
size_t lt_weight_pages_release(const lt_tensor_set *s, const char *const *prefixes, const char *except);

#endif
