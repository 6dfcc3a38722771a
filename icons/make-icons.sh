#!/usr/bin/env bash
# Regenerates Daka's icon set from icons/source/daka-icon.svg.
# Needs rsvg-convert (Debian: librsvg2-bin) and the Tauri CLI from ui/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
rsvg-convert -w 1024 -h 1024 icons/source/daka-icon.svg -o icons/source/daka-icon.png
(cd ui && npx tauri icon ../icons/source/daka-icon.png --output ../icons)
# Mobile icon sets are not used by a desktop app.
rm -rf icons/android icons/ios
