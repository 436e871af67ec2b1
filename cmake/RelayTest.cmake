# relay_test(NAME SOURCES... LIBS lib... [LABEL label]): one GoogleTest binary, discovered by
# CTest. Every test carries a label (default `unit`; end-to-end binaries say `e2e`, so
# `ctest -L unit` or `-LE e2e` runs them apart) and a timeout, so a hang fails instead of
# stalling the run.
function(relay_test name)
  cmake_parse_arguments(T "" "LABEL" "LIBS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  add_executable(${name} ${T_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE RELAY_SOURCE_DIR="${PROJECT_SOURCE_DIR}" RELAY_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(TARGET relay)
    target_compile_definitions(${name} PRIVATE RELAY_BINARY="$<TARGET_FILE:relay>")
    add_dependencies(${name} relay)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES LABELS ${T_LABEL} TIMEOUT 300)
endfunction()
