/* cmd_voices.c — `litetts voices`: the voice catalog of a folder as a table or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "voice/catalog.h"

int lt_cmd_voices(int argc, char **argv) {
    const char *dir = "models/voices";
    int json = 0;
    static const struct option opts[] = {{"voices", required_argument, 0, 'v'}, {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "v:jh", opts, NULL)) != -1) {
        if (c == 'v') dir = optarg;
        else if (c == 'j') json = 1;
        else if (c == 'h') {
            printf("usage: litetts voices [--voices DIR] [--json]\n\n"
                   "Lists the voices in DIR (default models/voices): .pt, raw .bin and .npz archives, with\n"
                   "language, gender and the grades published in Kokoro's VOICES.md.\n");
            return 0;
        } else return 2;
    }
    lt_voice_catalog cat;
    lt_err err;
    if (lt_voice_catalog_scan(dir, 0, &cat, &err)) {
        fprintf(stderr, "litetts voices: %s\n", err.msg);
        return 1;
    }
    if (json) {
        json_t *arr = json_array();
        for (int i = 0; i < cat.count; i++) {
            const lt_voice_info *v = &cat.voices[i];
            char lang[2] = {v->lang, 0};
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:s}", "id", v->id,
                                                 "name", v->id, "language", v->language, "lang_code",
                                                 v->lang ? lang : NULL, "gender", v->gender, "grade", v->grade,
                                                 "target_grade", v->target_grade, "official", v->official,
                                                 "file", v->path));
        }
        char *s = json_dumps(arr, JSON_INDENT(1));
        printf("%s\n", s);
        free(s);
        json_decref(arr);
    } else {
        printf("%-16s %-4s %-22s %-7s %-6s %s\n", "voice", "lang", "language", "gender", "grade", "file");
        for (int i = 0; i < cat.count; i++) {
            const lt_voice_info *v = &cat.voices[i];
            printf("%-16s %-4c %-22s %-7s %-6s %s%s%s\n", v->id, v->lang ? v->lang : '-',
                   v->language ? v->language : "-", v->gender ? v->gender : "-", v->grade ? v->grade : "-", v->path,
                   v->member[0] ? ":" : "", v->member);
        }
    }
    lt_voice_catalog_free(&cat);
    return 0;
}
