# test_kernels once more per instruction set and thread count: the AVX2 path,
# the portable path, and a single thread (the default run uses the best ISA).
foreach(variant "avx2;LITETTS_CPU_DISABLE=avx512f" "generic;LITETTS_CPU_DISABLE=all" "1thread;LITETTS_THREADS=1")
  list(GET variant 0 tag)
  list(GET variant 1 env)
  add_test(NAME test_kernels_${tag} COMMAND test_kernels)
  set_tests_properties(test_kernels_${tag} PROPERTIES ENVIRONMENT "${env}")
endforeach()
