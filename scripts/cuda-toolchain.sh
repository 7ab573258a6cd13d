#!/usr/bin/env bash
# Installs the CUDA 13.0 compiler and libraries from NVIDIA's PyPI wheels into a local folder,
# on any x86_64 Linux machine, GPU or not, then prints the environment to build the `cuda`
# feature with:
#
#   eval "$(bash scripts/cuda-toolchain.sh)"        # default folder: target/cuda-toolchain
#   cargo build --release --features cuda
#
# Why each step: candle-kernels' build script compiles its kernels with `nvcc` (found through
# CUDA_HOME) for `CUDA_COMPUTE_CAP` (it asks nvidia-smi otherwise, which a machine without a GPU
# lacks; 90 is the H100/H200); cudarc reads the CUDA version from `nvcc --version` and links
# libcuda, libnvrtc, libcurand, libcublas and libcublasLt. The wheels ship only `lib*.so.N`, so
# the linker gets `lib*.so` names beside them, and libcuda (part of the driver, absent without a
# GPU) gets a link stub: at run time the driver's own libcuda is loaded instead. 13.0 exactly: a
# newer nvcc's PTX does not load on a 13.0 driver, and 13.5 fails cudarc's version check.
# Needs python3 with pip (the wheels are fetched and unpacked with it) and a C compiler for the
# stub. Everything goes under the folder; nothing outside it is touched.
set -euo pipefail
dest=${1:-target/cuda-toolchain}
compute_cap=${CUDA_COMPUTE_CAP:-90}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
wheels=(
  nvidia-cuda-nvcc==13.0.88
  nvidia-cuda-crt==13.0.88
  nvidia-nvvm==13.0.88
  nvidia-cuda-runtime==13.0.96
  nvidia-cuda-cccl==13.0.85
  nvidia-cublas==13.0.2.14
  nvidia-curand==10.4.0.35
  nvidia-cuda-nvrtc==13.0.88
)
if [ ! -x "$dest/root/bin/nvcc" ]; then
  echo "cuda-toolchain: fetching ${#wheels[@]} wheels into $dest" >&2
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux_2_27_x86_64 --platform manylinux2014_x86_64 \
    --python-version 3.11 --dest "$dest/wheels" "${wheels[@]}" >&2
  rm -rf "$dest/site"
  for w in "$dest"/wheels/*.whl; do
    python3 -m zipfile -e "$w" "$dest/site" >&2
  done
  rm -rf "$dest/wheels"
  # The wheels put the toolkit under nvidia/cu13 (bin, include, lib, nvvm): that is CUDA_HOME.
  root=$(find "$dest/site/nvidia" -maxdepth 2 -type d -name bin -path '*cu13*' | head -n 1)
  [ -n "$root" ] || { echo "cuda-toolchain: no nvidia/cu13/bin in the wheels" >&2; exit 1; }
  ln -sfn "$(dirname "$root")" "$dest/root"
  chmod +x "$dest"/root/bin/* "$dest"/root/nvvm/bin/* 2>/dev/null || true
  # Link names for the versioned libraries.
  for lib in "$dest"/root/lib/lib*.so.*; do
    base=$(basename "$lib")
    name=${base%%.so.*}.so
    [ -e "$dest/root/lib/$name" ] || ln -s "$base" "$dest/root/lib/$name"
  done
fi
if [ ! -e "$dest/stubs/libcuda.so" ]; then
  # A libcuda to link against where the driver is absent; never loaded when a driver is present
  # (the loader finds the driver's libcuda.so.1 first on LD_LIBRARY_PATH / the system paths).
  # It defines every driver API name cuda.h declares (as empty functions): only the names
  # matter to the linker.
  mkdir -p "$dest/stubs"
  grep -ohE '\bcu[A-Z][A-Za-z0-9_]*\b' "$dest/root/include/cuda.h" | sort -u |
    sed 's/.*/void &(void) {}/' > "$dest/stubs/libcuda_stub.c"
  cc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$dest/stubs/libcuda.so" "$dest/stubs/libcuda_stub.c"
fi
"$dest/root/bin/nvcc" --version | tail -n 2 >&2
cat <<EOF
export CUDA_HOME="$dest/root"
export CUDA_PATH="$dest/root"
export CUDA_COMPUTE_CAP="$compute_cap"
export PATH="$dest/root/bin:\$PATH"
export LIBRARY_PATH="$dest/root/lib:$dest/stubs\${LIBRARY_PATH:+:\$LIBRARY_PATH}"
EOF
