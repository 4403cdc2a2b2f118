"""What a language pack may contain, and the proof that an unpacked one really works.

A pack comes from outside (a file the agent picked, a download), so everything in it is
bounded before a byte is written: entry count, the size of every file and of the whole,
and how much each entry expands (a 2 MB zip must not become 2 GB). Once unpacked into a
staging folder, the pack must then *prove* it is usable, the way the engine will use it:
the files it needs are regular files, CTranslate2 loads the model, the tokenizer loads
and one short sentence translates. Only then may it replace an installed pack.

Sizes of real packs. The public index (github.com/argosopentech/argospm-index,
``index.json``) lists each pack's links but no sizes; the packs it links
(``https://argos-net.com/v1/translate-<from>_<to>-<version>.argosmodel``) are zips of about
50-200 MB, nearly all of it ``model/model.bin`` (int8/float16 CTranslate2 weights,
~150-450 MB for the largest models, which deflate hardly at all: unpacked ≈ zipped),
plus a SentencePiece/BPE model and vocabularies of 0.2-2 MB, JSON files of a few hundred
bytes and, in older packs, a Stanza sentence model of a few MB. The limits below are about
twice the largest of those; the compression limit is far above what any of those files
reach (model weights ~1.1x, text ~3-5x) and far below what a bomb needs (~1000x).
"""

from __future__ import annotations

import stat
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from app.domain.errors import LocalizedError
from app.i18n import N_
from app.translation.offline import ArgosHome, load_argos

MIB = 1024**2
MAX_TOTAL_BYTES = 1536 * MIB  # unpacked size of a whole pack
MAX_MEMBERS = 5_000
MAX_OTHER_FILE_BYTES = 256 * MIB  # any file without its own limit (vocabularies, Stanza, ...)
MAX_RATIO = 50  # uncompressed / compressed, per entry
MAX_HIGHLY_COMPRESSED_BYTES = 16 * MIB  # bytes allowed from entries above MAX_RATIO
REQUIRED_FILES = ("metadata.json", "model/model.bin", "model/config.json")
TOKENIZERS = ("sentencepiece.model", "bpe.model")  # argostranslate's order of preference
# (smallest, largest) plausible size of each file a pack needs, in bytes
FILE_LIMITS: dict[str, tuple[int, int]] = {
    "metadata.json": (2, 1 * MIB),
    "model/config.json": (2, 1 * MIB),
    "model/model.bin": (1024, 1024 * MIB),
    "sentencepiece.model": (1, 64 * MIB),
    "bpe.model": (1, 64 * MIB),
}
SAMPLE_SENTENCE = "Hello, how are you?"
SAMPLE_MAX_TOKENS = 16  # enough to prove decoding works, too few to take long
DETAIL_CHARS = 200  # of a library's own error message, shown after ours


class PackError(LocalizedError):
    """A pack that cannot be installed; the message says why, for the user."""


class PackCancelled(PackError):  # noqa: N818 - reads as what happened
    """The user cancelled; nothing was changed."""


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}"


def _size_limits(relative: str) -> tuple[int, int]:
    return FILE_LIMITS.get(relative, (0, MAX_OTHER_FILE_BYTES))


@dataclass
class MemberCheck:
    """Accumulates what the entries of one archive declare, refusing as soon as one is off."""

    file_name: str
    total: int = 0
    highly_compressed: int = 0

    def file(self, info: zipfile.ZipInfo, relative: str) -> None:
        """One regular-file entry: its size within its limit, its expansion plausible."""
        low, high = _size_limits(relative)
        if info.file_size > high:
            raise PackError(
                N_(
                    "{file}: {name} would unpack to {size} MB; in real packs it is under {limit} MB"
                ),
                file=self.file_name,
                name=relative,
                size=_mb(info.file_size),
                limit=_mb(high),
            )
        if info.file_size < low:
            raise PackError(
                N_("{file}: {name} is only {size} bytes, too small to be real"),
                file=self.file_name,
                name=relative,
                size=info.file_size,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            self.highly_compressed += info.file_size
            if self.highly_compressed > MAX_HIGHLY_COMPRESSED_BYTES:
                raise PackError(
                    N_(
                        "{file} is not a real language pack: {name} would expand {ratio} times "
                        "(from {packed} MB to {size} MB); real packs expand less than {limit} "
                        "times. Get the pack again from a trusted source."
                    ),
                    file=self.file_name,
                    name=relative,
                    ratio=int(ratio),
                    packed=_mb(info.compress_size),
                    size=_mb(info.file_size),
                    limit=MAX_RATIO,
                )
        self.total += info.file_size
        if self.total > MAX_TOTAL_BYTES:
            raise PackError(
                N_("{file} would unpack to more than {limit} MB, more than a pack may use"),
                file=self.file_name,
                limit=_mb(MAX_TOTAL_BYTES),
            )


def check_layout(file_name: str, top: str, files: set[str], folders: set[str]) -> None:
    """The files a pack needs are present *as files* (a folder named model.bin is not one)."""
    for required in (*REQUIRED_FILES, *TOKENIZERS):
        if f"{top}/{required}" in folders:
            raise PackError(
                N_("{file}: {name} is a folder; a language pack needs it to be a file"),
                file=file_name,
                name=required,
            )
    for required in REQUIRED_FILES:
        if f"{top}/{required}" not in files:
            raise PackError(N_("{file} is missing {required}"), file=file_name, required=required)
    if not any(f"{top}/{name}" in files for name in TOKENIZERS):
        raise PackError(
            N_("{file} has no tokenizer (sentencepiece.model or bpe.model)"), file=file_name
        )


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def top_folder(file_name: str, members: list[zipfile.ZipInfo]) -> str:
    """The one folder everything is in; refuses paths that leave it and links."""
    tops: set[str] = set()
    for info in members:
        name = info.filename
        pure = PurePosixPath(name)
        if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
            raise PackError(
                N_("{file} contains an absolute path: {name}"), file=file_name, name=name
            )
        if ".." in pure.parts or not pure.parts:
            raise PackError(
                N_("{file} contains a path leaving its folder: {name}"),
                file=file_name,
                name=name,
            )
        if _is_link(info):
            raise PackError(N_("{file} contains a link: {name}"), file=file_name, name=name)
        tops.add(pure.parts[0])
    if len(tops) != 1:
        raise PackError(
            N_("{file} must hold exactly one top-level folder, not {count}"),
            file=file_name,
            count=len(tops),
        )
    return tops.pop()


def implied_folders(names: set[str]) -> set[str]:
    """Every folder an archive creates, listed or implied by the paths below it."""
    folders: set[str] = set()
    for name in names:
        parts = PurePosixPath(name).parts
        folders.update("/".join(parts[:end]) for end in range(1, len(parts)))
    return folders


def _detail(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def _check_staged_files(folder: Path, file_name: str) -> str:
    """Each needed file is a regular file of plausible size; returns the tokenizer's name."""
    tokenizer = next((name for name in TOKENIZERS if (folder / name).exists()), None)
    for relative in (*REQUIRED_FILES, tokenizer or TOKENIZERS[0]):
        try:
            mode = (folder / relative).lstat()
        except OSError:
            raise PackError(
                N_("{file} is missing {required}"), file=file_name, required=relative
            ) from None
        if not stat.S_ISREG(mode.st_mode):
            raise PackError(
                N_("{file}: {name} is a folder; a language pack needs it to be a file"),
                file=file_name,
                name=relative,
            )
        low, high = _size_limits(relative)
        if not low <= mode.st_size <= high:
            raise PackError(
                N_("{file}: {name} has an implausible size ({size} bytes)"),
                file=file_name,
                name=relative,
                size=mode.st_size,
            )
    return tokenizer or TOKENIZERS[0]


def _cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise PackCancelled(N_("Installation cancelled; nothing was changed."))


def prove_usable(
    folder: Path, home: ArgosHome, file_name: str, cancel: threading.Event | None = None
) -> None:
    """Load the staged pack as the engine will and translate one sentence; PackError if not.

    Runs on the worker thread the install runs on. CTranslate2 and SentencePiece report
    problems as C++ exceptions of several types; each becomes a PackError naming the file.
    """
    tokenizer_name = _check_staged_files(folder, file_name)
    _cancelled(cancel)
    argos = load_argos(home)
    try:
        package: Any = argos.package.Package(folder)
        tokens = package.tokenizer.encode(SAMPLE_SENTENCE)
    except Exception as exc:  # any failure of a third-party loader means the same
        raise PackError(
            N_("{file}: the tokenizer {name} cannot be used ({error})"),
            file=file_name,
            name=tokenizer_name,
            error=_detail(exc),
        ) from exc
    _cancelled(cancel)
    try:
        translator = argos.ctranslate2.Translator(
            str(folder / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
    except Exception as exc:
        raise PackError(
            N_("{file}: the translation model in model/ cannot be loaded ({error})"),
            file=file_name,
            error=_detail(exc),
        ) from exc
    try:
        prefix = [[package.target_prefix]] if package.target_prefix else None
        results = translator.translate_batch(
            [tokens],
            target_prefix=prefix,
            beam_size=1,
            max_decoding_length=SAMPLE_MAX_TOKENS,
        )
        text = package.tokenizer.decode(list(results[0].hypotheses[0]))
        if not isinstance(text, str):
            raise TypeError(f"the tokenizer decoded {type(text).__name__}, not text")
    except Exception as exc:
        raise PackError(
            N_("{file}: the model loads but cannot translate a test sentence ({error})"),
            file=file_name,
            error=_detail(exc),
        ) from exc
    finally:
        translator.unload_model()  # nothing of the staged folder stays open before the swap
        del translator
