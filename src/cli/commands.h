/* commands.h — the litetts subcommands. Each takes the arguments after its
 * name (argv[0] is the subcommand name), prints errors to stderr and returns
 * the process exit status (0 success, 1 runtime error, 2 usage error). */
#ifndef LT_CLI_COMMANDS_H
#define LT_CLI_COMMANDS_H

int lt_cmd_say(int argc, char **argv);
int lt_cmd_convert(int argc, char **argv);
int lt_cmd_download(int argc, char **argv);
int lt_cmd_bench(int argc, char **argv);
int lt_cmd_normalize(int argc, char **argv);
int lt_cmd_phonemize(int argc, char **argv);
int lt_cmd_serve(int argc, char **argv);
int lt_cmd_voices(int argc, char **argv);

#endif
