/* cpu_features.c — cpuid / xgetbv feature detection (see cpu_features.h). */
#include "core/cpu_features.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define LT_X86 1
#else
#define LT_X86 0
#endif

const char *const lt_cpu_feature_names[] = {
    "sse2",        "sse3",        "ssse3",       "sse4_1",      "sse4_2",   "popcnt",   "avx",
    "avx2",        "fma",         "f16c",        "bmi2",        "avx512f",  "avx512dq", "avx512cd",
    "avx512bw",    "avx512vl",    "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vbmi",
    "avx_vnni",    "amx_tile",    "amx_int8",    "amx_bf16",    NULL};

/* The flag of lt_cpu_feature_names[i] (same order). */
static int *flag_at(lt_cpu_features *f, int i) {
    int *flags[] = {&f->sse2,        &f->sse3,        &f->ssse3,       &f->sse41,    &f->sse42,    &f->popcnt,
                    &f->avx,         &f->avx2,        &f->fma,         &f->f16c,     &f->bmi2,     &f->avx512f,
                    &f->avx512dq,    &f->avx512cd,    &f->avx512bw,    &f->avx512vl, &f->avx512_vnni,
                    &f->avx512_bf16, &f->avx512_fp16, &f->avx512_vbmi, &f->avx_vnni, &f->amx_tile,
                    &f->amx_int8,    &f->amx_bf16};
    return flags[i];
}

static int name_index(const char *name) {
    for (int i = 0; lt_cpu_feature_names[i]; i++)
        if (!strcmp(lt_cpu_feature_names[i], name)) return i;
    return -1;
}

int lt_cpu_feature_flag(const lt_cpu_features *f, const char *name) {
    int i = name_index(name);
    return i < 0 ? -1 : *flag_at((lt_cpu_features *)f, i);
}

char *lt_cpu_features_str(const lt_cpu_features *f, const char *const *only, char *buf, size_t len) {
    if (!len) return buf;
    buf[0] = 0;
    size_t used = 0;
    for (int i = 0; lt_cpu_feature_names[i]; i++) {
        const char *nm = lt_cpu_feature_names[i];
        if (only) {
            int listed = 0;
            for (const char *const *o = only; *o && !listed; o++) listed = !strcmp(*o, nm);
            if (!listed) continue;
        }
        if (!*flag_at((lt_cpu_features *)f, i)) continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", nm);
        if (n < 0 || (size_t)n >= len - used) {
            buf[used] = 0; /* keep whole names only */
            break;
        }
        used += (size_t)n;
    }
    return buf;
}

#if LT_X86
static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0)); /* xgetbv, ecx = 0 */
    return ((uint64_t)hi << 32) | lo;
}
#endif

void lt_cpu_detect(lt_cpu_features *f) {
    memset(f, 0, sizeof *f);
#if LT_X86
    unsigned a, b, c, d;
    unsigned max = (unsigned)__get_cpuid_max(0, NULL);
    if (max == 0) return;
    __cpuid(0, a, b, c, d);
    memcpy(f->vendor, &b, 4);
    memcpy(f->vendor + 4, &d, 4);
    memcpy(f->vendor + 8, &c, 4);
    f->vendor[12] = 0;

    __cpuid(1, a, b, c, d);
    unsigned fam = (a >> 8) & 15, mod = (a >> 4) & 15;
    if (fam == 15) fam += (a >> 20) & 255;
    if (fam == 6 || fam >= 15) mod |= ((a >> 16) & 15) << 4;
    f->family = (int)fam;
    f->model = (int)mod;
    f->stepping = (int)(a & 15);
    f->sse2 = (d >> 26) & 1;
    f->sse3 = c & 1;
    f->ssse3 = (c >> 9) & 1;
    f->sse41 = (c >> 19) & 1;
    f->sse42 = (c >> 20) & 1;
    f->popcnt = (c >> 23) & 1;
    int osxsave = (c >> 27) & 1, cpu_avx = (c >> 28) & 1, cpu_fma = (c >> 12) & 1, cpu_f16c = (c >> 29) & 1;
    uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    int os_ymm = (xcr0 & 0x6) == 0x6;             /* SSE + AVX state */
    int os_zmm = os_ymm && (xcr0 & 0xE0) == 0xE0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    int os_amx = (xcr0 & 0x60000) == 0x60000;     /* XTILECFG, XTILEDATA */
    f->avx = cpu_avx && os_ymm;
    f->fma = cpu_fma && f->avx;
    f->f16c = cpu_f16c && f->avx;

    if (max >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        unsigned sub = a;
        f->avx2 = ((b >> 5) & 1) && f->avx;
        f->bmi2 = (b >> 8) & 1;
        f->avx512f = ((b >> 16) & 1) && os_zmm;
        f->avx512dq = ((b >> 17) & 1) && f->avx512f;
        f->avx512cd = ((b >> 28) & 1) && f->avx512f;
        f->avx512bw = ((b >> 30) & 1) && f->avx512f;
        f->avx512vl = ((b >> 31) & 1) && f->avx512f;
        f->avx512_vbmi = ((c >> 1) & 1) && f->avx512f;
        f->avx512_vnni = ((c >> 11) & 1) && f->avx512f;
        f->avx512_fp16 = ((d >> 23) & 1) && f->avx512f;
        f->amx_bf16 = ((d >> 22) & 1) && os_amx;
        f->amx_tile = ((d >> 24) & 1) && os_amx;
        f->amx_int8 = ((d >> 25) & 1) && os_amx;
        if (sub >= 1) {
            __cpuid_count(7, 1, a, b, c, d);
            f->avx_vnni = ((a >> 4) & 1) && f->avx;
            f->avx512_bf16 = ((a >> 5) & 1) && f->avx512f;
        }
    }

    if ((unsigned)__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {
        unsigned r[12];
        for (unsigned i = 0; i < 3; i++) __cpuid(0x80000002u + i, r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]);
        char raw[49];
        memcpy(raw, r, 48);
        raw[48] = 0;
        /* trim and collapse runs of spaces */
        size_t o = 0;
        for (size_t i = 0; raw[i]; i++) {
            if (raw[i] == ' ' && (o == 0 || f->brand[o - 1] == ' ')) continue;
            f->brand[o++] = raw[i];
        }
        while (o && f->brand[o - 1] == ' ') o--;
        f->brand[o] = 0;
    }
#endif
}

static lt_cpu_features cached;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_cached(void) {
    lt_cpu_detect(&cached);
    const char *off = getenv("LITETTS_CPU_DISABLE");
    if (!off || !*off) return;
    char list[512];
    snprintf(list, sizeof list, "%s", off);
    char *save = NULL;
    for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (!strcmp(tok, "all")) {
            for (int i = 0; lt_cpu_feature_names[i]; i++) *flag_at(&cached, i) = 0;
            continue;
        }
        int i = name_index(tok);
        if (i >= 0) *flag_at(&cached, i) = 0;
    }
    /* what depends on a disabled feature goes with it */
    if (!cached.avx) cached.avx2 = cached.fma = cached.f16c = cached.avx_vnni = 0;
    if (!cached.avx2) cached.avx512f = 0;
    if (!cached.avx512f)
        cached.avx512dq = cached.avx512cd = cached.avx512bw = cached.avx512vl = cached.avx512_vnni =
            cached.avx512_bf16 = cached.avx512_fp16 = cached.avx512_vbmi = 0;
}

const lt_cpu_features *lt_cpu_features_get(void) {
    pthread_once(&once, init_cached);
    return &cached;
}
