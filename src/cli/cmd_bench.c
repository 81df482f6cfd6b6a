/* cmd_bench.c — `litetts bench` (placeholder until implemented). */
#include <stdio.h>

#include "cli/commands.h"

int lt_cmd_bench(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "litetts bench: not implemented yet\n");
    return 1;
}
