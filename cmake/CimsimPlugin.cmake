# Builds cimsim model plug-ins: shared libraries the simulator loads at run time, named in a
# config's `plugins:` list (or with --plugin). In a plug-in's CMakeLists.txt, against an installed
# cimsim (cmake --install, the Debian package):
#
#   find_package(cimsim 0.1 REQUIRED)             # brings this file in
#   cimsim_add_plugin(my_cells my_cells.cpp)      # builds libmy_cells.so
#
# or against a source tree and its build:
#
#   set(CIMSIM_ROOT /path/to/cimsim CACHE PATH "cimsim source tree")
#   include(${CIMSIM_ROOT}/cmake/CimsimPlugin.cmake)
#   cimsim_add_plugin(my_cells my_cells.cpp)
#
# With a source tree, headers come from CIMSIM_INCLUDE_DIR (default: CIMSIM_ROOT, the folder
# holding sim/ and models/) and the library from CIMSIM_LIBRARY (default: libcimsim.so found in
# CIMSIM_ROOT/build or CIMSIM_ROOT/lib). Inside the cimsim build itself its own target is used.
# Build with the compiler that built cimsim: models are C++ classes, and the loader checks the
# plug-in ABI version, not the compiler.
include_guard(GLOBAL)

# cimsim::cimsim exists in an installed package (cimsimConfig.cmake) and in cimsim's own build.
if(NOT TARGET cimsim::cimsim)
  get_filename_component(_cimsim_tree "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
  set(CIMSIM_ROOT "${_cimsim_tree}" CACHE PATH "cimsim source tree")
  set(CIMSIM_INCLUDE_DIR "${CIMSIM_ROOT}" CACHE PATH "Folder holding cimsim's sim/ and models/ headers")
  find_package(Eigen3 3.3 REQUIRED NO_MODULE)
  find_library(CIMSIM_LIBRARY NAMES cimsim HINTS "${CIMSIM_ROOT}/build" "${CIMSIM_ROOT}/lib" NO_DEFAULT_PATH)
endif()

function(cimsim_add_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "cimsim_add_plugin(${name}): no source files given")
  endif()
  add_library(${name} MODULE ${ARGN})
  set_target_properties(${name} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF PREFIX "lib")
  if(TARGET cimsim::cimsim)
    # Headers, C++17 and Eigen's alignment (EIGEN_MAX_ALIGN_BYTES=64, see sim/api/eigen_abi.hpp).
    target_link_libraries(${name} PRIVATE cimsim::cimsim)
    return()
  endif()
  if(NOT EXISTS "${CIMSIM_INCLUDE_DIR}/sim/plugins/plugin_api.hpp")
    message(FATAL_ERROR "cimsim_add_plugin: no sim/plugins/plugin_api.hpp under CIMSIM_INCLUDE_DIR=${CIMSIM_INCLUDE_DIR}")
  endif()
  if(NOT CIMSIM_LIBRARY)
    message(FATAL_ERROR "cimsim_add_plugin: libcimsim not found; build cimsim first or set CIMSIM_LIBRARY")
  endif()
  target_include_directories(${name} PRIVATE "${CIMSIM_INCLUDE_DIR}")
  target_compile_definitions(${name} PRIVATE EIGEN_MAX_ALIGN_BYTES=64)
  target_link_libraries(${name} PRIVATE "${CIMSIM_LIBRARY}" Eigen3::Eigen)
endfunction()
