# native_format.cmake — ctest registrations for the native model format:
# kokoro-recipe's full-size output and `litetts convert` of the tiny .pth,
# each checked by test_native_format in its checking modes.
set(LT_NF_TINY ${LT_SHARED}/kokoro-golden/tiny/kokoro-tiny.pth)

if(TARGET kokoro-recipe AND TARGET test_native_format)
  # The full recipe (82 M parameters, 327 MB): generate, fold, write, then load
  # and verify 459 tensors against the recipe and recipe-check.npy.
  add_test(NAME native_format_kokoro_recipe
    COMMAND sh -c "out=\"$0/native-format-recipe.gguf\"; \"$1\" -q --tsv \"$2\" \"$out\" && \"$3\" --recipe-gguf \"$out\"; rc=$?; rm -f \"$out\"; exit $rc"
            ${CMAKE_BINARY_DIR} $<TARGET_FILE:kokoro-recipe>
            ${LT_SHARED}/kokoro-golden/state-dict-official.tsv $<TARGET_FILE:test_native_format>)
  set_tests_properties(native_format_kokoro_recipe PROPERTIES
    ENVIRONMENT "LT_SHARED=${LT_SHARED}" TIMEOUT 300)
endif()

if(TARGET litetts AND TARGET test_native_format)
  foreach(type f32 f16 bf16 q8_0)
    add_test(NAME native_format_convert_${type}
      COMMAND sh -c "out=\"$0/native-format-tiny-$1.gguf\"; \"$2\" convert \"$3\" -o \"$out\" --type $1 && \"$4\" --compare-pth \"$3\" \"$out\" $1; rc=$?; rm -f \"$out\"; exit $rc"
              ${CMAKE_BINARY_DIR} ${type} $<TARGET_FILE:litetts> ${LT_NF_TINY}
              $<TARGET_FILE:test_native_format>)
    set_tests_properties(native_format_convert_${type} PROPERTIES ENVIRONMENT "LT_SHARED=${LT_SHARED}")
  endforeach()
  # The other two container layouts of the same weights give the same tensors.
  foreach(variant newlayout statedict)
    add_test(NAME native_format_convert_${variant}
      COMMAND sh -c "out=\"$0/native-format-$1.gguf\"; \"$2\" convert \"$3\" -o \"$out\" -q && \"$4\" --compare-pth \"$5\" \"$out\" f32; rc=$?; rm -f \"$out\"; exit $rc"
              ${CMAKE_BINARY_DIR} ${variant} $<TARGET_FILE:litetts>
              ${LT_SHARED}/kokoro-golden/tiny/kokoro-tiny-${variant}.pth
              $<TARGET_FILE:test_native_format> ${LT_NF_TINY})
    set_tests_properties(native_format_convert_${variant} PROPERTIES ENVIRONMENT "LT_SHARED=${LT_SHARED}")
  endforeach()
  # GGUF in, another type out (config taken from the embedded copy).
  add_test(NAME native_format_convert_gguf_to_q8
    COMMAND sh -c "a=\"$0/native-format-re-a.gguf\"; b=\"$0/native-format-re-b.gguf\"; \"$1\" convert \"$2\" -o \"$a\" -q && \"$1\" convert \"$a\" -o \"$b\" --type q8 -q && \"$3\" --compare-pth \"$2\" \"$b\" q8_0; rc=$?; rm -f \"$a\" \"$b\"; exit $rc"
            ${CMAKE_BINARY_DIR} $<TARGET_FILE:litetts> ${LT_NF_TINY} $<TARGET_FILE:test_native_format>)
  set_tests_properties(native_format_convert_gguf_to_q8 PROPERTIES ENVIRONMENT "LT_SHARED=${LT_SHARED}")
  # Errors: non-zero exit and a message naming the problem.
  add_test(NAME native_format_convert_errors
    COMMAND sh -c "
      o=$(\"$0\" convert /nonexistent/model.pth -o \"$1/x.gguf\" 2>&1); [ $? -eq 1 ] && echo \"$o\" | grep -q 'cannot open' || { echo \"missing file: $o\"; exit 1; }
      o=$(\"$0\" convert \"$2\" --type q4 2>&1); [ $? -eq 2 ] && echo \"$o\" | grep -q \"unknown --type 'q4'\" || { echo \"bad type: $o\"; exit 1; }
      o=$(\"$0\" convert 2>&1); [ $? -eq 2 ] || { echo \"no input: $o\"; exit 1; }
      o=$(\"$0\" convert \"$2\" -o \"$1/x.gguf\" --config /nonexistent/config.json 2>&1); [ $? -eq 1 ] && echo \"$o\" | grep -q '/nonexistent/config.json' || { echo \"bad config: $o\"; exit 1; }
      o=$(\"$0\" convert \"$3\" -o \"$1/x.gguf\" 2>&1); [ $? -eq 1 ] && echo \"$o\" | grep -q 'not a Kokoro model' || { echo \"not a model: $o\"; exit 1; }
      \"$0\" convert --help | grep -q 'usage: litetts convert' || exit 1
      [ ! -e \"$1/x.gguf\" ]"
    $<TARGET_FILE:litetts> ${CMAKE_BINARY_DIR} ${LT_NF_TINY} ${LT_SHARED}/kokoro-golden/config-official.json)
endif()

if(TARGET kokoro-recipe AND TARGET litetts AND TARGET test_native_format)
  # kokoro-recipe on the tiny model's tensor list writes exactly the bytes that
  # `litetts convert` writes for kokoro-tiny.pth (made by the same recipe).
  add_test(NAME native_format_recipe_equals_convert
    COMMAND sh -c "d=\"$0\"; \"$3\" --write-tiny-tsv \"$d/native-format-tiny.tsv\" && \"$1\" -q --tsv \"$d/native-format-tiny.tsv\" --config \"$4\" \"$d/native-format-tiny-recipe.gguf\" && \"$2\" convert \"$5\" -o \"$d/native-format-tiny-conv.gguf\" -q && cmp \"$d/native-format-tiny-recipe.gguf\" \"$d/native-format-tiny-conv.gguf\"; rc=$?; rm -f \"$d\"/native-format-tiny*; exit $rc"
            ${CMAKE_BINARY_DIR} $<TARGET_FILE:kokoro-recipe> $<TARGET_FILE:litetts>
            $<TARGET_FILE:test_native_format> ${LT_SHARED}/kokoro-golden/tiny/config.json ${LT_NF_TINY})
  set_tests_properties(native_format_recipe_equals_convert PROPERTIES ENVIRONMENT "LT_SHARED=${LT_SHARED}")
endif()
