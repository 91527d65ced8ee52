#!/usr/bin/env bash
# Installs what is missing, builds QuantScope (Release) and starts it on the built-in sample.
# Without a display it renders the window offscreen to quantscope-screenshot.png instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target quantscope quantscope-cli

app=build/release/app/quantscope
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    exec "$app" "$@"
fi
shot="$PWD/quantscope-screenshot.png"
echo "run: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window is rendered"
echo "run: offscreen and saved as $shot"
exec "$app" --screenshot "$shot" "$@"
