#!/usr/bin/env bash
# Build the Linux one-folder application dist/CrossDesk/ from a clean checkout.
#
# Creates its own build environment under build/venv from requirements.lock (nothing of
# the developer's .venv is used), runs PyInstaller on packaging/crossdesk.spec, then adds
# the licences (THIRD-PARTY-NOTICES.txt and licenses/), the desktop integration files
# (share/) and the crossdesk-gui link. Prints the size; the last line is JSON:
#     {"bundle_mb": 271.4, "build_seconds": 143}
# Usage: packaging/build_linux.sh   (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/build/venv"
DIST="$ROOT/dist/CrossDesk"
TZDATA="$(sed -n 's/^tzdata==\([0-9.]*\).*/\1/p' requirements.lock)"
start=$(date +%s)

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# The app with its runtime dependencies and PyInstaller, every version from the lock.
"$VENV/bin/python" -m pip install --quiet -c requirements.lock ".[build]"
# The IANA zone database travels with the app (locked for Windows; Linux usually has its
# own in /usr/share/zoneinfo, which zoneinfo prefers).
"$VENV/bin/python" -m pip install --quiet "tzdata==${TZDATA}"

rm -rf "$DIST"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/crossdesk.spec

# Debug information some wheels ship (ctranslate2's extension: 67 of its 68 MB) goes;
# symbols stay (a full strip can break libraries that auditwheel patched).
find "$DIST" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
    while IFS= read -r -d '' library; do
        if file "$library" | grep -q 'with debug_info'; then
            strip --strip-debug "$library"
        fi
    done

# Licences: every bundled distribution's licence texts and one notice file.
"$VENV/bin/python" packaging/third_party.py --output "$DIST"

# The windowed entry point's name, as in a pip install and in the .desktop file.
ln -sf crossdesk "$DIST/crossdesk-gui"

# Desktop integration, for IT to copy into /usr/share (or ~/.local/share).
SHARE="$DIST/share"
install -Dm644 packaging/io.crossdesk.CrossDesk.desktop "$SHARE/applications/io.crossdesk.CrossDesk.desktop"
install -Dm644 packaging/io.crossdesk.CrossDesk.metainfo.xml \
    "$SHARE/metainfo/io.crossdesk.CrossDesk.metainfo.xml"
install -Dm644 packaging/crossdesk.svg "$SHARE/icons/hicolor/scalable/apps/io.crossdesk.CrossDesk.svg"
for png in packaging/icons/hicolor/*/apps/io.crossdesk.CrossDesk.png; do
    size="$(basename "$(dirname "$(dirname "$png")")")"
    install -Dm644 "$png" "$SHARE/icons/hicolor/$size/apps/io.crossdesk.CrossDesk.png"
done

seconds=$(( $(date +%s) - start ))
du -sh "$DIST"
kib=$(du -sk "$DIST" | cut -f1)
"$VENV/bin/python" -c "import json,sys; print(json.dumps({'bundle_mb': round(int(sys.argv[1]) / 1024, 1), 'build_seconds': int(sys.argv[2])}))" "$kib" "$seconds"
