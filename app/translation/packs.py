"""Language packs on disk: validated before anything is unpacked, proven, swapped in atomically.

argostranslate's own installer only checks that a file is a zip and extracts it
into the packages folder; one stray folder there makes every later discovery
call fail, so every pair stops working. Here a pack is checked entry by entry
(one top-level folder, no absolute or ``..`` paths, no links, size and expansion
caps, the files a pack needs present as files; see ``pack_check``), extracted to
a staging folder beside the packages folder with the sizes enforced while
writing, proven usable there (the model loads and translates a sentence), and
only then swapped in: the previous version is renamed aside, the new one into
place, the old one deleted. A refused pack leaves no trace and the installed
ones untouched; an interrupted swap is undone or finished on the next start.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.i18n import N_
from app.translation.offline import ArgosHome
from app.translation.pack_check import (
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    REQUIRED_FILES,
    TOKENIZERS,
    MemberCheck,
    PackCancelled,
    PackError,
    check_layout,
    implied_folders,
    prove_usable,
    top_folder,
)

__all__ = [
    "MAX_TOTAL_BYTES",
    "PackCancelled",
    "PackCandidate",
    "PackError",
    "PackInfo",
    "inspect_pack",
    "install_pack",
    "list_packs",
    "read_pack",
    "recover_interrupted",
    "uninstall_pack",
]

CHUNK = 1 << 20
DISK_MARGIN = 64 * 1024**2  # free space left over after unpacking, for everything else

Progress = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class PackInfo:
    """An installed pack as the pack manager and the engine see it."""

    folder: Path
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    size_bytes: int
    system: bool = False  # in the machine-wide folder: used, never replaced or removed

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def key(self) -> str:
        """Identifies this exact model (pair and version), e.g. in cache keys."""
        return f"{self.pair}@{self.version}"

    @property
    def usable(self) -> bool:
        """Always: read_pack lists only folders with a model and a tokenizer, and sentences
        are split by CrossDesk itself (no per-language sentence model is needed)."""
        return True


@dataclass(frozen=True, slots=True)
class PackCandidate:
    """What a pack file declares, known before anything is extracted."""

    top: str
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    total_bytes: int


def _code(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.isascii() or not value.replace("-", "").isalnum():
        raise PackError(
            N_("metadata.json has an invalid '{field}': {value}"), field=field, value=repr(value)
        )
    if not 2 <= len(value) <= 12:
        raise PackError(
            N_("metadata.json has an invalid '{field}': {value}"), field=field, value=repr(value)
        )
    return value.lower()


def inspect_pack(path: Path) -> PackCandidate:
    """Check a .argosmodel file without extracting it; raise PackError with the reason."""
    if not path.is_file():
        raise PackError(N_("{path} is not a file"), path=str(path))
    if not zipfile.is_zipfile(path):
        raise PackError(N_("{file} is not a language pack (not a zip archive)"), file=path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if not members or len(members) > MAX_MEMBERS:
                raise PackError(
                    N_("{file} has {count} entries; a pack has 1 to {limit}"),
                    file=path.name,
                    count=len(members),
                    limit=MAX_MEMBERS,
                )
            top = top_folder(path.name, members)
            sizes = MemberCheck(path.name)
            files: set[str] = set()
            folders: set[str] = set()
            for info in members:
                name = info.filename.rstrip("/")
                if name in files or name in folders:
                    raise PackError(
                        N_("{file} lists {name} twice"), file=path.name, name=info.filename
                    )
                if info.is_dir():
                    folders.add(name)
                    continue
                files.add(name)
                sizes.file(info, name.removeprefix(f"{top}/"))
            folders |= implied_folders(files)
            check_layout(path.name, top, files, folders)
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise PackError(
                    N_("{file}: metadata.json is not valid JSON ({error})"),
                    file=path.name,
                    error=str(exc),
                ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackError(N_("{file} is damaged: {error}"), file=path.name, error=str(exc)) from exc
    if not isinstance(metadata, dict):
        raise PackError(N_("{file}: metadata.json is not an object"), file=path.name)
    if metadata.get("type", "translate") != "translate":
        raise PackError(
            N_("{file} is a '{kind}' pack, not a translation pack"),
            file=path.name,
            kind=str(metadata.get("type")),
        )
    from_code = _code(metadata.get("from_code"), "from_code")
    to_code = _code(metadata.get("to_code"), "to_code")
    if from_code == to_code:
        raise PackError(N_("{file} translates {code} into itself"), file=path.name, code=from_code)
    return PackCandidate(
        top=top,
        from_code=from_code,
        to_code=to_code,
        from_name=str(metadata.get("from_name") or from_code),
        to_name=str(metadata.get("to_name") or to_code),
        version=str(metadata.get("package_version") or "0"),
        total_bytes=sizes.total,
    )


def _extract(
    path: Path,
    candidate: PackCandidate,
    target: Path,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """Unpack into ``target``, enforcing the declared sizes while writing (zip bombs lie)."""
    written = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                relative = PurePosixPath(info.filename).relative_to(candidate.top)
                destination = target.joinpath(*relative.parts)
                if info.is_dir() or not relative.parts:
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                left = info.file_size
                with archive.open(info) as source, destination.open("xb") as sink:
                    while chunk := source.read(CHUNK):
                        left -= len(chunk)
                        written += len(chunk)
                        if left < 0 or written > min(candidate.total_bytes, MAX_TOTAL_BYTES):
                            raise PackError(
                                N_("{file}: {name} is larger than declared"),
                                file=path.name,
                                name=info.filename,
                            )
                        sink.write(chunk)
                        if cancel is not None and cancel.is_set():
                            raise PackCancelled(N_("Installation cancelled; nothing was changed."))
                        if progress is not None and candidate.total_bytes:
                            # unpacking is most of the work; proving the pack is the rest
                            progress(0.9 * min(written / candidate.total_bytes, 1.0))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackError(N_("{file} is damaged: {error}"), file=path.name, error=str(exc)) from exc
    except OSError as exc:
        raise PackError(
            N_("{file} could not be unpacked: {error}"),
            file=path.name,
            error=str(exc.strerror or exc),
        ) from exc


def read_pack(folder: Path, home: ArgosHome) -> PackInfo | None:
    """An installed pack folder as PackInfo, or None if the folder is not a usable pack."""
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        from_code = _code(metadata.get("from_code"), "from_code")
        to_code = _code(metadata.get("to_code"), "to_code")
    except (OSError, ValueError, PackError):
        return None
    if not all((folder / name).is_file() for name in REQUIRED_FILES) or not any(
        (folder / name).is_file() for name in TOKENIZERS
    ):
        return None  # e.g. left half-installed by an older version: not listed as usable
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return PackInfo(
        folder=folder,
        from_code=from_code,
        to_code=to_code,
        from_name=str(metadata.get("from_name") or from_code),
        to_name=str(metadata.get("to_name") or to_code),
        version=str(metadata.get("package_version") or "0"),
        size_bytes=size,
        system=home.system is not None and folder.parent == home.system,
    )


def _packs_in(folder: Path, home: ArgosHome) -> list[PackInfo]:
    try:
        children = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return []  # e.g. a machine-wide folder this user may not read
    packs = []
    for child in children:
        if child.is_dir() and not child.name.startswith("."):
            info = read_pack(child, home)
            if info is not None:
                packs.append(info)
    return packs


def list_packs(home: ArgosHome, *, system: bool = True) -> list[PackInfo]:
    """Installed packs, skipping anything in the folder that is not a pack; then (unless
    ``system`` is False) the machine-wide folder's packs for pairs the user has none of."""
    packs = _packs_in(home.packages, home)
    if system and home.system is not None and home.system != home.packages:
        own = {(p.from_code, p.to_code) for p in packs}
        packs += [p for p in _packs_in(home.system, home) if (p.from_code, p.to_code) not in own]
    return packs


def _staging(home: ArgosHome) -> Path:
    # Beside (not inside) the packages folder, on the same disk so the final move is a rename.
    folder = home.root / "staging" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return folder


def _aside_root(home: ArgosHome) -> Path:
    """Where replaced packs wait during a swap; only a crash leaves anything here."""
    return home.root / "replaced"


def recover_interrupted(home: ArgosHome) -> None:
    """Finish or undo a swap a crash interrupted; drop leftovers of unfinished installs.

    A pack renamed aside goes back into place when its pair has no installed pack (the
    crash came before the new one was renamed in), else it is deleted (the new one made
    it). Staging folders never hold an installed pack, so they are simply removed. Call
    only while no install runs (at start, or holding the engine's write lock).
    """
    aside = _aside_root(home)
    if aside.is_dir():
        installed = {(p.from_code, p.to_code) for p in list_packs(home, system=False)}
        for swap in sorted(aside.iterdir()):
            for old in sorted(swap.iterdir()) if swap.is_dir() else []:
                info = read_pack(old, home)
                target = home.packages / old.name
                pair = None if info is None else (info.from_code, info.to_code)
                if pair is not None and pair not in installed and not target.exists():
                    home.packages.mkdir(parents=True, exist_ok=True)
                    old.rename(target)
                    installed.add(pair)
            shutil.rmtree(swap, ignore_errors=True)
    staging = home.root / "staging"
    if staging.is_dir():
        for leftover in staging.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
    _remove_empty(aside, staging)


def _remove_empty(*folders: Path) -> None:
    """Remove each folder if it exists and is empty (a finished install leaves no trace)."""
    for folder in folders:
        # not empty (a crash's leftovers, for recover_interrupted) or already gone: keep
        with contextlib.suppress(OSError):
            folder.rmdir()


def _check_disk_space(path: Path, candidate: PackCandidate, home: ArgosHome) -> None:
    try:
        free = shutil.disk_usage(home.root).free
    except OSError:
        return  # unknown: the writes themselves will say if the disk fills up
    if free < candidate.total_bytes + DISK_MARGIN:
        raise PackError(
            N_("{file} needs {size} MB of free disk space to install; {free} MB are free"),
            file=path.name,
            size=f"{(candidate.total_bytes + DISK_MARGIN) / 1e6:.0f}",
            free=f"{free / 1e6:.0f}",
        )


def _swap_in(unpacked: Path, candidate: PackCandidate, home: ArgosHome, file_name: str) -> Path:
    """Rename the pair's current pack(s) aside, the proven one into place, drop the old.

    Until the new folder is in place the old ones are only renamed, so a failure puts
    them back and a crash is repaired by ``recover_interrupted``.
    """
    home.packages.mkdir(parents=True, exist_ok=True)
    final = home.packages / f"translate-{candidate.from_code}_{candidate.to_code}"
    pair = (candidate.from_code, candidate.to_code)
    own = list_packs(home, system=False)  # a machine-wide pack stays; the user's wins
    replaced = [p.folder for p in own if (p.from_code, p.to_code) == pair]
    if final.exists() and final not in replaced:
        replaced.append(final)  # a broken folder in the way (an older version left it)
    aside = _aside_root(home) / uuid.uuid4().hex
    aside.mkdir(parents=True)
    moved: list[tuple[Path, Path]] = []
    try:
        for old in replaced:  # out of the way first, so the pair never has two versions
            parked = aside / old.name
            old.rename(parked)
            moved.append((parked, old))
        unpacked.rename(final)
    except OSError as exc:
        try:
            for parked, old in reversed(moved):
                parked.rename(old)
            _remove_empty(aside, aside.parent)
        except OSError:
            pass  # left aside: recover_interrupted puts it back on the next start
        raise PackError(
            N_("{file} could not be moved into place: {error}"),
            file=file_name,
            error=str(exc.strerror or exc),
        ) from exc
    shutil.rmtree(aside, ignore_errors=True)  # the new pack is in place: the old one goes
    _remove_empty(aside.parent)
    return final


def install_pack(
    path: Path,
    home: ArgosHome,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> PackInfo:
    """Validate, extract, prove and swap a pack into place, replacing its pair's other version.

    The caller holds the engine's write lock (no translation runs meanwhile).
    """
    recover_interrupted(home)
    candidate = inspect_pack(path)
    _check_disk_space(path, candidate, home)
    staging = _staging(home)
    try:
        unpacked = staging / "pack"
        _extract(path, candidate, unpacked, progress, cancel)
        prove_usable(unpacked, home, path.name, cancel)
        if cancel is not None and cancel.is_set():
            raise PackCancelled(N_("Installation cancelled; nothing was changed."))
        final = _swap_in(unpacked, candidate, home, path.name)
        info = read_pack(final, home)
        if info is None:  # pragma: no cover - prove_usable checked the same files
            raise PackError(N_("{file} did not unpack into a usable pack"), file=path.name)
        return info
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(staging.parent)
        if progress is not None:
            progress(1.0)


def uninstall_pack(info: PackInfo, home: ArgosHome) -> None:
    """Remove a pack (moved aside first, so a half-deleted folder is never discovered)."""
    if info.folder.parent != home.packages:
        raise PackError(N_("{folder} is not in the packages folder"), folder=str(info.folder))
    staging = _staging(home)
    try:
        info.folder.rename(staging / info.folder.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(staging.parent)
