"""Write the bundle's THIRD-PARTY-NOTICES.txt and licenses/ from the installed distributions.

Why generated: the bundle carries whatever versions the lock installed, and a hand-kept
list goes stale at the next upgrade. The notices cover the runtime dependency closure of
the ``crossdesk`` distribution (its ``Requires-Dist`` without extras, markers evaluated
for this machine), read through ``importlib.metadata`` in the environment that built the
bundle, plus the Python runtime itself. Each entry: name, version, licence, project URL,
and the full text of every licence file the distribution ships.

Usage (build_linux.sh runs it with the build environment's Python):
    python packaging/third_party.py --output dist/CrossDesk
    python packaging/third_party.py --list        # name, version, licence; one a line
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT_DISTRIBUTION = "crossdesk"
NOTICE_FILE = "THIRD-PARTY-NOTICES.txt"
LICENSE_NAMES = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)", re.IGNORECASE)
MAX_TEXT_BYTES = 2_000_000  # a licence file larger than this is not a licence
# Required by a dependency's metadata but excluded from the bundle (crossdesk.spec): the
# sentence-model runtime (argostranslate.sbd -> minisbd -> onnxruntime), which CrossDesk
# never imports, and pip (sqlite-utils lists it for its plugin installer). Their own
# dependencies count only if something bundled needs them too.
NOT_BUNDLED = frozenset({"minisbd", "onnxruntime", "pip"})
# Standard licence texts for distributions whose wheels ship none (packaging/licenses/).
STANDARD_TEXTS = Path(__file__).resolve().parent / "licenses"
STANDARD_FILES = {
    "MIT": ("MIT.txt",),
    "Apache-2.0": ("Apache-2.0.txt",),
    "Apache 2.0": ("Apache-2.0.txt",),
    # PySide6/shiboken6/Qt are used under the LGPL-3.0, which incorporates the GPL-3.0.
    "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only": ("LGPL-3.0.txt", "GPL-3.0.txt"),
}


@dataclass(frozen=True)
class Notice:
    """One distribution's licence facts and texts."""

    name: str
    version: str
    licence: str
    url: str
    texts: dict[str, str] = field(default_factory=dict)  # file name -> text


def runtime_closure(
    root: str = ROOT_DISTRIBUTION, skip: frozenset[str] = NOT_BUNDLED
) -> list[metadata.Distribution]:
    """``root`` and every distribution it needs at run time on this machine (no extras),
    not following the distributions in ``skip``."""
    environment = {key: str(value) for key, value in default_environment().items()}
    environment["extra"] = ""
    seen: dict[str, metadata.Distribution] = {}
    queue = [root]
    while queue:
        name = canonicalize_name(queue.pop())
        if name in seen or name in skip:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional platform dependency that is not installed here
        seen[name] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                queue.append(requirement.name)
    return sorted(seen.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def _field(dist: metadata.Distribution, key: str) -> str:
    """A metadata field's first value, "" when absent."""
    values = dist.metadata.get_all(key) or []
    return str(values[0]) if values else ""


def licence_of(dist: metadata.Distribution) -> str:
    """The SPDX expression if declared, else the License field, else the classifiers."""
    meta = dist.metadata
    expression = _field(dist, "License-Expression")
    if expression:
        return str(expression)
    declared = str(_field(dist, "License") or "").strip()
    if declared and len(declared) <= 80 and "\n" not in declared:
        return declared
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    if classifiers:
        return " / ".join(classifiers)
    return "see the licence text below" if declared else "UNKNOWN"


def url_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    if _field(dist, "Home-page"):
        return _field(dist, "Home-page")
    urls = meta.get_all("Project-URL") or []
    for wanted in ("homepage", "source", "repository", "source code", "github"):
        for entry in urls:
            label, _, link = entry.partition(",")
            if label.strip().lower() == wanted:
                return link.strip()
    return urls[0].partition(",")[2].strip() if urls else ""


def licence_texts(dist: metadata.Distribution) -> dict[str, str]:
    """The licence files a distribution installed: ``.dist-info/licenses/**`` (PEP 639)
    or any LICENSE*/COPYING*/NOTICE*/AUTHORS* in its metadata folder."""
    texts: dict[str, str] = {}
    for entry in dist.files or []:
        parts = entry.parts
        in_info = len(parts) >= 2 and parts[0].endswith(".dist-info")
        if not in_info:
            continue
        in_licenses = len(parts) >= 3 and parts[1] in ("licenses", "license_files")
        if not (in_licenses or (len(parts) == 2 and LICENSE_NAMES.match(parts[1]))):
            continue
        path = Path(str(entry.locate()))
        try:
            if path.stat().st_size > MAX_TEXT_BYTES:
                continue
            texts["/".join(parts[1:])] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return texts


def standard_texts(dist: metadata.Distribution, licence: str) -> dict[str, str]:
    """For a wheel without licence files: the standard text of its declared licence
    (MIT with the holders its metadata names), marked as such; upstream is authoritative."""
    holders = str(_field(dist, "Author") or _field(dist, "Author-email") or "").strip()
    holders = f"the {dist.name} authors" + (f" ({holders})" if holders else "")
    texts = {}
    for file_name in STANDARD_FILES.get(licence, ()):
        text = (STANDARD_TEXTS / file_name).read_text(encoding="utf-8")
        note = (
            f"[{dist.name} {dist.version} ships no licence file; this is the standard "
            f"{licence} text as its metadata declares. The licence in the project's own "
            f"repository ({url_of(dist) or 'see PyPI'}) is authoritative.]\n\n"
        )
        texts[f"standard/{file_name}"] = note + text.replace("{holders}", holders)
    return texts


def python_notice() -> Notice:
    """CPython itself: the bundle carries its interpreter and standard library."""
    version = ".".join(map(str, sys.version_info[:3]))
    candidates = [
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(sys.base_prefix) / "LICENSE.txt",
    ]
    texts = {
        p.name: p.read_text(encoding="utf-8", errors="replace") for p in candidates if p.is_file()
    }
    return Notice(
        "Python", version, "PSF-2.0", "https://www.python.org/", dict(list(texts.items())[:1])
    )


def notices(root: str = ROOT_DISTRIBUTION) -> list[Notice]:
    """Every runtime dependency of ``root`` (not ``root`` itself), then Python."""
    found = []
    for dist in runtime_closure(root):
        if canonicalize_name(dist.metadata["Name"]) == canonicalize_name(root):
            continue
        licence = licence_of(dist)
        texts = licence_texts(dist) or standard_texts(dist, licence)
        found.append(Notice(str(dist.metadata["Name"]), dist.version, licence, url_of(dist), texts))
    return [*found, python_notice()]


def _host_path(name: str) -> Path | None:
    """Where the build machine's dynamic loader finds library ``name``."""
    try:
        listing = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listing.splitlines():
        if line.strip().startswith(f"{name} ") and "=>" in line:
            return Path(line.rsplit("=>", 1)[1].strip())
    return None


def _debian_package(path: Path) -> tuple[str, str] | None:
    """(package, version) owning ``path`` on a Debian/Ubuntu build machine, else None."""
    for candidate in dict.fromkeys([path, path.resolve()]):
        for form in dict.fromkeys([str(candidate), str(candidate).replace("/usr/lib/", "/lib/")]):
            try:
                owner = subprocess.run(
                    ["dpkg", "-S", form], capture_output=True, text=True, check=False, timeout=30
                )
            except (OSError, subprocess.SubprocessError):
                return None
            if owner.returncode == 0 and ":" in owner.stdout:
                package = owner.stdout.split(":", 1)[0].split(",")[0].strip()
                version = subprocess.run(
                    ["dpkg-query", "-W", "-f=${Version}", package],
                    capture_output=True, text=True, check=False, timeout=30,
                ).stdout.strip()  # fmt: skip
                return package, version or "?"
    return None


def system_libraries(bundle: Path) -> list[Notice]:
    """The shared libraries PyInstaller copied from the build machine (not from a wheel),
    grouped by the OS package that installed them, with that package's copyright file."""
    internal = bundle / "_internal"
    by_package: dict[tuple[str, str], list[str]] = {}
    unknown: list[str] = []
    for library in sorted(internal.glob("lib*.so*")):
        if library.is_symlink() or not library.is_file() or library.name.startswith("libpython"):
            continue  # symlinks point into wheels' folders; libpython is Python's (above)
        host = _host_path(library.name)
        owner = _debian_package(host) if host is not None else None
        if owner is None:
            unknown.append(library.name)
        else:
            by_package.setdefault(owner, []).append(library.name)
    found = []
    for (package, version), names in sorted(by_package.items()):
        copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
        texts = {}
        if copyright_file.is_file() and copyright_file.stat().st_size <= MAX_TEXT_BYTES:
            texts["copyright"] = copyright_file.read_text(encoding="utf-8", errors="replace")
        licence = "see the package's copyright file below"
        url = f"the build OS's package {package} ({', '.join(names)})"
        found.append(Notice(f"{package} (system library)", version, licence, url, texts))
    if unknown:
        found.append(Notice("other system libraries", "-", "UNKNOWN: check the build OS",
                            ", ".join(unknown), {}))  # fmt: skip
    return found


def render(items: list[Notice]) -> str:
    """The notice file: a summary table, then each distribution's licence texts."""
    lines = [
        "CrossDesk - third-party notices",
        "",
        "CrossDesk is distributed under the MIT licence (LICENSE). It bundles the following",
        "software, each under its own licence, whose full texts follow and are also in the",
        "licenses/ folder. PySide6 and Qt are used under the LGPL-3.0: they are separate",
        "shared libraries in this folder, which you may replace with your own build of the",
        "same Qt/PySide6 version; their source is at https://download.qt.io/.",
        "python-stdnum (LGPL-2.1+), PySide6 and shiboken6 are kept as source files in",
        "_internal/, so they too can be replaced. Libraries marked '(system library)' were",
        "copied from the build machine's operating system packages, under the licences in",
        "their copyright files below.",
        "",
    ]
    width = max(len(n.name) for n in items)
    for item in items:
        lines.append(f"{item.name:<{width}}  {item.version:<12}  {item.licence}")
    for item in items:
        lines += ["", "=" * 78, f"{item.name} {item.version}", f"Licence: {item.licence}"]
        if item.url:
            lines.append(f"Project: {item.url}")
        if not item.texts:
            lines.append("(the distribution ships no licence file; its licence is named above)")
        for file_name, text in sorted(item.texts.items()):
            lines += ["-" * 78, file_name, "-" * 78, text.rstrip()]
    return "\n".join(lines) + "\n"


def write(output: Path, items: list[Notice]) -> Path:
    """Write NOTICE_FILE and licenses/<name>-<version>/<file> into ``output``."""
    folder = output / "licenses"
    shutil.rmtree(folder, ignore_errors=True)
    for item in items:
        for file_name, text in item.texts.items():
            target = folder / f"{item.name}-{item.version}" / file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    notice = output / NOTICE_FILE
    notice.write_text(render(items), encoding="utf-8")
    return notice


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, help="the bundle folder to write into")
    parser.add_argument("--list", action="store_true", help="print name, version, licence")
    parser.add_argument("--json", action="store_true", help="with --list: print JSON")
    args = parser.parse_args(argv)
    items = notices()
    if args.output is not None and (args.output / "_internal").is_dir():
        items += system_libraries(args.output)
    if args.list and args.json:
        print(
            json.dumps(
                [
                    {
                        "name": n.name,
                        "version": n.version,
                        "licence": n.licence,
                        "url": n.url,
                        "files": sorted(n.texts),
                    }
                    for n in items
                ],
                indent=1,
            )
        )
    elif args.list:
        for n in items:
            print(f"{n.name}\t{n.version}\t{n.licence}\t{len(n.texts)} file(s)")
    if args.output is not None:
        if not args.output.is_dir():
            print(f"third_party.py: {args.output} is not a folder", file=sys.stderr)
            return 2
        notice = write(args.output, items)
        missing = [n.name for n in items if not n.texts]
        print(
            f"wrote {notice} ({len(items)} distributions; no licence file: "
            f"{', '.join(missing) or 'none'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
