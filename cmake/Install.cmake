# What `cmake --install` puts where, the CMake package (find_package(cimsim) -> cimsim::cimsim),
# the pkg-config file and the Debian package (cpack -G DEB). docs/library.md describes the result.
#
#   bin/cimsim                              the command
#   lib/libcimsim.so.X.Y (+ libcimsim.so)   the library
#   include/cimsim/sim/..., models/...      the public headers only (PUBLIC_HEADERS below)
#   lib/cmake/cimsim/                       cimsimConfig.cmake, targets, CimsimPlugin.cmake
#   lib/pkgconfig/cimsim.pc
#   share/cimsim/configs, traces            presets, chips and the shipped examples
#   share/cimsim/plugin-template            the plug-in template, buildable against this install
#   lib/python3/dist-packages/cimsim        the Python module, when built
include(CMakePackageConfigHelpers)

# The library's public face: the in-process API (sim/api/cimsim.hpp) and the plug-in API with
# exactly the headers it includes (a test builds a program and a plug-in against the installed
# headers alone, so a missing one fails it).
set(CIMSIM_PUBLIC_HEADERS
  sim/api/cimsim.hpp
  sim/api/eigen_abi.hpp
  sim/config/error.hpp
  sim/util/cancel.hpp
  sim/plugins/plugin_api.hpp
  sim/config/registry.hpp
  sim/config/params.hpp
  sim/config/node.hpp
  sim/config/spec.hpp
  sim/util/rng.hpp
  sim/util/rounding.hpp
  models/cells/cell_model.hpp
  models/operators/operator.hpp
  models/periphery/adc.hpp
  models/periphery/dac.hpp)
foreach(header ${CIMSIM_PUBLIC_HEADERS})
  get_filename_component(folder ${header} DIRECTORY)
  install(FILES ${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cimsim/${folder})
endforeach()

# Installed programs find the library beside them, wherever the installation lies (a package
# unpacked into another root, a prefix moved after installing).
file(RELATIVE_PATH _cimsim_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
set_target_properties(cimsim PROPERTIES INSTALL_RPATH "$ORIGIN/${_cimsim_bin_to_lib}")

install(TARGETS cimsim_lib EXPORT cimsimTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cimsim)
install(TARGETS cimsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cimsim/configs)
install(DIRECTORY traces/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cimsim/traces)
install(DIRECTORY plugins/template/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cimsim/plugin-template)

set(CIMSIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cimsim)
install(EXPORT cimsimTargets NAMESPACE cimsim:: DESTINATION ${CIMSIM_CMAKE_DIR})
configure_package_config_file(cmake/cimsimConfig.cmake.in ${CMAKE_BINARY_DIR}/cimsimConfig.cmake
  INSTALL_DESTINATION ${CIMSIM_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cimsimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cimsimConfig.cmake ${CMAKE_BINARY_DIR}/cimsimConfigVersion.cmake
  cmake/CimsimPlugin.cmake DESTINATION ${CIMSIM_CMAKE_DIR})

file(RELATIVE_PATH CIMSIM_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(cmake/cimsim.pc.in ${CMAKE_BINARY_DIR}/cimsim.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/cimsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The Debian package: everything above, installed under /usr. Its dependencies are the packages
# that hold the shared libraries the binaries link (dpkg-shlibdeps), plus what the Python module
# imports.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cimsim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "cimsim maintainers <cimsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Cycle-level simulator of compute-in-memory DNN accelerators (accuracy, energy, area, latency)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The headers and the CMake package are for building programs and plug-ins against the library.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libeigen3-dev, cmake, g++")
if(TARGET _cimsim)
  # The module is built for one Python version (its file name says which).
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "python3 (>= ${CIMSIM_PYTHON_VERSION}), python3 (<< ${CIMSIM_PYTHON_NEXT_VERSION}), python3-numpy, python3-yaml")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-pandas, python3-tqdm, python3-torch, python3-onnx")
endif()
set(CPACK_STRIP_FILES ON)
include(CPack)
