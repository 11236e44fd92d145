# FindCAF: the C++ Actor Framework as Debian 12 ships it (libcaf-dev 0.17.6, no CMake config).
#
#   find_package(CAF 0.17 REQUIRED COMPONENTS core io)
#
# Defines CAF_FOUND, CAF_VERSION, CAF_INCLUDE_DIR and the imported targets CAF::core, CAF::io
# (and CAF::openssl when asked for). Only 0.17.x is accepted: 0.18 changed the API gatherdb uses.

find_path(CAF_INCLUDE_DIR caf/all.hpp)
if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_version_line
       REGEX "^#define CAF_VERSION [0-9]+")
  string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _caf_version_number "${_caf_version_line}")
  math(EXPR _caf_major "${_caf_version_number} / 10000")
  math(EXPR _caf_minor "(${_caf_version_number} / 100) % 100")
  math(EXPR _caf_patch "${_caf_version_number} % 100")
  set(CAF_VERSION "${_caf_major}.${_caf_minor}.${_caf_patch}")
endif()

find_package(Threads REQUIRED)
set(_caf_deps_core Threads::Threads)
set(_caf_deps_io CAF::core)
set(_caf_deps_openssl CAF::io)

foreach(_c IN LISTS CAF_FIND_COMPONENTS)
  find_library(CAF_${_c}_LIBRARY caf_${_c})
  if(CAF_${_c}_LIBRARY)
    set(CAF_${_c}_FOUND TRUE)
  endif()
endforeach()

set(_caf_version_ok TRUE)
if(CAF_VERSION AND NOT CAF_VERSION MATCHES "^0\\.17\\.")
  set(_caf_version_ok FALSE)
  set(_caf_reason "gatherdb needs CAF 0.17.x, found ${CAF_VERSION}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_INCLUDE_DIR _caf_version_ok
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS
  REASON_FAILURE_MESSAGE "${_caf_reason}")

foreach(_c IN LISTS CAF_FIND_COMPONENTS)
  if(CAF_FOUND AND CAF_${_c}_FOUND AND NOT TARGET CAF::${_c})
    add_library(CAF::${_c} UNKNOWN IMPORTED)
    set_target_properties(CAF::${_c} PROPERTIES
      IMPORTED_LOCATION "${CAF_${_c}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${_caf_deps_${_c}}")
  endif()
endforeach()
mark_as_advanced(CAF_INCLUDE_DIR)
