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

# shardsim_add_library(NAME SOURCES... [DEPS ...]) -> target shardsim_NAME, alias shardsim::NAME.
function(shardsim_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(shardsim_${name} STATIC ${ARG_SOURCES})
  add_library(shardsim::${name} ALIAS shardsim_${name})
  target_include_directories(shardsim_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(shardsim_${name} PUBLIC ${ARG_DEPS} PRIVATE shardsim_warnings)
endfunction()

# shardsim_add_test(NAME SOURCES... DEPS ... [LABELS ...]) -> one GoogleTest executable, tests
# discovered individually so ctest -j spreads them across cores.
function(shardsim_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main shardsim_warnings)
  target_compile_definitions(${name} PRIVATE SHARDSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  if(ARG_LABELS)
    gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
