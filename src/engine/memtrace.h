/* memtrace.h — a debugging aid for memory: with LITETTS_MEMTRACE set in the
 * environment, lt_memtrace("where") prints to stderr, in MiB, the process's
 * resident size now (VmRSS: anonymous + file-backed, the mapped weights being
 * file-backed), its high-water mark so far (VmHWM, what ru_maxrss reports) and
 * glibc's malloc statistics (live bytes; free bytes the heaps still hold),
 * and the wall-clock and CPU seconds (all threads) since the previous point,
 * so that each stage's time and its use of the threads show side by side.
 * LITETTS_MEMTRACE_MAPS=1 adds every mapping with more than 1 MiB resident
 * (LITETTS_MEMTRACE_MIN=KiB changes the floor). Costs one getenv when unset.
 * kokoro.c calls it between stages, generator*.c inside the generator. */
#ifndef LT_ENGINE_MEMTRACE_H
#define LT_ENGINE_MEMTRACE_H

void lt_memtrace(const char *where);

#endif
