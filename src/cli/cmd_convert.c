/* cmd_convert.c — `litetts convert` (placeholder until implemented). */
#include <stdio.h>

#include "cli/commands.h"

int lt_cmd_convert(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "litetts convert: not implemented yet\n");
    return 1;
}
