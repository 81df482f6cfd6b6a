/* cmd_download.c — `litetts download` (placeholder until implemented). */
#include <stdio.h>

#include "cli/commands.h"

int lt_cmd_download(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "litetts download: not implemented yet\n");
    return 1;
}
