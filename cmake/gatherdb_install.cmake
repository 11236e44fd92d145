# Installs gatherdb as a CMake package (find_package(gatherdb CONFIG)), a pkg-config module
# and the `gatherdb` tool:
#
#   <prefix>/include/gatherdb/{model,drivers,actors}/...   public headers
#   <prefix>/lib/libgatherdb_{model,drivers,actors}.a
#   <prefix>/lib/cmake/gatherdb/                           config, version, targets, FindCAF
#   <prefix>/lib/pkgconfig/gatherdb.pc
#   <prefix>/bin/gatherdb
#
# Exported targets: gatherdb::model, gatherdb::drivers, gatherdb::actors and the umbrella
# gatherdb::gatherdb. The build-only gatherdb_build_options stays out of the export (the
# components link it as $<BUILD_INTERFACE:...>).

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GATHERDB_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/gatherdb" CACHE STRING
    "Where gatherdbConfig.cmake is installed, relative to the prefix")

foreach(component model drivers actors)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${component}/include/"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
          COMPONENT development
          FILES_MATCHING PATTERN "*.hpp")
endforeach()

set_target_properties(gatherdb PROPERTIES EXPORT_NAME gatherdb)
install(TARGETS gatherdb_model gatherdb_drivers gatherdb_actors gatherdb
        EXPORT gatherdbTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime)
install(EXPORT gatherdbTargets
        NAMESPACE gatherdb::
        DESTINATION "${GATHERDB_INSTALL_CMAKEDIR}"
        COMPONENT development)

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/gatherdbConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/gatherdbConfig.cmake"
  INSTALL_DESTINATION "${GATHERDB_INSTALL_CMAKEDIR}")
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/gatherdbConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/gatherdbConfig.cmake"
              "${PROJECT_BINARY_DIR}/gatherdbConfigVersion.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/FindCAF.cmake"
        DESTINATION "${GATHERDB_INSTALL_CMAKEDIR}"
        COMPONENT development)

# pkg-config: static libraries, so their dependencies are in Libs, not Libs.private. The
# prefix is found from the .pc file's own place, so `cmake --install --prefix P` (which picks
# the prefix after configuring) and moving the tree both work.
file(RELATIVE_PATH GATHERDB_PC_PREFIX_FROM_PCDIR "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(GATHERDB_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(GATHERDB_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(GATHERDB_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(GATHERDB_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
get_filename_component(GATHERDB_PC_CAF_INCLUDEDIR "${CAF_INCLUDE_DIR}" ABSOLUTE)
set(GATHERDB_PC_CAF_CFLAGS "")
if(NOT GATHERDB_PC_CAF_INCLUDEDIR STREQUAL "/usr/include")
  set(GATHERDB_PC_CAF_CFLAGS " -I${GATHERDB_PC_CAF_INCLUDEDIR}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/gatherdb.pc.in" "${PROJECT_BINARY_DIR}/gatherdb.pc"
               @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/gatherdb.pc"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
        COMPONENT development)

if(TARGET gatherdb_cli)
  install(TARGETS gatherdb_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
endif()

if(TARGET gatherdb_node)
  install(TARGETS gatherdb_node RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
endif()
