"""The packaging files agree with the app: the .desktop entry launches with arguments the app
accepts, the AppStream metadata is complete, the icons exist at every size, and the
third-party notices cover every runtime dependency (packaging/README.md rates each one)."""

from __future__ import annotations

import configparser
import functools
import importlib.util
import re
import struct
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from app.ui.shell.bootstrap import parse_args

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.crossdesk.CrossDesk"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
SCREENSHOT_URL = "https://raw.githubusercontent.com/crossdesk/crossdesk/main/"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


@functools.cache
def _third_party() -> ModuleType:
    """packaging/third_party.py (a script, not a package: loaded by path)."""
    name = "crossdesk_packaging_third_party"
    spec = importlib.util.spec_from_file_location(name, PACKAGING / "third_party.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_desktop_entry_launches_the_gui_script_with_arguments_the_app_accepts() -> None:
    entry = _desktop_entry()
    command, *arguments = entry["Exec"].split()
    assert command == "crossdesk-gui"
    assert PYPROJECT["project"]["gui-scripts"][command] == "app.ui.shell.bootstrap:main"
    # the app takes no file or URL, so no %f/%F/%u/%U field code may be passed to it
    assert not [a for a in arguments if a.startswith("%")]
    parse_args(arguments)  # argparse exits on an unknown argument
    assert entry["TryExec"] == "crossdesk-gui"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"


def test_the_metainfo_names_the_app_its_launcher_binaries_and_licences() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == PYPROJECT["project"]["license"] == "MIT"
    assert root.findtext("launchable") == DESKTOP.name
    scripts = {**PYPROJECT["project"]["scripts"], **PYPROJECT["project"]["gui-scripts"]}
    binaries = [b.text for b in root.iterfind("provides/binary")]
    assert binaries and all(b in scripts for b in binaries)
    assert root.find("content_rating").get("type") == "oars-1.1"  # type: ignore[union-attr]
    release = root.find("releases/release")
    assert release is not None and release.get("version") == PYPROJECT["project"]["version"]
    assert root.find("developer/name") is not None
    assert root.find("url[@type='homepage']") is not None


def test_every_screenshot_is_an_absolute_url_to_a_file_in_the_repository() -> None:
    images = [i.text or "" for i in ET.parse(METAINFO).getroot().iterfind(".//screenshot/image")]
    assert len(images) >= 2
    for url in images:
        assert url.startswith(SCREENSHOT_URL), url
        local = ROOT / url.removeprefix(SCREENSHOT_URL)
        assert local.is_file(), url
        width, height = _png_size(local)
        assert width >= 1000 and height >= 600  # a whole window, as the stores want


@pytest.mark.parametrize("size", [16, 22, 24, 32, 48, 64, 128, 256, 512])
def test_the_icon_exists_at_every_freedesktop_size(size: int) -> None:
    png = PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert _png_size(png) == (size, size)


def test_the_windows_icon_holds_16_to_256_pixels() -> None:
    data = (PACKAGING / "crossdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, _h, _c, _r, _p, _bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_the_macos_icon_holds_every_size_up_to_1024() -> None:
    data = (PACKAGING / "crossdesk.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    offset, sizes = 8, []
    while offset < len(data):
        length = struct.unpack(">I", data[offset + 4 : offset + 8])[0]
        body = data[offset + 8 : offset + length]
        sizes.append(struct.unpack(">I", body[16:20])[0])  # the PNG's width
        offset += length
    assert sorted(set(sizes)) == [16, 32, 64, 128, 256, 512, 1024]


def test_the_notices_cover_every_runtime_distribution_with_its_licence_text() -> None:
    third_party = _third_party()
    closure = {
        d.metadata["Name"]
        for d in third_party.runtime_closure()
        if d.metadata["Name"] != "crossdesk"
    }
    notices = {n.name: n for n in third_party.notices()}
    assert closure <= set(notices)
    assert not {n.lower() for n in notices} & third_party.NOT_BUNDLED  # not in the bundle
    for name in closure | {"Python"}:
        notice = notices[name]
        assert notice.licence and notice.licence != "UNKNOWN", name
        assert notice.texts and all(t.strip() for t in notice.texts.values()), name
    text = third_party.render(list(notices.values()))
    assert all(f"\n{name} " in text for name in notices)
    assert "LGPL-3.0" in text and "replace" in text  # the Qt libraries may be swapped


def test_the_packaging_readme_rates_every_runtime_dependencys_licence() -> None:
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    rated = set(re.findall(r"^\| `([^`]+)` \|", readme, re.MULTILINE))
    closure = {d.metadata["Name"] for d in _third_party().runtime_closure()} - {"crossdesk"}
    assert not closure - rated, f"not rated in packaging/README.md: {sorted(closure - rated)}"


def test_the_build_extra_is_pinned_in_the_lock() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for requirement in PYPROJECT["project"]["optional-dependencies"]["build"]:
        name, version = requirement.split("==")
        assert f"\n{name}=={version}\n" in lock


def test_the_spec_bundles_the_data_where_the_app_looks_when_frozen() -> None:
    spec = (PACKAGING / "crossdesk.spec").read_text(encoding="utf-8")
    # app/config/paths.py: _bundled() finds app/_resources and app/_translations first
    assert '"app/_resources"' in spec and '"app/_translations"' in spec
    for never in ('"torch"', '"onnxruntime"', '"fastapi"', '"app.server"', '"tests"'):
        assert never in spec
