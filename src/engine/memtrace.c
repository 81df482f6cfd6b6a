/* memtrace.c — VmRSS / VmHWM at named points of a synthesis (see memtrace.h). */
#include "engine/memtrace.h"

#include <ctype.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void lt_memtrace(const char *where) {
    static int enabled = -1;
    if (enabled < 0) enabled = getenv("LITETTS_MEMTRACE") != NULL;
    if (!enabled) return;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return;
    char line[256];
    long rss = -1, hwm = -1, anon = -1, file = -1;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmRSS:", 6)) rss = strtol(line + 6, NULL, 10);
        else if (!strncmp(line, "VmHWM:", 6)) hwm = strtol(line + 6, NULL, 10);
        else if (!strncmp(line, "RssAnon:", 8)) anon = strtol(line + 8, NULL, 10);
        else if (!strncmp(line, "RssFile:", 8)) file = strtol(line + 8, NULL, 10);
    }
    fclose(f);
    /* the time since the previous point: wall clock and the process's CPU (all threads) */
    static double last_wall = -1, last_cpu;
    struct timespec tw, tc;
    clock_gettime(CLOCK_MONOTONIC, &tw);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &tc);
    double wall = tw.tv_sec + tw.tv_nsec * 1e-9, cpu = tc.tv_sec + tc.tv_nsec * 1e-9;
    if (last_wall < 0) last_wall = wall, last_cpu = cpu;
    fprintf(stderr, "litetts: memtrace: %-28s rss %7.1f MiB (anon %7.1f, file %7.1f)  peak %7.1f MiB  "
            "+%.3f s wall, +%.3f s cpu\n", where, rss / 1024.0, anon / 1024.0, file / 1024.0, hwm / 1024.0,
            wall - last_wall, cpu - last_cpu);
    clock_gettime(CLOCK_MONOTONIC, &tw); /* the trace's own reading of /proc left out */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &tc);
    last_wall = tw.tv_sec + tw.tv_nsec * 1e-9;
    last_cpu = tc.tv_sec + tc.tv_nsec * 1e-9;
#ifdef __GLIBC__
    struct mallinfo2 mi = mallinfo2();
    fprintf(stderr, "    malloc: in use %.1f MiB (of which mmap'd %.1f), free in the heaps %.1f MiB\n",
            (double)(mi.uordblks + mi.hblkhd) / 1048576.0, (double)mi.hblkhd / 1048576.0, (double)mi.fordblks / 1048576.0);
#endif
    if (!getenv("LITETTS_MEMTRACE_MAPS")) return;
    /* the mappings holding more than 1 MiB, from /proc/self/smaps */
    f = fopen("/proc/self/smaps", "r");
    if (!f) return;
    char head[256] = "";
    while (fgets(line, sizeof line, f)) {
        if (isxdigit((unsigned char)line[0]) && strchr(line, '-')) {
            snprintf(head, sizeof head, "%s", line);
        } else if (!strncmp(line, "Rss:", 4)) {
            long kb = strtol(line + 4, NULL, 10);
            if (kb > (getenv("LITETTS_MEMTRACE_MIN") ? atol(getenv("LITETTS_MEMTRACE_MIN")) : 1024)) fprintf(stderr, "    %7.1f MiB  %s", kb / 1024.0, head);
        }
    }
    fclose(f);
}
