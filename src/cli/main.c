/* main.c — the `litetts` command: dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"say", lt_cmd_say, "speak text or phonemes into a WAV or .npy file"},
    {"convert", lt_cmd_convert, "convert kokoro-v1_0.pth to the native GGUF file (f32/f16/bf16/q8)"},
    {"download", lt_cmd_download, "fetch the official weights, config and voices (resumable, sha256-checked)"},
    {"bench", lt_cmd_bench, "measure speed, memory and quality per weight type"},
    {"normalize", lt_cmd_normalize, "rewrite text as the words to say (numbers, dates, units, URLs, ...)"},
    {"phonemize", lt_cmd_phonemize, "text to misaki phonemes (lexicon + espeak-ng; --lang, --lexicon-dir)"},
    {"serve", lt_cmd_serve, "OpenAI-compatible speech server (POST /v1/audio/speech, streaming, SSE)"},
    {"voices", lt_cmd_voices, "list the voices of a folder with language, gender and grade"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: litetts <command> [options]   (litetts <command> --help for details)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "litetts: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
