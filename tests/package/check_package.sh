#!/bin/sh
# Installs a gatherdb build tree into a temporary prefix and uses it as another project would:
# find_package(gatherdb CONFIG) from a consumer CMake project, then pkg-config. Removes the
# temporary directory however it ends.
#
#   check_package.sh BUILD_DIR CXX_COMPILER [CMAKE [with-cli|without-cli]]
set -eu

build_dir=$1
cxx=$2
cmake=${3:-cmake}
cli=${4:-with-cli}
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatherdb-package-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
prefix=$tmp/prefix

step() { printf '== %s\n' "$*"; }
fail() { printf 'check_package: %s\n' "$*" >&2; exit 1; }

step "install into $prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
for f in include/gatherdb/model/query.hpp include/gatherdb/drivers/connection_string.hpp \
         include/gatherdb/actors/client.hpp lib/libgatherdb_model.a lib/libgatherdb_drivers.a \
         lib/libgatherdb_actors.a lib/cmake/gatherdb/gatherdbConfig.cmake \
         lib/cmake/gatherdb/gatherdbConfigVersion.cmake lib/cmake/gatherdb/gatherdbTargets.cmake \
         lib/cmake/gatherdb/FindCAF.cmake lib/pkgconfig/gatherdb.pc; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
if grep -q gatherdb_build_options "$prefix"/lib/cmake/gatherdb/*.cmake; then
  fail "the build-only gatherdb_build_options leaked into the export"
fi
if [ "$cli" = with-cli ]; then
  [ -x "$prefix/bin/gatherdb" ] || fail "not installed: bin/gatherdb"
  "$prefix/bin/gatherdb" --help >/dev/null || fail "the installed gatherdb --help failed"
fi

step "find_package(gatherdb CONFIG) from a consumer project"
"$cmake" -S "$here/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log" >&2; fail "the consumer does not configure"; }
"$cmake" --build "$tmp/consumer" -j2 >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log" >&2; fail "the consumer does not build"; }
"$tmp/consumer/consumer" || fail "the consumer failed"

step "a version the package does not satisfy is refused"
mkdir -p "$tmp/too_new"
sed 's/find_package(gatherdb 0.1 /find_package(gatherdb 9.0 /' "$here/consumer/CMakeLists.txt" \
  >"$tmp/too_new/CMakeLists.txt"
cp "$here/consumer/main.cpp" "$tmp/too_new/"
if "$cmake" -S "$tmp/too_new" -B "$tmp/too_new/build" -DCMAKE_PREFIX_PATH="$prefix" \
     -DCMAKE_CXX_COMPILER="$cxx" >/dev/null 2>&1; then
  fail "find_package(gatherdb 9.0) succeeded against version 0.1"
fi

step "pkg-config --cflags --libs gatherdb"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs gatherdb) || fail "pkg-config does not find gatherdb"
printf '%s\n' "$flags"
# shellcheck disable=SC2086 # word splitting of the flags is intended
"$cxx" -o "$tmp/pkgconfig_consumer" "$here/pkgconfig_consumer.cpp" $flags ||
  fail "the pkg-config consumer does not build"
"$tmp/pkgconfig_consumer" || fail "the pkg-config consumer failed"

step "ok"
