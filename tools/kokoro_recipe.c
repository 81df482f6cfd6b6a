/* kokoro_recipe.c — `kokoro-recipe`: writes the full-size Kokoro model with
 * the README's recipe weights (engine/recipe_weights.h) as a native f32 GGUF,
 * exactly what `litetts convert` makes of a recipe .pth: every tensor of the
 * TSV generated (weight_g / weight_v unfolded, as in the real file), weight
 * norm folded by the same lt_fold_weight_norm as the .pth load path, config
 * embedded.
 *
 *   kokoro-recipe [--tsv PATH] [--config PATH] OUT.gguf
 *
 * Default TSV: $LT_SHARED/kokoro-golden/state-dict-official.tsv when LT_SHARED
 * is set, else ../shared/kokoro-golden/state-dict-official.tsv relative to the
 * current directory (the repository root). Default config:
 * config-official.json in the TSV's directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/progress.h"
#include "engine/config.h"
#include "engine/gguf.h"
#include "engine/recipe_weights.h"
#include "engine/weight_norm.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: kokoro-recipe [--tsv PATH] [--config PATH] [-q] OUT.gguf\n"
            "\n"
            "Generate Kokoro weights by the recipe of kokoro-golden/README.md and write them as\n"
            "LiteTTS's native f32 GGUF (weight norm folded, config embedded), identical to\n"
            "`litetts convert` of a recipe .pth.\n"
            "\n"
            "  --tsv PATH     tensor list (default $LT_SHARED/kokoro-golden/state-dict-official.tsv,\n"
            "                 or ../shared/kokoro-golden/state-dict-official.tsv without LT_SHARED)\n"
            "  --config PATH  config.json to embed (default config-official.json beside the TSV)\n"
            "  -q, --quiet    no progress bar\n");
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *tsv = NULL, *config_path = NULL, *out = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
            quiet = 1;
        } else if (!strcmp(argv[i], "--tsv") || !strcmp(argv[i], "--config")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kokoro-recipe: %s needs a value\n", argv[i]);
                return 2;
            }
            if (argv[i][2] == 't') tsv = argv[++i];
            else config_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kokoro-recipe: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!out) {
            out = argv[i];
        } else {
            fprintf(stderr, "kokoro-recipe: more than one output ('%s' and '%s')\n", out, argv[i]);
            return 2;
        }
    }
    if (!out) {
        usage(stderr);
        return 2;
    }
    char tsv_buf[4096], cfg_buf[4096];
    if (!tsv) {
        const char *shared = getenv("LT_SHARED");
        snprintf(tsv_buf, sizeof tsv_buf, "%s/kokoro-golden/state-dict-official.tsv",
                 shared && *shared ? shared : "../shared");
        tsv = tsv_buf;
    }
    if (!config_path) {
        const char *slash = strrchr(tsv, '/');
        int dir = slash ? (int)(slash - tsv) + 1 : 0;
        snprintf(cfg_buf, sizeof cfg_buf, "%.*sconfig-official.json", dir, tsv);
        config_path = cfg_buf;
    }

    lt_err err = {{0}};
    lt_tensor_set set;
    lt_tensor_set_init(&set);
    char *config = NULL;
    int rc = 1;
    lt_kokoro_config *cfg = malloc(sizeof *cfg);
    if (!cfg) {
        fprintf(stderr, "kokoro-recipe: out of memory\n");
        return 1;
    }
    if (lt_config_load_file(config_path, cfg, &config, &err)) {
        fprintf(stderr, "kokoro-recipe: %s\n", err.msg);
        goto done;
    }
    int tty = isatty(2);
    lt_progress gen = {"generating", "tensors", tty, quiet}, wr = {"writing", "tensors", tty, quiet};
    double t0 = now();
    if (lt_recipe_generate(tsv, &set, lt_progress_draw, &gen, &err)) {
        fprintf(stderr, "kokoro-recipe: %s\n", err.msg);
        goto done;
    }
    size_t unfolded = set.count;
    double t1 = now();
    if (lt_fold_weight_norm(&set, &err)) {
        fprintf(stderr, "kokoro-recipe: %s: %s\n", tsv, err.msg);
        goto done;
    }
    double t2 = now();
    if (lt_gguf_write(out, &set, config, "f32", lt_progress_draw, &wr, &err)) {
        fprintf(stderr, "kokoro-recipe: %s\n", err.msg);
        goto done;
    }
    double t3 = now();
    if (!quiet) {
        size_t params = 0;
        for (size_t i = 0; i < set.count; i++) params += set.items[i].nbytes / 4;
        fprintf(stderr, "wrote %s: %zu tensors (%zu in the TSV, %zu weight-norm pairs folded), "
                "%zu parameters; generate %.2f s, fold %.2f s, write %.2f s\n", out, set.count,
                unfolded, unfolded - set.count, params, t1 - t0, t2 - t1, t3 - t2);
    }
    rc = 0;
done:
    lt_tensor_set_free(&set);
    free(config);
    free(cfg);
    return rc;
}
