/* cpu_features.h — what the CPU (and the OS) lets LiteTTS use, from cpuid.
 *
 * A feature is reported only when the CPU has it AND the OS saves the
 * registers it needs (XGETBV: YMM state for AVX/AVX2/FMA/F16C, opmask + ZMM
 * state for AVX-512, tile state for AMX), so a kernel chosen from these flags
 * never faults. On non-x86 builds every flag is 0.
 *
 * The benchmark prints them; kernels can dispatch on them. For testing the
 * fallbacks, the environment variable LITETTS_CPU_DISABLE (a comma list of
 * feature names as lt_cpu_feature_names gives them, or "all") clears flags
 * in what lt_cpu_features_get returns; lt_cpu_detect ignores it.
 *
 *   const lt_cpu_features *f = lt_cpu_features_get();
 *   if (f->avx512f && f->avx512bw) { ... }
 */
#ifndef LT_CORE_CPU_FEATURES_H
#define LT_CORE_CPU_FEATURES_H

#include <stddef.h>

typedef struct lt_cpu_features {
    char vendor[13];  /* "GenuineIntel", "AuthenticAMD", "" off x86 */
    char brand[49];   /* "Intel(R) Xeon(R) ...", trimmed; "" when unknown */
    int family, model, stepping;
    /* x86 SIMD, each 0 or 1 */
    int sse2, sse3, ssse3, sse41, sse42, popcnt;
    int avx, avx2, fma, f16c, bmi2;
    int avx512f, avx512dq, avx512cd, avx512bw, avx512vl;
    int avx512_vnni, avx512_bf16, avx512_fp16, avx512_vbmi;
    int avx_vnni;                 /* VEX-encoded VNNI (Alder Lake, Zen 5) */
    int amx_tile, amx_int8, amx_bf16;
} lt_cpu_features;

/* Query the CPU now (no caching, no environment). */
void lt_cpu_detect(lt_cpu_features *out);

/* The process-wide, cached result of lt_cpu_detect with LITETTS_CPU_DISABLE
 * applied (read once, on the first call; thread-safe). Never NULL. */
const lt_cpu_features *lt_cpu_features_get(void);

/* Names, in a fixed order, of the features lt_cpu_feature_flag knows:
 * "sse2" ... "amx_bf16" (lowercase, as Linux's /proc/cpuinfo spells them,
 * except "avx512_vnni"/"avx512_bf16"/"avx512_fp16"/"avx512_vbmi" with an
 * underscore). NULL-terminated. */
extern const char *const lt_cpu_feature_names[];

/* A feature's flag by name; -1 for an unknown name. */
int lt_cpu_feature_flag(const lt_cpu_features *f, const char *name);

/* Space-separated names of the features that are set, in the order of
 * lt_cpu_feature_names, restricted to `only` (a NULL-terminated list of
 * names) when not NULL. Always NUL-terminated; returns buf. */
char *lt_cpu_features_str(const lt_cpu_features *f, const char *const *only, char *buf, size_t len);

#endif
