# The official OpenAI SDK (npm "openai", lockfile in tests/client) as a real
# client of `litetts serve` on the tiny model; contacts only 127.0.0.1.
add_test(NAME client_openai_sdk
  COMMAND ${CMAKE_SOURCE_DIR}/tests/client/run.sh $<TARGET_FILE:litetts> ${LT_SHARED}/kokoro-golden/tiny/kokoro-tiny.pth
          ${LT_SHARED}/kokoro-golden/tiny/voices ${LT_SHARED}/misaki-lexicon)
set_tests_properties(client_openai_sdk PROPERTIES PASS_REGULAR_EXPRESSION "all ok" TIMEOUT 300)
