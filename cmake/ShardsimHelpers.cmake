# Shared compile settings and small helpers for shardsim targets.

add_library(shardsim_warnings INTERFACE)
target_compile_options(shardsim_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wold-style-cast -Wcast-align)
if(SHARDSIM_WERROR)
  target_compile_options(shardsim_warnings INTERFACE -Werror)
endif()
if(SHARDSIM_SANITIZE)
  target_compile_options(shardsim_warnings INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(shardsim_warnings INTERFACE -fsanitize=address,undefined)
endif()

# Test sources in a sanitizer build: AddressSanitizer only. UndefinedBehaviorSanitizer's checks
# tripled the compile time of test code at -O0 (41.7 s -> 13.0 s user for malformed_test.cc); the
# product code -- libraries and CLI -- keeps both sanitizers, and the test executables link both
# runtimes. Linked after shardsim_warnings, so its option comes after -fsanitize=address,undefined.
add_library(shardsim_test_flags INTERFACE)
if(SHARDSIM_SANITIZE)
  target_compile_options(shardsim_test_flags INTERFACE -fno-sanitize=undefined)
endif()

# shardsim_add_library(NAME SOURCES... [DEPS ...]) -> target shardsim_NAME, alias shardsim::NAME.
function(shardsim_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(shardsim_${name} STATIC ${ARG_SOURCES})
  add_library(shardsim::${name} ALIAS shardsim_${name})
  target_include_directories(shardsim_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(shardsim_${name} PUBLIC ${ARG_DEPS} PRIVATE shardsim_warnings)
  shardsim_unity(shardsim_${name})
endfunction()

# With SHARDSIM_UNITY_BUILD, a target's sources compile in batches of up to 8 per translation unit:
# headers are parsed once per batch instead of once per file (about half the CPU of a full build,
# which is what CI pays twice). Names at namespace scope (also in anonymous namespaces) must then
# be unique across the files of one target. Developers' builds keep one unit per file, so a
# missing #include still shows there.
function(shardsim_unity target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ${SHARDSIM_UNITY_BUILD}
                                             UNITY_BUILD_BATCH_SIZE 8)
endfunction()

# Test sources compile without optimisation and share one precompiled header (GoogleTest,
# nlohmann/json, the standard library): the code under test keeps the build type's flags (-O3 in
# Release), while the test code itself -- assertion macros, scenario literals, JSON built by
# hand -- was more than half of the compile time and needs none. Both settings apply only to
# targets made by shardsim_add_test.
set(SHARDSIM_TEST_COMPILE_OPTIONS -O0 -Winvalid-pch)

# The precompiled header's target: every test target reuses it, so it is built once. Its
# definitions and options equal the test targets' (GCC refuses a PCH built with other ones).
function(shardsim_test_pch_target)
  if(TARGET shardsim_test_pch)
    return()
  endif()
  add_library(shardsim_test_pch OBJECT ${PROJECT_SOURCE_DIR}/tests/support/test_pch.cc)
  target_link_libraries(shardsim_test_pch PRIVATE GTest::gtest nlohmann_json::nlohmann_json
                                                  shardsim_warnings shardsim_test_flags)
  target_compile_definitions(shardsim_test_pch PRIVATE
                             SHARDSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_compile_options(shardsim_test_pch PRIVATE ${SHARDSIM_TEST_COMPILE_OPTIONS})
  target_precompile_headers(shardsim_test_pch PRIVATE
    <gtest/gtest.h> <nlohmann/json.hpp> <algorithm> <cmath> <cstdint> <filesystem> <fstream>
    <functional> <map> <memory> <optional> <set> <sstream> <string> <string_view> <vector>)
endfunction()

# Test sources whose own code runs long loops (result.json read back thousands of times, a
# million draws): at -O0 they ran 5-20x slower, more than the compile time saved. They compile at
# -O1 and without the precompiled header (GCC takes a PCH only with the -O level it was built at).
function(shardsim_optimized_test_sources)
  set_source_files_properties(${ARGN} DIRECTORY ${PROJECT_SOURCE_DIR}/tests
                              PROPERTIES COMPILE_OPTIONS -O1 SKIP_PRECOMPILE_HEADERS ON)
endfunction()

# shardsim_add_test(NAME SOURCES... DEPS ... [LABELS ...]) -> one GoogleTest executable, tests
# discovered individually so ctest -j spreads them across cores.
function(shardsim_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  shardsim_test_pch_target()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main shardsim_warnings
                                        shardsim_test_flags)
  target_compile_definitions(${name} PRIVATE SHARDSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_compile_options(${name} PRIVATE ${SHARDSIM_TEST_COMPILE_OPTIONS})
  target_precompile_headers(${name} REUSE_FROM shardsim_test_pch)
  if(ARG_LABELS)
    gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
