/* manifest.c — the pinned table of official Kokoro v1.0 and misaki files (see
 * manifest.h for the URL and directory layout).
 *
 * Where the digests come from (looked up in public sources; each value was
 * seen in at least two independent places unless noted):
 *  - kokoro-v1_0.pth 496dba11…: the Hugging Face LFS sha256 of hexgrad/Kokoro-82M
 *    (revision f3ff3571791e39611d31c381e3a41a3af07b4987), quoted identically by
 *    many downstream download scripts and pinned manifests; size 327,212,226.
 *  - config.json 5abb01e2…: sha256 of the 2,351-byte file in the same revision,
 *    pinned identically by several downstream projects (e.g. the file_checksums
 *    table of Sharrnah/whispering Models/TTS/kokoro_tts.py).
 *  - voices/<name>.pt: the full 64-digit digests of all 54 packs come from
 *    Sharrnah/whispering Models/TTS/kokoro_tts.py; the 28 English ones (and their
 *    sizes) also match a second, independent pinned manifest, several others
 *    match further projects, and every one of the 54 begins with the 8-digit
 *    prefix that hexgrad's own VOICES.md publishes for that voice.
 *  - lexicons: computed here from hexgrad/misaki at commit
 *    fba1236595f2d2bf21d414ba6e57d25256afada3 (misaki/data/<name>.json, last changed
 *    in e820629), and equal to the digests other projects pin for misaki 0.9.4.
 * The files are fetched from branch "main"; should upstream ever change one,
 * verification fails loudly rather than accepting different bytes. */
#include "download/manifest.h"

#include <stdio.h>
#include <string.h>

#define VOICE(n, sz, sha) {n, "voices/" n ".pt", "voices/" n ".pt", LT_SRC_KOKORO, LT_DL_VOICES, sz, sha}
#define LEXICON(n, sz, sha) {n, "lexicons/" n, n, LT_SRC_MISAKI, LT_DL_LEXICONS, sz, sha}

static const lt_manifest_entry ENTRIES[] = {
    {"kokoro-v1_0.pth", "kokoro-v1_0.pth", "kokoro-v1_0.pth", LT_SRC_KOKORO, LT_DL_WEIGHTS, 327212226,
     "496dba118d1a58f5f3db2efc88dbdc216e0483fc89fe6e47ee1f2c53f18ad1e4"},
    {"config.json", "config.json", "config.json", LT_SRC_KOKORO, LT_DL_WEIGHTS, 2351,
     "5abb01e2403b072bf03d04fde160443e209d7a0dad49a423be15196b9b43c17f"},
    /* The 54 v1.0 voices; size 0 = not published where the digest was found. */
    VOICE("af_alloy", 523425, "6d877149dd8b348fbad12e5845b7e43d975390e9f3b68a811d1d86168bef5aa3"),
    VOICE("af_aoede", 523425, "c03bd1a4c3716c2d8eaa3d50022f62d5c31cfbd6e15933a00b17fefe13841cc4"),
    VOICE("af_bella", 523425, "8cb64e02fcc8de0327a8e13817e49c76c945ecf0052ceac97d3081480e8e48d6"),
    VOICE("af_heart", 523425, "0ab5709b8ffab19bfd849cd11d98f75b60af7733253ad0d67b12382a102cb4ff"),
    VOICE("af_jessica", 523435, "cdfdccb8cc975aa34ee6b89642963b0064237675de0e41a30ae64cc958dd4e87"),
    VOICE("af_kore", 523420, "8bfbc512321c3db49dff984ac675fa5ac7eaed5a96cc31104d3a9080e179d69d"),
    VOICE("af_nicole", 523430, "c5561808bcf5250fe8c5f5de32caf2d94f27e57e95befdb098c5c85991d4c5da"),
    VOICE("af_nova", 523420, "e0233676ddc21908c37a1f102f6b88a59e4e5c1bd764983616eb9eda629dbcd2"),
    VOICE("af_river", 523425, "e149459bd9c084416b74756b9bd3418256a8b839088abb07d463730c369dab8f"),
    VOICE("af_sarah", 523425, "49bd364ea3be9eb3e9685e8f9a15448c4883112a7c0ff7ab139fa4088b08cef9"),
    VOICE("af_sky", 523351, "c799548aed06e0cb0d655a85a01b48e7f10484d71663f9a3045a5b9362e8512c"),
    VOICE("am_adam", 523420, "ced7e284aba12472891be1da3ab34db84cc05cc02b5889535796dbf2d8b0cb34"),
    VOICE("am_echo", 523420, "8bcfdc852bc985fb45c396c561e571ffb9183930071f962f1b50df5c97b161e8"),
    VOICE("am_eric", 523420, "ada66f0eefff34ec921b1d7474d7ac8bec00cd863c170f1c534916e9b8212aae"),
    VOICE("am_fenrir", 523430, "98e507eca1db08230ae3b6232d59c10aec9630022d19accac4f5d12fcec3c37a"),
    VOICE("am_liam", 523420, "c82550757ddb31308b97f30040dda8c2d609a9e2de6135848d0a948368138518"),
    VOICE("am_michael", 523435, "9a443b79a4b22489a5b0ab7c651a0bcd1a30bef675c28333f06971abbd47bd37"),
    VOICE("am_onyx", 523420, "e8452be16cd0f6da7b4579eaf7b1e4506e92524882053d86d72b96b9a7fed584"),
    VOICE("am_puck", 523420, "dd1d8973f4ce4b7d8ae407c77a435f485dabc052081b80ea75c4f30b84f36223"),
    VOICE("am_santa", 523425, "7f2f7582fa2b1f160e90aafe6d0b442a685e773608b6667e545d743b073e97a7"),
    VOICE("bf_alice", 523425, "d292651b6af6c0d81705c2580dcb4463fccc0ff7b8d618a471dbb4e45655b3f3"),
    VOICE("bf_emma", 523420, "d0a423deabf4a52b4f49318c51742c54e21bb89bbbe9a12141e7758ddb5da701"),
    VOICE("bf_isabella", 523440, "cdd4c37003805104d1d08fb1e05855c8fb2c68de24ca6e71f264a30aaa59eefd"),
    VOICE("bf_lily", 523420, "6e09c2e481e2d53004d7e5ae7d3a325369e130a6f45c35a6002de75084be9285"),
    VOICE("bm_daniel", 523430, "fc3fce4e9c12ed4dbc8fa9680cfe51ee190a96444ce7c3ad647549a30823fc5d"),
    VOICE("bm_fable", 523425, "d44935f3135257a9064df99f007fc1342ff1aa767552b4a4fa4c3b2e6e59079c"),
    VOICE("bm_george", 523430, "f1bc812213dc59774769e5c80004b13eeb79bd78130b11b2d7f934542dab811b"),
    VOICE("bm_lewis", 523425, "b5204750dcba01029d2ac9cec17aec3b20a6d64073c579d694a23cb40effbd0e"),
    VOICE("ef_dora", 0, "d9d69b0f8a2b87a345f269d89639f89dfbd1a6c9da0c498ae36dd34afcf35530"),
    VOICE("em_alex", 0, "5eac53f767c3f31a081918ba531969aea850bed18fe56419b804d642c6973431"),
    VOICE("em_santa", 0, "aa8620cb96cec705823efca0d956a63e158e09ad41aca934d354b7f0778f63cb"),
    VOICE("ff_siwis", 0, "8073bf2d2c4b9543a90f2f0fd2144de4ed157e2d4b79ddeb0d5123066171fbc9"),
    VOICE("hf_alpha", 0, "06906fe05746d13a79c5c01e21fd7233b05027221a933c9ada650f5aafc8f044"),
    VOICE("hf_beta", 0, "63c0a1a6272e98d43f4511bba40e30dd9c8ceaf5f39af869509b9f51a71c503e"),
    VOICE("hm_omega", 0, "b55f02a8e8483fffe0afa566e7d22ed8013acf47ad4f6bbee2795a840155703e"),
    VOICE("hm_psi", 0, "2f0f055cea4f1083f4ef127ece48d71606347f6557dbb961c0ca5740a2da485b"),
    VOICE("if_sara", 0, "6c0b253b955fe32f1a1a86006aebe83d050ea95afd0e7be15182f087deedbf55"),
    VOICE("im_nicola", 0, "234ed06648649f9bd874b37508ea17560b9c993ef85b4ddb3e3a71e062bd2c12"),
    VOICE("jf_alpha", 0, "1bf4c9dc69e45ee46183b071f4db766349aac5592acbcfeaf051018048a5d787"),
    VOICE("jf_gongitsune", 0, "1b171917f18f351e65f2bf9657700cd6bfec4e65589c297525b9cf3c20105770"),
    VOICE("jf_nezumi", 0, "d83f007a7f01783b77014561a7d493d327a0210e143440e91c9b697590d27661"),
    VOICE("jf_tebukuro", 0, "0d6917904438aec85f73a6fa1f7ac2be6481aae47c697834936930a91796c576"),
    VOICE("jm_kumo", 0, "98340afd68b1cee84fe0cd95528cfa6d4b39e416aa75a9df64049d52c8b55896"),
    VOICE("pf_dora", 0, "07e4ff987c5d5a8c3995efd15cc4f0db7c4c15e881b198d8ab7f67ecf51f5eb7"),
    VOICE("pm_alex", 0, "cf0ba8c573c2480fc54123683a35cf1e2ae130428e441eb91f9149bdb188a526"),
    VOICE("pm_santa", 0, "d42103169c5c872abbafb9129133af7e942bb9d272c3cc3b95c203e7d7198c29"),
    VOICE("zf_xiaobei", 0, "9b76be63dab4f4f96962030acc0126a9aee9728608fbbe115e2b58a2bd504df6"),
    VOICE("zf_xiaoni", 0, "95b49f169bf1640f4f43c25e13daa39f7b98d15d00823e83ef5c14b3ced59e49"),
    VOICE("zf_xiaoxiao", 0, "cfaf6f2ded1ee56f1ff94fcd2b0e6cdf32e5b794bdc05b44e7439d44aef5887c"),
    VOICE("zf_xiaoyi", 0, "b5235dbaeef85a4c613bf78af9a88ff63c25bac5f26ba77e36186d8b7ebf05e2"),
    VOICE("zm_yunjian", 0, "76cbf8bad35901d011d9628a2fdceb7b4f1f127e7a3269cb393b3941eb7fc417"),
    VOICE("zm_yunxi", 0, "dbe6e1ce7c3dbaf2f5667432947b638b1c6831ccbe154c4610dbcc44f431e27b"),
    VOICE("zm_yunxia", 0, "bb2b03b08e84d64e1214440ce3b624987fac177f2eeb5bab8571799a3d980acd"),
    VOICE("zm_yunyang", 0, "5238ac22e0c7f8b6cdd2eddd6e444b8a700b73c4674d9a047d59a94ff96379a2"),
    LEXICON("us_gold.json", 3000469, "dc414872a49a28ae6c141463d502fd945f3b2fde040484fdc47d00cc4612686f"),
    LEXICON("us_silver.json", 3099517, "de8f67be911bb6c659187b4a65fd966b6a30e56350e0f790d763210b053ac475"),
    LEXICON("gb_gold.json", 2838552, "29e62f4b60261c88f7f3c2c7811ca3825978948090b72d2b27d565b729282f71"),
    LEXICON("gb_silver.json", 3663898, "48131e2d92ccc41655f4543e87e0f938e71463eb5a54be7f0693bb712ebb6bce"),
};

size_t lt_manifest_count(void) { return sizeof ENTRIES / sizeof ENTRIES[0]; }

const lt_manifest_entry *lt_manifest_at(size_t i) { return i < lt_manifest_count() ? &ENTRIES[i] : NULL; }

const lt_manifest_entry *lt_manifest_find_voice(const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < lt_manifest_count(); i++)
        if (ENTRIES[i].group == LT_DL_VOICES && !strcmp(ENTRIES[i].name, name)) return &ENTRIES[i];
    return NULL;
}

const lt_manifest_entry *lt_manifest_find_path(const char *path) {
    if (!path) return NULL;
    for (size_t i = 0; i < lt_manifest_count(); i++)
        if (!strcmp(ENTRIES[i].path, path)) return &ENTRIES[i];
    return NULL;
}

const char *lt_manifest_source_host(lt_dl_source s) {
    return s == LT_SRC_MISAKI ? "https://raw.githubusercontent.com" : "https://huggingface.co";
}

const char *lt_manifest_source_prefix(lt_dl_source s) {
    return s == LT_SRC_MISAKI ? "hexgrad/misaki/main/misaki/data" : "hexgrad/Kokoro-82M/resolve/main";
}

int lt_manifest_url(const lt_manifest_entry *e, const char *base, char *out, size_t cap, lt_err *err) {
    const char *host = base && *base ? base : lt_manifest_source_host(e->source);
    size_t hl = strlen(host);
    while (hl > 0 && host[hl - 1] == '/') hl--;
    int n = snprintf(out, cap, "%.*s/%s/%s", (int)hl, host, lt_manifest_source_prefix(e->source), e->remote);
    if (n < 0 || (size_t)n >= cap)
        return lt_fail(err, "%s: the download URL built from base '%s' is longer than %zu bytes", e->path, host,
                       cap ? cap - 1 : 0);
    return 0;
}

static const struct {
    const char *word;
    unsigned bit;
} GROUPS[] = {{"weights", LT_DL_WEIGHTS}, {"voices", LT_DL_VOICES}, {"lexicons", LT_DL_LEXICONS}};

int lt_manifest_parse_groups(const char *s, unsigned *groups, lt_err *err) {
    unsigned g = 0;
    const char *p = s ? s : "";
    for (;;) {
        size_t len = strcspn(p, ",");
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof GROUPS / sizeof GROUPS[0]; i++)
            if (strlen(GROUPS[i].word) == len && !strncmp(p, GROUPS[i].word, len)) bit = GROUPS[i].bit;
        if (!bit)
            return lt_fail(err, "--only: unknown group '%.*s' (expected weights, voices or lexicons, "
                                "or a comma-separated list of them)",
                           (int)len, p);
        g |= bit;
        if (!p[len]) break;
        p += len + 1;
    }
    *groups = g;
    return 0;
}

const char *lt_manifest_group_name(unsigned group) {
    for (size_t i = 0; i < sizeof GROUPS / sizeof GROUPS[0]; i++)
        if (GROUPS[i].bit == group) return GROUPS[i].word;
    return "?";
}
