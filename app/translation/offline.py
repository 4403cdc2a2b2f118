"""Importing argostranslate so that it cannot reach the network, ever.

argostranslate reads its settings once, at import, from the environment and a
``settings.json`` in the user's config folder; some of its code paths download
(the package index, its own pack downloader). So the first import happens here
only: with private folders under CrossDesk's data folder (a user's own argos
settings are never read), the local model provider forced, and every
downloading function replaced by one that fails with :class:`OfflineError`.

Only ``argostranslate.package`` (what a pack is: metadata, tokenizer) is
imported: never ``argostranslate.translate`` or ``argostranslate.sbd``, which
import MiniSBD and ONNX Runtime and would download a sentence model per source
language. CrossDesk splits sentences itself (:mod:`app.translation.segment`).
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import platformdirs

# Environment variables argostranslate reads at import; all are set (or removed) here.
_ARGOS_ENV = (
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "ARGOS_PACKAGES_DIR",
    "ARGOS_MODEL_PROVIDER",
    "ARGOS_DEVICE_TYPE",
    "ARGOS_BATCH_SIZE",
    "ARGOS_CHUNK_TYPE",
    "ARGOS_PACKAGE_INDEX",
    "ARGOS_DEBUG",
    "ARGOS_DEV_MODE",
    "ARGOS_COMPUTE_TYPE",
    "ARGOS_INTER_THREADS",
    "ARGOS_INTRA_THREADS",
    "ARGOS_BEAM_SIZE",
    "ARGOS_TRANSLATE_PACKAGE_DIR",
    "SNAP",
)

_lock = threading.Lock()
_loaded: ArgosModules | None = None


class OfflineError(RuntimeError):
    """Something would have needed the network; CrossDesk refused. The message says what."""


SYSTEM_PACKS_ENV = "CROSSDESK_SYSTEM_PACKS"


def system_packs_dir(environ: dict[str, str] | None = None) -> Path | None:
    """The machine-wide, read-only packs folder IT pre-seeds (a machine image, a software
    deployment): ``$CROSSDESK_SYSTEM_PACKS`` if set (empty: none), else ``packs`` in the
    OS's shared data folder (/usr/local/share/CrossDesk/packs or the first of
    $XDG_DATA_DIRS on Linux, C:\\ProgramData\\CrossDesk\\packs on Windows,
    /Library/Application Support/CrossDesk/packs on macOS)."""
    env = os.environ if environ is None else environ
    chosen = env.get(SYSTEM_PACKS_ENV)
    if chosen is not None:
        return Path(chosen).expanduser().absolute() if chosen.strip() else None
    return Path(platformdirs.site_data_dir("CrossDesk", False)) / "packs"


@dataclass(frozen=True)
class ArgosHome:
    """CrossDesk's private argostranslate folders (under the data folder), and the
    machine-wide packs folder whose packs are used but never changed."""

    root: Path
    system: Path | None = field(default_factory=system_packs_dir)

    @property
    def packages(self) -> Path:
        return self.root / "packages"


@dataclass(frozen=True)
class ArgosModules:
    """The imported modules, for the engine (never imported anywhere else)."""

    package: ModuleType
    ctranslate2: ModuleType
    home: ArgosHome


def _refuse(what: str) -> Any:
    def refused(*_args: object, **_kwargs: object) -> NoReturn:
        raise OfflineError(
            f"CrossDesk does not let argostranslate {what}: packs are installed from a file "
            "or downloaded by the pack manager when you ask for it."
        )

    return refused


def load_argos(home: ArgosHome, *, batch_tokens: int = 2048) -> ArgosModules:
    """Import argostranslate once, configured for ``home`` and sealed off from the network.

    argostranslate's settings are process globals fixed at import, so the first home
    configures its private folders; later calls return the same modules. The engine
    never relies on those globals for packs (it passes every path explicitly), so
    engines with other homes (tests) work in the same process.
    """
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        home.packages.mkdir(parents=True, exist_ok=True)
        saved = {key: os.environ.get(key) for key in _ARGOS_ENV}
        package: Any  # untyped modules whose functions are replaced below
        networking: Any
        try:
            for key in _ARGOS_ENV:
                os.environ.pop(key, None)
            os.environ.update(
                {
                    "XDG_DATA_HOME": str(home.root / "data"),
                    "XDG_CONFIG_HOME": str(home.root / "config"),
                    "XDG_CACHE_HOME": str(home.root / "cache"),
                    "ARGOS_PACKAGES_DIR": str(home.packages),
                    "ARGOS_MODEL_PROVIDER": "OPENNMT",
                    "ARGOS_DEVICE_TYPE": "cpu",
                    "ARGOS_BATCH_SIZE": str(batch_tokens),
                }
            )
            package = importlib.import_module("argostranslate.package")
            networking = importlib.import_module("argostranslate.networking")
            ctranslate2 = importlib.import_module("ctranslate2")
        finally:  # the rest of the process keeps its own environment
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        package.settings.package_data_dir = home.packages
        package.settings.package_dirs = [home.packages]
        package.update_package_index = _refuse("download the package index")
        package.get_available_packages = _refuse("list packages from the internet")
        package.install_package_for_language_pair = _refuse("download packs")
        package.AvailablePackage.download = _refuse("download packs")
        package.AvailablePackage.install = _refuse("download packs")
        package.Package.update = _refuse("update packs from the internet")
        networking.get = _refuse("fetch from the network")
        networking.get_from = _refuse("fetch from the network")
        networking.cache_spacy = _refuse("download spaCy models")
        _loaded = ArgosModules(package, ctranslate2, home)
        return _loaded
