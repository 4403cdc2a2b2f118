"""Language packs on disk: validated before anything is unpacked, installed atomically.

argostranslate's own installer only checks that a file is a zip and extracts it
into the packages folder; one stray folder there makes every later discovery
call fail, so every pair stops working. Here a pack is checked entry by entry
(one top-level folder, no absolute or ``..`` paths, no links, size caps, the
files a pack needs), extracted to a staging folder beside the packages folder
with the sizes enforced while writing, and only then renamed into place. A
refused pack leaves the installed ones untouched.
"""

from __future__ import annotations

import json
import shutil
import stat
import threading
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.domain.errors import LocalizedError
from app.i18n import N_
from app.translation.offline import ArgosHome

MAX_TOTAL_BYTES = 3 * 1024**3  # the largest real Argos packs are a few hundred MB
MAX_MEMBERS = 5_000
CHUNK = 1 << 20
# minisbd's file names for the codes whose model is not simply <code>.onnx
SENTENCE_MODEL_NAMES = {"zh": "zh-hans", "zt": "zh-hant", "pb": "pt"}

Progress = Callable[[float], None]


class PackError(LocalizedError):
    """A pack that cannot be installed; the message says why, for the user."""


class PackCancelled(PackError):  # noqa: N818 - reads as what happened
    """The user cancelled; nothing was changed."""


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
    sentence_model: Path | None  # None: the pair cannot be used until one is added

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def key(self) -> str:
        """Identifies this exact model (pair and version), e.g. in cache keys."""
        return f"{self.pair}@{self.version}"

    @property
    def usable(self) -> bool:
        return self.sentence_model is not None


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


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


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


def inspect_pack(path: Path, *, max_total: int = MAX_TOTAL_BYTES) -> PackCandidate:
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
            tops: set[str] = set()
            total = 0
            names: set[str] = set()
            for info in members:
                name = info.filename
                pure = PurePosixPath(name)
                if (
                    name.startswith(("/", "\\"))
                    or "\\" in name
                    or (len(name) > 1 and name[1] == ":")
                ):
                    raise PackError(
                        N_("{file} contains an absolute path: {name}"), file=path.name, name=name
                    )
                if ".." in pure.parts:
                    raise PackError(
                        N_("{file} contains a path leaving its folder: {name}"),
                        file=path.name,
                        name=name,
                    )
                if _is_link(info):
                    raise PackError(N_("{file} contains a link: {name}"), file=path.name, name=name)
                tops.add(pure.parts[0])
                total += info.file_size
                names.add(name.rstrip("/"))
            if len(tops) != 1:
                raise PackError(
                    N_("{file} must hold exactly one top-level folder, not {count}"),
                    file=path.name,
                    count=len(tops),
                )
            if total > max_total:
                raise PackError(
                    N_("{file} would unpack to {size} GB, more than the {limit} GB a pack may use"),
                    file=path.name,
                    size=f"{total / 1e9:.1f}",
                    limit=f"{max_total / 1e9:.1f}",
                )
            top = tops.pop()
            for required in ("metadata.json", "model/model.bin", "model/config.json"):
                if f"{top}/{required}" not in names:
                    raise PackError(
                        N_("{file} is missing {required}"), file=path.name, required=required
                    )
            if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
                raise PackError(
                    N_("{file} has no tokenizer (sentencepiece.model or bpe.model)"), file=path.name
                )
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise PackError(
                    N_("{file}: metadata.json is not valid JSON ({error})"),
                    file=path.name,
                    error=str(exc),
                ) from exc
    except zipfile.BadZipFile as exc:
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
        total_bytes=total,
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
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            relative = PurePosixPath(info.filename).relative_to(candidate.top)
            destination = target.joinpath(*relative.parts)
            if info.is_dir() or not relative.parts:
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            left = info.file_size
            with archive.open(info) as source, destination.open("wb") as sink:
                while chunk := source.read(CHUNK):
                    left -= len(chunk)
                    written += len(chunk)
                    if left < 0 or written > MAX_TOTAL_BYTES:
                        raise PackError(
                            N_("{file}: {name} is larger than declared"),
                            file=path.name,
                            name=info.filename,
                        )
                    sink.write(chunk)
                    if cancel is not None and cancel.is_set():
                        raise PackCancelled(N_("Installation cancelled; nothing was changed."))
                    if progress is not None and candidate.total_bytes:
                        progress(min(written / candidate.total_bytes, 1.0))


def _sentence_model(folder: Path, from_code: str, home: ArgosHome) -> Path | None:
    own = sorted((folder / "minisbd").glob("*.onnx")) if (folder / "minisbd").is_dir() else []
    if own:
        return own[0]
    shared = home.sentence_models / f"{SENTENCE_MODEL_NAMES.get(from_code, from_code)}.onnx"
    return shared if shared.is_file() else None


def read_pack(folder: Path, home: ArgosHome) -> PackInfo | None:
    """An installed pack folder as PackInfo, or None if the folder is not a usable pack."""
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        from_code = _code(metadata.get("from_code"), "from_code")
        to_code = _code(metadata.get("to_code"), "to_code")
    except (OSError, ValueError, PackError):
        return None
    if not (folder / "model" / "model.bin").is_file():
        return None
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return PackInfo(
        folder=folder,
        from_code=from_code,
        to_code=to_code,
        from_name=str(metadata.get("from_name") or from_code),
        to_name=str(metadata.get("to_name") or to_code),
        version=str(metadata.get("package_version") or "0"),
        size_bytes=size,
        sentence_model=_sentence_model(folder, from_code, home),
    )


def list_packs(home: ArgosHome) -> list[PackInfo]:
    """Installed packs, skipping anything in the folder that is not a pack."""
    if not home.packages.is_dir():
        return []
    packs = []
    for folder in sorted(home.packages.iterdir()):
        if folder.is_dir() and not folder.name.startswith("."):
            info = read_pack(folder, home)
            if info is not None:
                packs.append(info)
    return packs


def _staging(home: ArgosHome) -> Path:
    # Beside (not inside) the packages folder, on the same disk so the final move is a rename.
    folder = home.root / "staging" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return folder


def install_pack(
    path: Path,
    home: ArgosHome,
    *,
    sentence_model: Path | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> PackInfo:
    """Validate, extract and move a pack into place, replacing any other version of its pair.

    The caller holds the engine's write lock (no translation runs meanwhile).
    """
    candidate = inspect_pack(path)
    if sentence_model is not None and not _looks_like_onnx(sentence_model):
        raise PackError(N_("{file} is not a sentence model (.onnx file)"), file=sentence_model.name)
    staging = _staging(home)
    try:
        unpacked = staging / "pack"
        _extract(path, candidate, unpacked, progress, cancel)
        if sentence_model is not None:
            (unpacked / "minisbd").mkdir(exist_ok=True)
            shutil.copyfile(sentence_model, unpacked / "minisbd" / f"{candidate.from_code}.onnx")
        home.packages.mkdir(parents=True, exist_ok=True)
        final = home.packages / f"translate-{candidate.from_code}_{candidate.to_code}"
        previous = [
            p
            for p in list_packs(home)
            if (p.from_code, p.to_code) == (candidate.from_code, candidate.to_code)
        ]
        for old in previous:  # out of the way first, so the pair never has two versions
            old.folder.rename(staging / f"old-{old.folder.name}")
        unpacked.rename(final)
        info = read_pack(final, home)
        if info is None:  # pragma: no cover - inspect_pack checked the same files
            raise PackError(N_("{file} did not unpack into a usable pack"), file=path.name)
        return info
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if progress is not None:
            progress(1.0)


def _looks_like_onnx(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return path.suffix.lower() == ".onnx" and len(head) > 8


def add_sentence_model(path: Path, code: str, home: ArgosHome) -> Path:
    """Make a MiniSBD model available to every pack translating from ``code``."""
    if not _looks_like_onnx(path):
        raise PackError(N_("{file} is not a sentence model (.onnx file)"), file=path.name)
    home.sentence_models.mkdir(parents=True, exist_ok=True)
    target = home.sentence_models / f"{SENTENCE_MODEL_NAMES.get(code, code)}.onnx"
    temporary = target.with_suffix(".part")
    shutil.copyfile(path, temporary)
    temporary.replace(target)
    return target


def uninstall_pack(info: PackInfo, home: ArgosHome) -> None:
    """Remove a pack (moved aside first, so a half-deleted folder is never discovered)."""
    if info.folder.parent != home.packages:
        raise PackError(N_("{folder} is not in the packages folder"), folder=str(info.folder))
    staging = _staging(home)
    try:
        info.folder.rename(staging / info.folder.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
