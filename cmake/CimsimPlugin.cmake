# Builds cimsim model plug-ins: shared libraries the simulator loads at run time, named in a
# config's `plugins:` list (or with --plugin). In a plug-in's CMakeLists.txt:
#
#   set(CIMSIM_ROOT /path/to/cimsim CACHE PATH "cimsim source tree or installation")
#   include(${CIMSIM_ROOT}/cmake/CimsimPlugin.cmake)
#   cimsim_add_plugin(my_cells my_cells.cpp)      # builds libmy_cells.so
#
# Headers come from CIMSIM_INCLUDE_DIR (default: CIMSIM_ROOT, the folder holding sim/ and
# models/), the library from CIMSIM_LIBRARY (default: libcimsim.so found in CIMSIM_ROOT/build or
# CIMSIM_ROOT/lib). Inside the cimsim build itself the cimsim_lib target is used. Build with the
# compiler that built cimsim: models are C++ classes, and the loader checks the plug-in ABI
# version, not the compiler.
include_guard(GLOBAL)

get_filename_component(_cimsim_tree "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(CIMSIM_ROOT "${_cimsim_tree}" CACHE PATH "cimsim source tree or installation prefix")
set(CIMSIM_INCLUDE_DIR "${CIMSIM_ROOT}" CACHE PATH "Folder holding cimsim's sim/ and models/ headers")
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
if(NOT TARGET cimsim_lib)
  find_library(CIMSIM_LIBRARY NAMES cimsim HINTS "${CIMSIM_ROOT}/build" "${CIMSIM_ROOT}/lib" NO_DEFAULT_PATH)
endif()

function(cimsim_add_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "cimsim_add_plugin(${name}): no source files given")
  endif()
  if(NOT EXISTS "${CIMSIM_INCLUDE_DIR}/sim/plugins/plugin_api.hpp")
    message(FATAL_ERROR "cimsim_add_plugin: no sim/plugins/plugin_api.hpp under CIMSIM_INCLUDE_DIR=${CIMSIM_INCLUDE_DIR}")
  endif()
  add_library(${name} MODULE ${ARGN})
  set_target_properties(${name} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF PREFIX "lib")
  target_include_directories(${name} PRIVATE "${CIMSIM_INCLUDE_DIR}")
  # Eigen's allocation alignment must match the library's (see cimsim's CMakeLists.txt).
  target_compile_definitions(${name} PRIVATE EIGEN_MAX_ALIGN_BYTES=64)
  if(TARGET cimsim_lib)
    target_link_libraries(${name} PRIVATE cimsim_lib)
  elseif(CIMSIM_LIBRARY)
    target_link_libraries(${name} PRIVATE "${CIMSIM_LIBRARY}" Eigen3::Eigen)
  else()
    message(FATAL_ERROR "cimsim_add_plugin: libcimsim not found; build cimsim first or set CIMSIM_LIBRARY")
  endif()
endfunction()
