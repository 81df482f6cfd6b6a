/* ffmpeg_api.c — opens FFmpeg's libraries on first use and fills the function
 * table of ffmpeg_api.h. The sonames come from the headers' major versions
 * (libavcodec.so.59 for FFmpeg 5.1), so the table always matches the ABI the
 * encoder was compiled against. */
#include "audio/ffmpeg_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/version.h>
#include <libavformat/version.h>
#include <libavutil/version.h>
#include <libswresample/version.h>

#define SONAME(lib, major) "lib" lib ".so." AV_STRINGIFY(major)

static lt_ffmpeg_api api;
static int loaded;          /* 1: api is complete */
static char load_error[512]; /* why it is not */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    /* Dependencies first: avcodec needs avutil and swresample; avformat needs avcodec. */
    static const char *const libs[] = {
        SONAME("avutil", LIBAVUTIL_VERSION_MAJOR),
        SONAME("swresample", LIBSWRESAMPLE_VERSION_MAJOR),
        SONAME("avcodec", LIBAVCODEC_VERSION_MAJOR),
        SONAME("avformat", LIBAVFORMAT_VERSION_MAJOR),
    };
    void *handles[sizeof libs / sizeof libs[0]];
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        handles[i] = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
        if (!handles[i]) {
            const char *why = dlerror();
            snprintf(load_error, sizeof load_error, "cannot load FFmpeg (%s): %s", libs[i],
                     why ? why : "unknown error");
            return;
        }
    }
    /* Each function is looked up in every library; the first that has it wins. */
#define LT_FFMPEG_RESOLVE(fn)                                                                  \
    {                                                                                          \
        void *sym = NULL;                                                                      \
        for (size_t i = 0; i < sizeof handles / sizeof handles[0] && !sym; i++)                \
            sym = dlsym(handles[i], #fn);                                                      \
        if (!sym) {                                                                            \
            snprintf(load_error, sizeof load_error, "FFmpeg's libraries lack the function %s", \
                     #fn);                                                                     \
            return;                                                                            \
        }                                                                                      \
        memcpy(&api.fn, &sym, sizeof sym);                                                     \
    }
    LT_FFMPEG_FUNCTIONS(LT_FFMPEG_RESOLVE)
#undef LT_FFMPEG_RESOLVE
    api.av_log_set_level(AV_LOG_ERROR);
    loaded = 1;
}

const lt_ffmpeg_api *lt_ffmpeg(lt_err *err) {
    pthread_once(&once, load);
    if (!loaded) {
        lt_fail(err, "%s", load_error);
        return NULL;
    }
    return &api;
}

int lt_ffmpeg_loaded(void) { return loaded; }
