"""Run the built bundle as an agent's machine would, and time its start-up.

Every run of ``dist/CrossDesk/crossdesk`` has an empty environment (``env -i``: no
virtualenv, no PYTHONPATH) except HOME, XDG_RUNTIME_DIR and QT_QPA_PLATFORM=offscreen.
Checks, each a failure with a message if not met:

1. ``--version`` prints ``CrossDesk <version>``;
2. ``--demo --screenshot X.png`` writes a populated window: a PNG of at least 1000x600
   pixels with many colours (read here with zlib and struct, no third-party module);
3. ``packs list`` answers, and when the developer environment can build a real pack
   (``.venv``, tests/helpers/argos_packs.py) ``packs install`` proves it in the bundle:
   CTranslate2 and SentencePiece load the model and translate a sentence;
4. encryption: the demo's file opened as a named workspace with ``CROSSDESK_PASSPHRASE``
   is encrypted in place (SQLCipher), and ``privacy export`` reads a customer with an
   attachment out of it (AES-GCM sealed files, the PDF);
5. start-up to the first painted window, median of 5 runs, bundle vs ``.venv/bin/crossdesk``.

The last line printed is JSON with the figures. Standard library only.
Usage: python3 packaging/smoke_bundle.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "CrossDesk" / "crossdesk"
VENV_APP = ROOT / ".venv" / "bin" / "crossdesk"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


class SmokeError(Exception):
    """A check failed: its message says which and what was seen."""


def clean_env() -> dict[str, str]:
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": os.environ.get("HOME", "/tmp")}
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        env["XDG_RUNTIME_DIR"] = runtime
    return env


def run(
    args: list[str], timeout: float = 120, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**clean_env(), **(extra or {})}
    return subprocess.run(
        ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_pixels(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct colours of an 8-bit RGB/RGBA PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SmokeError(f"{path} is not a PNG")
    offset, idat, header = 8, b"", b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None:
        raise SmokeError(f"{path}: unexpected PNG format (depth {depth}, colour type {colour})")
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        if row % 4 == 0:  # every fourth row is plenty to tell a window from a flat fill
            colours.update(bytes(line[i : i + 3]) for i in range(0, stride, channels * 2))
        previous = line
    return width, height, colours


def _time_to_first_paint(args: list[str], env: dict[str, str], timeout: float) -> float:
    """Seconds until the program prints 'first-paint'; SmokeError if it does not in time."""
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert proc.stdout is not None
        buffered = b""
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(proc.stdout, selectors.EVENT_READ)
                while b"first-paint" not in buffered:
                    left = timeout - (time.perf_counter() - started)
                    if left <= 0 or not selector.select(left):
                        raise SmokeError(f"{args[0]}: no first paint within {timeout:.0f} s")
                    chunk = os.read(proc.stdout.fileno(), 4096)
                    if not chunk:  # exited without painting
                        errors.seek(0)
                        raise SmokeError(f"{args[0]} never painted: {errors.read()[-500:]}")
                    buffered += chunk
            elapsed = time.perf_counter() - started
            proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return elapsed


def first_paint_seconds(
    commands: dict[str, list[str]], runs: int, timeout: float = 90
) -> dict[str, list[float]]:
    """Wall time to 'first-paint' on stdout per command, the commands taking turns (so a
    busy spell of the machine slows both alike); one untimed round first (caches). The
    bundle runs under env -i; the venv's command with the caller's environment."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for index in range(runs + 1):
        for name, command in commands.items():
            with tempfile.TemporaryDirectory() as data:
                args = [*command, "--demo", "--data-dir", data, "--exit-after-first-paint"]
                if name == "bundle":
                    args = ["env", "-i", *(f"{k}={v}" for k, v in clean_env().items()), *args]
                elapsed = _time_to_first_paint(args, {**os.environ, **clean_env()}, timeout)
                if index:
                    times[name].append(elapsed)
    return times


def check_pack_install(data: str) -> str:
    """Install a real (tiny) pack with the bundle; needs the developer environment."""
    if not VENV_PYTHON.is_file():
        return "skipped: no .venv to build a test pack"
    packs = Path(data) / "packs"
    packs.mkdir()
    build = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.helpers.argos_packs import build_pack;"
        "print(build_pack(__import__('pathlib').Path(sys.argv[2]), 'es', 'en'))"
    )
    made = subprocess.run([str(VENV_PYTHON), "-c", build, str(ROOT), str(packs)],
                          capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    pack = made.stdout.strip().splitlines()[-1]
    result = run([str(BUNDLE), "--data-dir", data, "packs", "install", pack])
    if result.returncode != 0 or not result.stdout.startswith("installed es→en"):
        raise SmokeError(f"packs install in the bundle failed: {result.stderr[-500:]}")
    listed = run([str(BUNDLE), "--data-dir", data, "packs", "list", "--json"])
    if [p["from"] for p in json.loads(listed.stdout)["packs"]] != ["es"]:
        raise SmokeError(f"packs list after install: {listed.stdout[:300]}")
    return "installed and proven (CTranslate2 + SentencePiece in the bundle)"


def check_encryption(data: str) -> str:
    """SQLCipher and AES-GCM in the bundle: the demo's file (made by the run above) opened
    as a named workspace with a passphrase is encrypted in place, then a customer with an
    attachment is exported from it by ``crossdesk privacy export``."""
    workspace = Path(data) / "team.sqlite3"
    shutil.copyfile(Path(data) / "workspaces" / "demo.sqlite3", workspace)
    shutil.copytree(Path(data) / "workspaces" / "demo.attachments", Path(data) / "team.attachments")
    secret = {"CROSSDESK_PASSPHRASE": "smoke test passphrase 42"}
    shot = Path(data) / "team.png"
    made = run([str(BUNDLE), "--data-dir", data, "--workspace", str(workspace),
                "--screenshot", str(shot)], extra=secret)  # fmt: skip
    if made.returncode != 0 or not shot.is_file():
        raise SmokeError(f"--workspace with a passphrase failed: {made.stderr[-800:]}")
    if workspace.read_bytes()[:16] == b"SQLite format 3\0":
        raise SmokeError("the named workspace was not encrypted")
    archive = Path(data) / "export.zip"
    exported = run([str(BUNDLE), "--data-dir", data, "privacy", "export", "us-jennifer-walsh",
                    "--workspace", str(workspace), "-o", str(archive)], extra=secret)  # fmt: skip
    if exported.returncode != 0 or not archive.is_file():
        raise SmokeError(f"privacy export failed: {exported.stderr[-800:]}")
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    wanted = {"customer.json", "customer.pdf", "manifest.json"}
    if not wanted <= set(names) or not any(n.startswith("attachments/") for n in names):
        raise SmokeError(f"privacy export holds {names}")
    return f"encrypted in place, exported {len(names)} files"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Smoke-test dist/CrossDesk.")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not BUNDLE.is_file():
        print(f"smoke_bundle: no bundle at {BUNDLE}; run packaging/build_linux.sh", file=sys.stderr)
        return 1
    try:
        version = run([str(BUNDLE), "--version"])
        if version.returncode != 0 or not version.stdout.startswith("CrossDesk "):
            raise SmokeError(f"--version: {version.stdout!r} {version.stderr[-300:]!r}")
        print(f"ok --version: {version.stdout.strip()}")
        with tempfile.TemporaryDirectory() as data:
            shot = Path(data) / "window.png"
            made = run([str(BUNDLE), "--demo", "--data-dir", data, "--screenshot", str(shot)])
            if made.returncode != 0 or not shot.is_file():
                raise SmokeError(f"--screenshot failed ({made.returncode}): {made.stderr[-800:]}")
            width, height, colours = png_pixels(shot)
            if width < 1000 or height < 600 or len(colours) < 50:
                raise SmokeError(f"screenshot {width}x{height} with {len(colours)} colours")
            print(f"ok --screenshot: {width}x{height}, {len(colours)} colours sampled")
            # the lazily imported parts: pyqtgraph (KPI charts), the culture data, Chinese
            for view in ("kpis", "etiquette"):
                shot = Path(data) / f"{view}.png"
                made = run([str(BUNDLE), "--demo", "--data-dir", data, "--view", view,
                            "--lang", "zh_CN", "--screenshot", str(shot)])  # fmt: skip
                if made.returncode != 0 or not shot.is_file():
                    raise SmokeError(f"--view {view} failed: {made.stderr[-800:]}")
                print(f"ok --view {view} --lang zh_CN: {shot.stat().st_size} bytes")
            listed = run([str(BUNDLE), "--data-dir", data, "packs", "list"])
            if listed.returncode != 0 or "user packs:" not in listed.stdout:
                raise SmokeError(f"packs list: {listed.stdout!r} {listed.stderr[-300:]!r}")
            pack = check_pack_install(data)
            print(f"ok packs: {pack}")
            print(f"ok encryption: {check_encryption(data)}")
        commands = {"bundle": [str(BUNDLE)]}
        if VENV_APP.is_file():
            commands["venv"] = [str(VENV_APP)]
        timed = first_paint_seconds(commands, args.runs)
        bundle, venv = timed["bundle"], timed.get("venv", [])
    except (SmokeError, subprocess.SubprocessError, OSError) as exc:
        print(f"smoke_bundle: FAILED: {exc}", file=sys.stderr)
        return 1
    figures = {
        "screenshot": f"{width}x{height}",
        "startup_bundle_median_s": round(statistics.median(bundle), 2),
        "startup_venv_median_s": round(statistics.median(venv), 2) if venv else None,
        "startup_bundle_runs": [round(t, 2) for t in bundle],
        "startup_venv_runs": [round(t, 2) for t in venv],
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
