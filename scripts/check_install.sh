#!/bin/sh
# Installs a build into a scratch prefix and uses it from nothing but the installed files, as a
# user of the library would:
#   1. the installed command runs the installed default config from an empty folder;
#   2. a C++ program (tests/install/run_config.cpp) built with find_package(cimsim) runs a config
#      through the library and writes the command's files;
#   3. the same program built with pkg-config; a file including an Eigen-using public header
#      refuses to compile without the package's flags (EIGEN_MAX_ALIGN_BYTES);
#   4. the plug-in template builds with find_package(cimsim) and the installed command loads it.
# Nothing may come from the source or build tree: the consumer builds are checked for their paths.
#
#   scripts/check_install.sh [BUILD_DIR]        (default: build; the suite runs it through CTest)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
cmake=${CMAKE_COMMAND:-cmake}
cxx=${CXX:-c++}
CHECK=check_install
. "$src/scripts/check_common.sh"
prefix=$work/prefix

"$cmake" --install "$build" --prefix "$prefix" >"$log" 2>&1 || fail "cmake --install"
libdir=$(dirname "$(find "$prefix" -name 'libcimsim.so' | head -1)")
[ -n "$libdir" ] || fail "no libcimsim.so installed"

# 1. The command in an empty folder, the installed presets and traces.
mkdir "$work/clean"
(cd "$work/clean" && "$prefix/bin/cimsim" run "$prefix/share/cimsim/configs/default.yaml" --quiet \
  --set workload.samples=40) >"$log" 2>&1 || fail "installed cimsim run"
[ -s "$work/clean/out/default/report.json" ] || fail "no report.json from the installed command"
step "installed command ran configs/default.yaml from an empty folder"

# 2. A program built with find_package(cimsim), from a copy of its sources outside the tree.
cp -r "$src/tests/install" "$work/consumer-src"
"$cmake" -S "$work/consumer-src" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1 || fail "configure with find_package(cimsim)"
"$cmake" --build "$work/consumer" >"$log" 2>&1 || fail "build against the installed package"
if grep -rlF -e "$src" -e "$build" "$work/consumer" --include='*.make' --include='*.txt' --include='*.cmake' >/dev/null; then
  fail "the consumer build refers to the source or build tree"
fi
(cd "$work/clean" && "$work/consumer/run_config" "$prefix/share/cimsim/configs/default.yaml" lib-out workload.samples=40) \
  >"$log" 2>&1 || fail "the program built against the package"
grep -q "logits of 10 classes" "$log" || fail "unexpected output of the program"
cmp "$work/clean/out/default/report.json" "$work/clean/lib-out/report.json" >/dev/null ||
  fail "the library's report differs from the command's"
ldd "$work/consumer/run_config" | grep -q "$libdir/libcimsim.so" || fail "the program does not load the installed library"
step "a program built with find_package(cimsim) ran the config; its report.json equals the command's"

# 3. pkg-config.
pc_dir=$(dirname "$(find "$prefix" -name cimsim.pc | head -1)")
flags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs cimsim) || fail "pkg-config cimsim"
# shellcheck disable=SC2086  # the flags are words
"$cxx" -O1 -o "$work/run_config_pc" "$work/consumer-src/run_config.cpp" $flags -Wl,-rpath,"$libdir" \
  >"$log" 2>&1 || fail "build with pkg-config"
(cd "$work/clean" && "$work/run_config_pc" "$prefix/share/cimsim/configs/default.yaml" pc-out workload.samples=40) \
  >"$log" 2>&1 || fail "the program built with pkg-config"
# shellcheck disable=SC2086
"$cxx" -fsyntax-only $flags "$work/consumer-src/eigen_abi_check.cpp" >"$log" 2>&1 ||
  fail "a plug-in header does not compile with pkg-config's flags"
if "$cxx" -fsyntax-only -std=c++17 -I"$prefix/include/cimsim" -I/usr/include/eigen3 -march=x86-64 \
  "$work/consumer-src/eigen_abi_check.cpp" >"$log" 2>&1; then
  fail "a plug-in header compiled without EIGEN_MAX_ALIGN_BYTES=64"
fi
grep -q "EIGEN_MAX_ALIGN_BYTES=64" "$log" || fail "the alignment check does not say what to do"
step "pkg-config builds the program; without its flags a plug-in header refuses to compile"

# 4. The plug-in template, as installed, against the installed package; the installed command loads it.
cp -r "$prefix/share/cimsim/plugin-template" "$work/plugin-src"
"$cmake" -S "$work/plugin-src" -B "$work/plugin" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$log" 2>&1 || fail "configure the plug-in template"
"$cmake" --build "$work/plugin" >"$log" 2>&1 || fail "build the plug-in template"
(cd "$work/clean" && "$prefix/bin/cimsim" run "$prefix/share/cimsim/configs/default.yaml" --quiet \
  --plugin "$work/plugin/libcimsim_template_cell.so" --set "cell={model: template_cell}" \
  --set workload.samples=40 --output plugin-out) >"$log" 2>&1 || fail "run with the template plug-in"
grep -q template_cell "$work/clean/plugin-out/resolved.yaml" || fail "the plug-in's cell is not in the run"
step "the plug-in template built against the package and ran in the installed command"
step OK
