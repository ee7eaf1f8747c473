# Installs the build into a fresh prefix and checks the installed tree works on its own:
# programs, desktop entry, icon, docs, and the resources found beside the installed bin/.
# Run: cmake -DBUILD_DIR=... -DPREFIX=... -P check_install.cmake
if(NOT BUILD_DIR OR NOT PREFIX)
  message(FATAL_ERROR "BUILD_DIR and PREFIX are required")
endif()
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}): ${err}")
endif()
foreach(f bin/emgws bin/emgws-cli share/applications/emgws.desktop share/icons/hicolor/scalable/apps/emgws.svg
          share/emgws/myotomes.json share/emgws/normative/ncs_adult.json)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()
file(GLOB protocols "${PREFIX}/share/emgws/protocols/*.json")
list(LENGTH protocols n)
if(n LESS 6)
  message(FATAL_ERROR "only ${n} protocols installed")
endif()
# the installed CLI uses the installed resources, not the source tree it was built from
execute_process(COMMAND "${PREFIX}/bin/emgws-cli" version OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installed emgws-cli version failed (${rc})")
endif()
string(FIND "${out}" "resources: ${PREFIX}/share/emgws" at)
if(at LESS 0)
  message(FATAL_ERROR "installed emgws-cli does not use the installed resources:\n${out}")
endif()
message(STATUS "installed tree at ${PREFIX} is complete:\n${out}")
file(REMOVE_RECURSE "${PREFIX}")
