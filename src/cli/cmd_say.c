/* cmd_say.c — `litetts say` (placeholder until implemented). */
#include <stdio.h>

#include "cli/commands.h"

int lt_cmd_say(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "litetts say: not implemented yet\n");
    return 1;
}
