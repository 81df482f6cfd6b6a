/* cmd_normalize.c — `litetts normalize`: runs the text normaliser
 * (text/normalize.h) on TEXT, or on stdin line by line (one output line per
 * input line), and prints the words a voice would say. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "text/normalize.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: litetts normalize [--lang L] [--options LIST] [TEXT]\n"
            "\n"
            "Prints TEXT as the normaliser rewrites it for speech (\"$5.50\" -> \"five dollars and\n"
            "fifty cents\"). Without TEXT, reads stdin and prints one output line per input line.\n"
            "\n"
            "options:\n"
            "  --lang L        a (US English, default), b (UK English); e f h i p j z get Markdown/emoji\n"
            "                  clean-up and symbols only (digits are left for espeak-ng)\n"
            "  --options LIST  rule groups, comma-separated: numbers, money, dates_times, units, web,\n"
            "                  abbreviations, acronyms, symbols, markdown_emoji, roman_numerals, all, none;\n"
            "                  '-name' turns one off (\"-web,-acronyms\"); a list starting with a plain\n"
            "                  name keeps only the listed groups (\"numbers,money\"). Default: all\n"
            "  -h, --help      this help\n");
}

static int run_one(const char *text, size_t len, const lt_normalize_options *opt) {
    lt_norm_result r;
    lt_err err;
    if (lt_normalize_map_n(text, len, opt, &r, &err)) {
        fprintf(stderr, "litetts normalize: %s\n", err.msg);
        return 1;
    }
    fwrite(r.text, 1, r.len, stdout);
    fputc('\n', stdout);
    lt_norm_result_free(&r);
    return 0;
}

int lt_cmd_normalize(int argc, char **argv) {
    lt_normalize_options opt;
    lt_normalize_options_default(&opt);
    const char *text = NULL;
    lt_err err;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[a], "--lang") && a + 1 < argc) {
            const char *l = argv[++a];
            if (strlen(l) != 1 || lt_normalize_check_lang(l[0], &err)) {
                fprintf(stderr, "litetts normalize: --lang '%s' is not a Kokoro language code (a, b, e, f, h, i, p, j, z)\n", l);
                return 2;
            }
            opt.lang = l[0];
        } else if (!strcmp(argv[a], "--options") && a + 1 < argc) {
            if (lt_normalize_options_parse(argv[++a], &opt, &err)) {
                fprintf(stderr, "litetts normalize: --options: %s\n", err.msg);
                return 2;
            }
        } else if (argv[a][0] == '-' && argv[a][1] && !text) {
            fprintf(stderr, "litetts normalize: unknown or incomplete option '%s'\n", argv[a]);
            usage(stderr);
            return 2;
        } else if (!text) {
            text = argv[a];
        } else {
            fprintf(stderr, "litetts normalize: one TEXT argument only (quote it)\n");
            return 2;
        }
    }
    if (text) return run_one(text, strlen(text), &opt);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        if (run_one(line, len, &opt)) rc = 1;
    }
    free(line);
    return rc;
}
