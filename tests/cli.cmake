# `litetts say` rejects bad input with a clear message on stderr and a non-zero
# exit (ctest checks the message; the exit code is checked by the wrapper).
set(LT_TINY ${LT_SHARED}/kokoro-golden/tiny)
string(REPEAT "a" 511 LT_LONG_PHONEMES)
function(lt_cli_error name regex)
  add_test(NAME cli_${name}
    COMMAND sh -c "\"$@\" >/dev/null 2>&1 && echo exit=0 || { echo exit=nonzero; \"$@\" 2>&1 >/dev/null; }" _ ${ARGN})
  set_tests_properties(cli_${name} PROPERTIES PASS_REGULAR_EXPRESSION "exit=nonzero[\n]litetts.*(${regex})")
endfunction()
set(LT_SAY $<TARGET_FILE:litetts> say --model ${LT_TINY}/kokoro-tiny.pth -o ${CMAKE_BINARY_DIR}/cli-out.wav)
lt_cli_error(empty_phonemes "phonemes: empty string" ${LT_SAY} --voice ${LT_TINY}/voice.pt --phonemes "   ")
lt_cli_error(too_long "longer than 510 code points" ${LT_SAY} --voice ${LT_TINY}/voice.pt --phonemes ${LT_LONG_PHONEMES})
lt_cli_error(speed "--speed must be a number in 0.25..4" ${LT_SAY} --voice ${LT_TINY}/voice.pt --phonemes "hˈɛloʊ" --speed 5)
lt_cli_error(unknown_voice "voice 'nobody'" ${LT_SAY} --voice nobody --phonemes "hˈɛloʊ")
lt_cli_error(wrong_pack_width "expected.*64|64.*256|256.*64" ${LT_SAY} --voice ${LT_SHARED}/kokoro-voices/af_heart.bin --phonemes "hˈɛloʊ")
lt_cli_error(missing_model "nonexistent" $<TARGET_FILE:litetts> say --model /nonexistent/m.pth --voice x --phonemes "a" -o x.wav)
lt_cli_error(bad_output "must end in .wav or .npy" ${LT_SAY} --voice ${LT_TINY}/voice.pt --phonemes "a" -o out.mp3)
lt_cli_error(noise_shape "noise_001.npy has shape" ${LT_SAY} --voice ${LT_TINY}/voice.pt --phonemes "hˈɛloʊ" --noise-dir ${LT_TINY}/case1)

# a WAV from the CLI: 24 kHz, 16-bit, 600 samples per frame of the golden durations
add_test(NAME cli_say_wav COMMAND sh -c "\"$1\" say --model \"$2\" --voice \"$3\" --phonemes 'hˈɛloʊ wˈɜːld, ðɪs ɪz ɐ tˈɛst.' -o \"$4\" && od -A n -t u4 -j 24 -N 4 \"$4\" && od -A n -t u4 -j 40 -N 4 \"$4\""
  _ $<TARGET_FILE:litetts> ${LT_TINY}/kokoro-tiny.pth ${LT_TINY}/voice.pt ${CMAKE_BINARY_DIR}/cli-say.wav)
set_tests_properties(cli_say_wav PROPERTIES PASS_REGULAR_EXPRESSION "24000[ \n]+76800")

# bench smoke run on the tiny model: one JSON row per weight type with the spec's columns, each
# with its two runs and the three sgemm bursts around them
add_test(NAME cli_bench_smoke
  COMMAND $<TARGET_FILE:litetts> bench --model ${LT_TINY}/kokoro-tiny.pth --voice ${LT_TINY}/voice.pt
          --case ${LT_TINY}/case1 --utterance ${LT_SHARED}/kokoro-golden/bench-utterance.json --quick --threads 1
          --repeat 2 --json)
set_tests_properties(cli_bench_smoke PROPERTIES
  PASS_REGULAR_EXPRESSION "\"gflops_effective\":[0-9.]+,\"sgemm_gflops\":[0-9.]+,\"run_wall_s\":\\[[0-9.]+,[0-9.]+\\],\"sgemm_bursts_gflops\":\\[[0-9.]+,[0-9.]+,[0-9.]+\\].*\"weights\":\"q8_0\".*\"gflops_effective\"")
# thread scaling paired in time: the second thread count's row carries the model's speed-up and the
# machine's (FMA loop), both measured; the first count's row has neither
add_test(NAME cli_bench_scaling
  COMMAND $<TARGET_FILE:litetts> bench --model ${LT_TINY}/kokoro-tiny.pth --voice ${LT_TINY}/voice.pt
          --case ${LT_TINY}/case1 --utterance ${LT_SHARED}/kokoro-golden/bench-utterance.json --quick --threads 1,2
          --types q8 --repeat 1 --no-quality --json)
set_tests_properties(cli_bench_scaling PROPERTIES
  PASS_REGULAR_EXPRESSION "\"threads\":1,[^\n]*\"sgemm_gflops\":[0-9.]+,\"run_wall_s\"[^\n]*[\n]{\"weights\":\"q8_0\",\"threads\":2,[^\n]*\"speedup_paired\":[0-9.]+,\"machine_speedup_paired\":[0-9.]+,")
lt_cli_error(bench_repeat "--repeat must be an integer from 1 to 20" $<TARGET_FILE:litetts> bench --repeat 0)

# text end to end: normalised, phonemised, chunked, spoken; word times point back at the input
add_test(NAME cli_say_text
  COMMAND sh -c "\"$1\" say --model \"$2\" --voice \"$3\" --lexicon-dir \"$4\" --text 'Dr. Smith paid $100 on Jan 5th, 2024.' -o \"$5.wav\" --timestamps \"$5.json\" && cat \"$5.json\""
  _ $<TARGET_FILE:litetts> ${LT_TINY}/kokoro-tiny.pth ${LT_TINY}/voices/af_bella.pt ${LT_SHARED}/misaki-lexicon ${CMAKE_BINARY_DIR}/cli-say-text)
set_tests_properties(cli_say_text PROPERTIES
  PASS_REGULAR_EXPRESSION "\"word\": \"\\$100\",[^}]*\"phonemes\": \"h\\\\u02C8\\\\u028Cnd\\\\u0279\\\\u0259d\"")
lt_cli_error(text_with_hooks "parity hooks" ${LT_SAY} --voice ${LT_TINY}/voice.pt --text "Hi." --noise-dir ${LT_TINY}/case1)

# `serve --print-config`: file < environment < flags, keys redacted, origins shown
file(WRITE ${CMAKE_BINARY_DIR}/serve-settings.json "{\"port\": 9000, \"workers\": 2, \"queue\": 5, \"api_keys\": [\"secret-one\"]}\n")
add_test(NAME cli_serve_print_config
  COMMAND sh -c "LITETTS_QUEUE=7 LITETTS_WORKERS=3 \"$1\" serve --config \"$2\" --model m.pth --workers 4 --print-config | tr -d ' \n'"
  _ $<TARGET_FILE:litetts> ${CMAKE_BINARY_DIR}/serve-settings.json)
set_tests_properties(cli_serve_print_config PROPERTIES
  PASS_REGULAR_EXPRESSION "\"port\":9000,.*\"workers\":4,\"queue\":7,.*\"api_keys\":\\[\"<redacted>\"\\].*\"_origins\":{.*\"port\":\"file\",.*\"workers\":\"flag\",\"queue\":\"env\""
  FAIL_REGULAR_EXPRESSION "secret-one")
file(WRITE ${CMAKE_BINARY_DIR}/serve-settings-bad.json "{\"wokers\": 2}\n")
lt_cli_error(serve_bad_config "unknown key 'wokers' \\(did you mean 'workers'\\?\\)"
  $<TARGET_FILE:litetts> serve --config ${CMAKE_BINARY_DIR}/serve-settings-bad.json --model m.pth)
lt_cli_error(serve_bad_env "LITETTS_PORT.*'port' must be" env LITETTS_PORT=http $<TARGET_FILE:litetts> serve --model m.pth)

# FFmpeg is opened on first use (src/audio/ffmpeg_api.c), never linked: the
# binary's dynamic section must not name libavcodec/libavformat/libswresample.
add_test(NAME cli_ffmpeg_not_linked
  COMMAND sh -c "readelf -d \"$1\" | grep NEEDED | grep -c -E 'libav|libswresample' || true" _ $<TARGET_FILE:litetts>)
set_tests_properties(cli_ffmpeg_not_linked PROPERTIES PASS_REGULAR_EXPRESSION "^0[\n]*$")
