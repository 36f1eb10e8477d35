# lodestone_fuzzer(NAME SOURCES ... LIBS ... CORPUS dir [SECONDS n])
# Every parser of outside bytes has one. With LODESTONE_FUZZ (clang) it is a libFuzzer binary and
# ctest runs it for a fixed budget, seeded by the committed corpus (new inputs go to a scratch
# directory, never into the source tree). The mutation seed is fixed so `make test` is
# repeatable; fuzz longer with a random seed by hand (README) and commit what it finds to the
# corpus. Without LODESTONE_FUZZ, a replay main runs the corpus once.
# lodestone_fuzz_instrument(TARGET): a library a fuzz target exercises gets libFuzzer's coverage
# instrumentation (-fsanitize=fuzzer-no-link) when LODESTONE_FUZZ is on, so the fuzzer is guided
# by the parser's branches and not only by its harness's.
function(lodestone_fuzz_instrument target)
  if(LODESTONE_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

function(lodestone_fuzzer name)
  cmake_parse_arguments(F "" "CORPUS;SECONDS" "SOURCES;LIBS" ${ARGN})
  if(NOT F_SECONDS)
    set(F_SECONDS 5)
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS} lodestone::options)
  if(LODESTONE_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set(scratch "${CMAKE_CURRENT_BINARY_DIR}/${name}-scratch")
    add_test(NAME fuzz.${name}
             COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                     $<TARGET_FILE:${name}> -seed=20260209 -max_total_time=${F_SECONDS} -timeout=10 -rss_limit_mb=2048
                     -print_final_stats=0 ${scratch} ${F_CORPUS})
    set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT 120 LABELS fuzz)
    file(MAKE_DIRECTORY ${scratch})
  else()
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support/fuzz_replay_main.cpp)
    add_test(NAME fuzz.${name} COMMAND $<TARGET_FILE:${name}> ${F_CORPUS})
    set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT 120 LABELS fuzz)
  endif()
endfunction()
