# Shared CMake helpers for the workstation's targets.

# Warnings on for our own targets.
function(emgws_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(EMGWS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Add every sub-folder that has a CMakeLists.txt (so each area owns its own list).
function(emgws_add_present_subdirectories)
  foreach(dir IN LISTS ARGN)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()

# emgws_add_test(NAME name SOURCES ... LIBS ...): a Catch2 executable registered with CTest.
function(emgws_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;PROPERTIES" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE emg_catch_main Catch2::Catch2 ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE EMGWS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                               EMGWS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  emgws_warnings(${T_NAME})
  catch_discover_tests(${T_NAME} TEST_PREFIX "${T_NAME}: " EXTRA_ARGS --warn NoTests PROPERTIES ${T_PROPERTIES})
endfunction()

# emgws_add_bench(NAME name SOURCES ... LIBS ...): a benchmark executable (not a test).
function(emgws_add_bench)
  cmake_parse_arguments(B "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${B_NAME} ${B_SOURCES})
  target_link_libraries(${B_NAME} PRIVATE ${B_LIBS})
  target_compile_definitions(${B_NAME} PRIVATE EMGWS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  emgws_warnings(${B_NAME})
  set_property(GLOBAL APPEND PROPERTY EMGWS_BENCHMARKS ${B_NAME})
endfunction()
