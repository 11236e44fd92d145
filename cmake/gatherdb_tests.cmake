# gatherdb_test_executable(NAME SOURCES... [UNIT sources...] LINK targets... LABELS labels...):
# one Boost.Test executable; every test suite found in its sources becomes its own ctest test
# (--run_test=<suite>), so that a failure names its suite. The suites of UNIT sources need no
# database and no server and also get the label `unit` (`ctest -L unit`).
function(gatherdb_test_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;UNIT;LINK;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNIT})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} Boost::unit_test_framework
                        gatherdb_build_options)
  target_compile_definitions(${name} PRIVATE BOOST_TEST_DYN_LINK)
  foreach(src IN LISTS ARG_SOURCES ARG_UNIT)
    set(labels ${ARG_LABELS})
    if(src IN_LIST ARG_UNIT)
      list(APPEND labels unit)
    endif()
    file(STRINGS "${src}" suite_lines
         REGEX "^BOOST_(AUTO|FIXTURE)_TEST_SUITE\\(([a-z0-9_]+)")
    foreach(line IN LISTS suite_lines)
      string(REGEX REPLACE "^BOOST_(AUTO|FIXTURE)_TEST_SUITE\\(([a-z0-9_]+).*" "\\2" suite "${line}")
      add_test(NAME ${name}.${suite} COMMAND ${name} --run_test=${suite} --color_output=false)
      set_tests_properties(${name}.${suite} PROPERTIES TIMEOUT 300 LABELS "${labels}")
    endforeach()
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_SOURCES} ${ARG_UNIT})
endfunction()
