# Warnings and sanitizers shared by every gatherdb target.

add_library(gatherdb_build_options INTERFACE)
target_compile_options(gatherdb_build_options INTERFACE -Wall -Wextra -Wpedantic)

set(GATHERDB_SANITIZE "" CACHE STRING
    "Sanitizers to build with, as for -fsanitize= (e.g. address,undefined); empty for none")
if(GATHERDB_SANITIZE)
  target_compile_options(gatherdb_build_options INTERFACE
    -fsanitize=${GATHERDB_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(gatherdb_build_options INTERFACE -fsanitize=${GATHERDB_SANITIZE})
endif()

# gatherdb_component(NAME SOURCES... DEPENDS targets...): a component library with public
# headers under NAME/include/gatherdb/NAME and the alias gatherdb::NAME.
function(gatherdb_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(gatherdb_${name} ${ARG_SOURCES})
  add_library(gatherdb::${name} ALIAS gatherdb_${name})
  target_include_directories(gatherdb_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(gatherdb_${name} PUBLIC ${ARG_DEPENDS}
    PRIVATE ${ARG_PRIVATE_DEPENDS} $<BUILD_INTERFACE:gatherdb_build_options>)
  target_compile_features(gatherdb_${name} PUBLIC cxx_std_17)
  set_target_properties(gatherdb_${name} PROPERTIES EXPORT_NAME ${name})
endfunction()
