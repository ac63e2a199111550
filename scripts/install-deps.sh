#!/usr/bin/env bash
# Installs the Debian packages shardsim needs, only those missing (idempotent, fast when done).
# Usage: scripts/install-deps.sh [--with-chromium]
#   --with-chromium: also the test dependencies of the report rendering test (headless Chromium
#   and libpng to check its screenshot); scripts/test.sh passes it.
set -euo pipefail
# libboost-mpi-dev, openmpi-bin, libopenmpi-dev: `mpirun shardsim sweep` (optional at build time);
# librapidcheck-dev: the property tests; clang, libclang-rt-dev (compiler-rt: libFuzzer and the
# sanitizer runtimes for Debian's default clang, only recommended by it): the ASan+UBSan suite
# and the loader's fuzzer (scripts/asan-build.sh).
pkgs=(cmake ninja-build g++ clang libclang-rt-dev pkg-config libeigen3-dev libboost-dev libboost-program-options-dev
      nlohmann-json3-dev libssl-dev libgtest-dev libbenchmark-dev libboost-mpi-dev openmpi-bin
      libopenmpi-dev librapidcheck-dev)
if [[ "${1:-}" == "--with-chromium" ]]; then pkgs+=(chromium libpng-dev); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "shardsim: installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
