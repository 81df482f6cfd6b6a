/* speech_req.c — see speech_req.h: field by field checks of a speech body. */
#include "server/speech_req.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/encoder.h"
#include "voice/blend.h"
#include "voice/catalog.h"

#define FAIL(p, ...) (*param = (p), lt_fail(err, __VA_ARGS__))

static size_t utf8_codepoints(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int get_number(const json_t *body, const char *key, double *out) {
    const json_t *j = json_object_get(body, key);
    if (!j || json_is_null(j)) return 0;
    if (!json_is_number(j)) return -1;
    *out = json_number_value(j);
    return 1;
}

/* Kokoro-FastAPI's normalization_options and our own group names → a
 * lt_normalize_options_parse list. Unknown keys are ignored (forward compatible). */
static int parse_normalization(const json_t *o, lt_speech_req *r, const char **param, lt_err *err) {
    static const struct { const char *key, *group; } map[] = {
        {"unit_normalization", "units"},    {"url_normalization", "web"},
        {"email_normalization", "web"},     {"phone_normalization", "web"},
        {"replace_remaining_symbols", "symbols"},
        {"numbers", "numbers"},             {"money", "money"},
        {"dates_times", "dates_times"},     {"units", "units"},
        {"web", "web"},                     {"abbreviations", "abbreviations"},
        {"acronyms", "acronyms"},           {"symbols", "symbols"},
        {"markdown_emoji", "markdown_emoji"}, {"roman_numerals", "roman_numerals"},
    };
    if (!json_is_object(o)) return FAIL("normalization_options", "normalization_options must be an object of booleans");
    const char *key;
    const json_t *val;
    strcpy(r->normalize, "all");
    json_object_foreach((json_t *)o, key, val) {
        if (!json_is_boolean(val))
            return FAIL("normalization_options", "normalization_options.%s must be true or false", key);
        if (!strcmp(key, "normalize")) {
            r->no_normalize = json_is_false(val);
            continue;
        }
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
            if (strcmp(key, map[i].key)) continue;
            size_t len = strlen(r->normalize);
            snprintf(r->normalize + len, sizeof r->normalize - len, ",%s%s", json_is_true(val) ? "+" : "-",
                     map[i].group);
        }
    }
    return 0;
}

int lt_speech_req_parse(const json_t *body, const lt_speech_defaults *def, lt_voices *voices,
                        lt_speech_req *r, const char **param, lt_err *err) {
    memset(r, 0, sizeof *r);
    *param = NULL;
    r->speed = 1;
    r->volume = 1;
    r->stream = def->stream;
    snprintf(r->format, sizeof r->format, "%s", def->format ? def->format : "mp3");
    if (!json_is_object(body)) return FAIL(NULL, "the request body must be a JSON object");

    const json_t *j = json_object_get(body, "model");
    if (j && !json_is_null(j) && !json_is_string(j)) return FAIL("model", "model must be a string");

    j = json_object_get(body, "input");
    if (!j || json_is_null(j)) return FAIL("input", "you must provide 'input', the text to speak");
    if (!json_is_string(j)) return FAIL("input", "input must be a string");
    const char *text = json_string_value(j);
    size_t ncp = utf8_codepoints(text);
    if (ncp == 0 || strspn(text, " \t\r\n") == strlen(text)) return FAIL("input", "input is empty");
    if (ncp > def->max_input)
        return FAIL("input", "input is %zu characters long; the limit is %zu", ncp, def->max_input);

    j = json_object_get(body, "instructions");
    if (j && !json_is_null(j) && (!json_is_string(j) || utf8_codepoints(json_string_value(j)) > 4096))
        return FAIL("instructions", "instructions must be a string of at most 4096 characters");

    j = json_object_get(body, "voice");
    const char *vname = NULL;
    if (json_is_object(j)) j = json_object_get(j, "id");
    if (!j || json_is_null(j)) return FAIL("voice", "you must provide 'voice' (a name or {\"id\": name})");
    if (!json_is_string(j)) return FAIL("voice", "voice must be a string or an object {\"id\": name}");
    vname = json_string_value(j);
    if (voices) {
        lt_err verr;
        if (lt_voices_resolve(voices, vname, r->voice, sizeof r->voice, &verr)) return FAIL("voice", "%s", verr.msg);
    } else {
        lt_blend b;
        lt_err berr;
        if (strlen(vname) >= sizeof r->voice) return FAIL("voice", "voice is too long");
        if (lt_blend_parse(vname, 0, &b, &berr)) return FAIL("voice", "%s", berr.msg);
        snprintf(r->voice, sizeof r->voice, "%s", vname);
    }

    j = json_object_get(body, "response_format");
    if (j && !json_is_null(j)) {
        if (!json_is_string(j) || !lt_encoder_format_known(json_string_value(j)))
            return FAIL("response_format", "response_format must be one of mp3, opus, aac, flac, wav, pcm, ulaw, alaw");
        snprintf(r->format, sizeof r->format, "%s", json_string_value(j));
    }

    double d;
    int got = get_number(body, "speed", &d);
    if (got < 0 || (got && !(d >= 0.25 && d <= 4.0)))
        return FAIL("speed", "speed must be a number from 0.25 to 4.0");
    if (got) r->speed = (float)d;

    got = get_number(body, "volume_multiplier", &d);
    if (got < 0 || (got && !(d > 0 && d <= 10)))
        return FAIL("volume_multiplier", "volume_multiplier must be a number above 0 and at most 10");
    if (got) r->volume = (float)d;

    j = json_object_get(body, "stream");
    if (j && !json_is_null(j)) {
        if (!json_is_boolean(j)) return FAIL("stream", "stream must be true or false");
        r->stream = json_is_true(j);
    }
    j = json_object_get(body, "stream_format");
    if (j && !json_is_null(j)) {
        const char *sf = json_is_string(j) ? json_string_value(j) : "";
        if (!strcmp(sf, "sse"))
            r->sse = r->stream = 1;
        else if (strcmp(sf, "audio"))
            return FAIL("stream_format", "stream_format must be 'audio' or 'sse'");
    }

    j = json_object_get(body, "lang_code");
    if (j && !json_is_null(j)) {
        const char *lc = json_is_string(j) ? json_string_value(j) : "";
        if (strlen(lc) != 1 || !strchr("abefhijpz", lc[0]))
            return FAIL("lang_code", "lang_code must be one of a (US English), b (UK English), e, f, h, i, j, p, z");
        r->lang = lc[0];
    }
    if (!r->lang && voices) r->lang = lt_voices_lang(voices, r->voice);
    if (!r->lang) {
        lt_voice_info info;
        char first[LT_VOICE_NAME_MAX];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(r->voice, "+-("), r->voice);
        lt_voice_info_describe(first, &info);
        r->lang = info.lang;
    }
    if (!r->lang) r->lang = 'a';

    got = get_number(body, "sample_rate", &d);
    if (got < 0 || (got && (d != floor(d) || d < 8000 || d > 48000)))
        return FAIL("sample_rate", "sample_rate must be an integer from 8000 to 48000");
    if (got) {
        if (!strcmp(r->format, "mp3") || !strcmp(r->format, "opus") || !strcmp(r->format, "aac"))
            return FAIL("sample_rate", "sample_rate applies to pcm, wav, flac, ulaw and alaw, not %s", r->format);
        r->sample_rate = (int)d;
    }

    j = json_object_get(body, "normalization_options");
    if (j && !json_is_null(j) && parse_normalization(j, r, param, err)) return -1;

    r->input = strdup(text);
    if (!r->input) return FAIL(NULL, "out of memory");
    return 0;
}

void lt_speech_req_free(lt_speech_req *r) {
    free(r->input);
    r->input = NULL;
}
