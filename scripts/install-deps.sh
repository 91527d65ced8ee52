#!/usr/bin/env bash
# Installs every Debian 12 package QuantScope needs to build, run and test (with --packaging,
# also what building and checking the .deb needs). Idempotent: it only calls apt-get when
# something is missing. Works as root, or through sudo otherwise.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build ccache pkg-config git ca-certificates python3
    # libraries
    libeigen3-dev zlib1g-dev
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6svg6
    # Qt6Charts' CMake package needs Qt6OpenGLWidgets, which qt6-charts-dev does not pull in
    libqt6opengl6-dev
    # the Signal tab's playback (QAudioSink)
    qt6-multimedia-dev
    libgl-dev libvulkan-dev libxkbcommon-dev
    # tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev
    # libFuzzer targets (scripts/run-fuzzers.sh): clang and its runtime libraries (libFuzzer,
    # ASan, UBSan), which clang only recommends
    clang libclang-rt-14-dev
    # offscreen rendering needs a font; a real window needs the X11 platform plugin's deps
    fonts-dejavu-core fontconfig libxcb-cursor0
)
# scripts/package.sh: man pages, the package's checks, and a Debian 12 chroot to install it in.
if [[ "${1:-}" == "--packaging" ]]; then
    packages+=(help2man lintian desktop-file-utils appstream mmdebstrap)
fi
if [[ -n "${QUANTSCOPE_EXTRA_PACKAGES:-}" ]]; then
    read -r -a extra <<<"${QUANTSCOPE_EXTRA_PACKAGES}"
    packages+=("${extra[@]}")
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages are installed"
    exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
        echo "install-deps: missing packages (${missing[*]}) and not root; install sudo or run as root" >&2
        exit 1
    fi
    sudo_cmd=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
