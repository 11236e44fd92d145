# gatherdb_test_executable(NAME SOURCES... LINK targets...): one Boost.Test executable; every
# test suite found in its sources becomes its own ctest test (--run_test=<suite>), so that a
# failure names its suite.
function(gatherdb_test_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} Boost::unit_test_framework
                        gatherdb_build_options)
  target_compile_definitions(${name} PRIVATE BOOST_TEST_DYN_LINK)
  foreach(src IN LISTS ARG_SOURCES)
    file(STRINGS "${src}" suite_lines
         REGEX "^BOOST_(AUTO|FIXTURE)_TEST_SUITE\\(([a-z0-9_]+)")
    foreach(line IN LISTS suite_lines)
      string(REGEX REPLACE "^BOOST_(AUTO|FIXTURE)_TEST_SUITE\\(([a-z0-9_]+).*" "\\2" suite "${line}")
      add_test(NAME ${name}.${suite} COMMAND ${name} --run_test=${suite} --color_output=false)
      set_tests_properties(${name}.${suite} PROPERTIES TIMEOUT 300 LABELS "${ARG_LABELS}")
    endforeach()
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_SOURCES})
endfunction()
