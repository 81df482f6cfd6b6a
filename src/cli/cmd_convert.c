/* cmd_convert.c — `litetts convert`: turns kokoro-v1_0.pth (or a native
 * .gguf) into the native single-file GGUF model, weight norm folded, config
 * embedded, weights optionally reduced to f16 / bf16 / q8_0 (policy in
 * engine/quant.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/progress.h"
#include "cli/commands.h"
#include "engine/config.h"
#include "engine/gguf.h"
#include "engine/quant.h"
#include "engine/weights_file.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts convert IN.(pth|gguf) [-o OUT.gguf] [--type f32|f16|bf16|q8] [--config config.json]\n"
            "\n"
            "Convert Kokoro weights to LiteTTS's native single-file model (GGUF v3): weight norm\n"
            "folded, config.json embedded, tensors 64-byte aligned for memory mapping.\n"
            "\n"
            "  -o, --output OUT   output file (default: IN's name with .gguf, or -TYPE.gguf for\n"
            "                     reduced types)\n"
            "  -t, --type TYPE    f32 (default, exact), f16, bf16 or q8 (= q8_0: 8-bit blocks of 32\n"
            "                     with an f16 scale; rows that are not whole blocks use f16).\n"
            "                     Biases, norms, embeddings and the F0/N/duration projections,\n"
            "                     conv_post and the harmonic source stay f32 in every type.\n"
            "  -c, --config FILE  config.json to embed (default: config.json beside IN; for a\n"
            "                     .gguf input, the config it embeds)\n"
            "  -q, --quiet        no progress bar\n"
            "  -h, --help         this help\n"
            "\n"
            "A .gguf input can be re-converted to another type (reduced weights are expanded to\n"
            "f32 first, so q8 -> f16 keeps q8's rounding).\n");
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* IN's name with its extension replaced by ".gguf" (f32) or "-TYPE.gguf". */
static char *default_output(const char *in, lt_dtype type) {
    const char *slash = strrchr(in, '/');
    const char *dot = strrchr(in, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - in) : strlen(in);
    const char *suffix = type == LT_F32 ? "" : lt_weight_type_name(type);
    char *out = malloc(stem + strlen(suffix) + 8);
    if (!out) return NULL;
    sprintf(out, "%.*s%s%s.gguf", (int)stem, in, *suffix ? "-" : "", suffix);
    return out;
}

int lt_cmd_convert(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *type_name = "f32", *config_path = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-t") ||
                        !strcmp(a, "--type") || !strcmp(a, "-c") || !strcmp(a, "--config");
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (has_value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "litetts convert: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[1] == 'o' || !strcmp(a, "--output")) out = v;
            else if (a[1] == 't' || !strcmp(a, "--type")) type_name = v;
            else config_path = v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "litetts convert: unknown option '%s' (see litetts convert --help)\n", a);
            return 2;
        } else if (!in) {
            in = a;
        } else {
            fprintf(stderr, "litetts convert: more than one input ('%s' and '%s')\n", in, a);
            return 2;
        }
    }
    if (!in) {
        fprintf(stderr, "litetts convert: no input file\n");
        usage(stderr);
        return 2;
    }
    lt_dtype type;
    if (lt_weight_type_parse(type_name, &type)) {
        fprintf(stderr, "litetts convert: unknown --type '%s': use f32, f16, bf16 or q8\n", type_name);
        return 2;
    }
    char *out_alloc = NULL;
    if (!out) {
        out = out_alloc = default_output(in, type);
        if (!out) {
            fprintf(stderr, "litetts convert: out of memory\n");
            return 1;
        }
        if (!strcmp(out, in)) {
            fprintf(stderr, "litetts convert: the default output %s is the input; name one with -o\n", out);
            free(out_alloc);
            return 2;
        }
    }

    int rc = 1;
    lt_err err = {{0}};
    lt_tensor_set set;
    char *config = NULL, *embedded = NULL;
    lt_kokoro_config *cfg = malloc(sizeof *cfg);
    if (!cfg) {
        fprintf(stderr, "litetts convert: out of memory\n");
        free(out_alloc);
        return 1;
    }
    int tty = isatty(2);
    if (!quiet && tty) fprintf(stderr, "loading     %s\n", in);
    if (lt_weights_load(in, &set, &embedded, &err)) {
        fprintf(stderr, "litetts convert: %s\n", err.msg);
        goto done;
    }
    if (config_path) {
        if (lt_config_load_file(config_path, cfg, &config, &err)) goto config_error;
    } else if (embedded) {
        config = embedded;
        embedded = NULL;
        if (lt_config_parse(config, in, cfg, &err)) goto config_error;
    } else {
        const char *slash = strrchr(in, '/');
        int dir = slash ? (int)(slash - in) + 1 : 0;
        char beside[4096];
        if ((size_t)snprintf(beside, sizeof beside, "%.*sconfig.json", dir, in) >= sizeof beside) {
            fprintf(stderr, "litetts convert: input path too long\n");
            goto done;
        }
        if (lt_config_load_file(beside, cfg, &config, &err)) {
            fprintf(stderr, "litetts convert: %s\n(a .pth holds no config: put config.json beside "
                    "it or pass --config FILE)\n", err.msg);
            goto done;
        }
    }
    if (!ends_with(out, ".gguf") && !quiet)
        fprintf(stderr, "litetts convert: note: %s does not end in .gguf\n", out);

    int reduced_in = 0;
    for (size_t i = 0; i < set.count; i++)
        reduced_in |= set.items[i].dtype == LT_F16 || set.items[i].dtype == LT_BF16 ||
                      set.items[i].dtype == LT_Q8_0;
    if (reduced_in && type == LT_F32 && !quiet)
        fprintf(stderr, "litetts convert: note: %s holds reduced-precision weights; f32 output "
                "keeps their rounding\n", in);
    if (lt_set_to_f32(&set, &err) || lt_quantize_set(&set, type, &err)) {
        fprintf(stderr, "litetts convert: %s: %s\n", in, err.msg);
        goto done;
    }
    lt_progress b = {"converting", "tensors", tty, quiet};
    if (lt_gguf_write(out, &set, config, lt_weight_type_name(type), lt_progress_draw, &b, &err)) {
        if (tty && !quiet) fputc('\n', stderr);
        fprintf(stderr, "litetts convert: %s\n", err.msg);
        goto done;
    }
    if (!quiet) {
        size_t per[LT_DTYPE_COUNT] = {0}, bytes = 0;
        for (size_t i = 0; i < set.count; i++) {
            per[set.items[i].dtype]++;
            bytes += set.items[i].nbytes;
        }
        fprintf(stderr, "wrote %s: %zu tensors, %.1f MB of weights (", out, set.count, bytes / 1e6);
        int first = 1;
        for (int t = 0; t < LT_DTYPE_COUNT; t++)
            if (per[t]) {
                fprintf(stderr, "%s%zu %s", first ? "" : ", ", per[t], lt_dtype_name((lt_dtype)t));
                first = 0;
            }
        fprintf(stderr, ")\n");
    }
    rc = 0;
    goto done;
config_error:
    fprintf(stderr, "litetts convert: %s\n", err.msg);
done:
    lt_tensor_set_free(&set);
    free(config);
    free(embedded);
    free(cfg);
    free(out_alloc);
    return rc;
}
