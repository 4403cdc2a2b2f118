"""Importing argostranslate so that it cannot reach the network, ever.

argostranslate reads its settings once, at import, from the environment and a
``settings.json`` in the user's config folder; some of its code paths download
(MiniSBD sentence models on the first translation, the package index, its own
pack downloader). So the first import happens here only: with private folders
under CrossDesk's data folder (a user's own argos settings are never read),
the local model provider forced, and every downloading function replaced by
one that fails with :class:`OfflineError` naming what is missing.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

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


@dataclass(frozen=True)
class ArgosHome:
    """CrossDesk's private argostranslate folders (under the data folder)."""

    root: Path

    @property
    def packages(self) -> Path:
        return self.root / "packages"

    @property
    def sentence_models(self) -> Path:
        """Shared MiniSBD models for packs that do not carry their own."""
        return self.root / "data" / "argos-translate" / "minisbd"


@dataclass(frozen=True)
class ArgosModules:
    """The imported modules, for the engine (never imported anywhere else)."""

    package: ModuleType
    sbd: ModuleType
    translate: ModuleType
    ctranslate2: ModuleType
    home: ArgosHome


def _refuse(what: str) -> Any:
    def refused(*_args: object, **_kwargs: object) -> NoReturn:
        raise OfflineError(
            f"CrossDesk does not let argostranslate {what}: packs are installed from a file "
            "or downloaded by the pack manager when you ask for it."
        )

    return refused


def _offline_sentence_model(home: ArgosHome) -> Any:
    def get_model_file(name: str, progress_callback: object = None) -> str:
        """minisbd's lookup, minus the download: a file path, or a model in our folder."""
        if Path(name).is_file():
            return str(Path(name))
        candidate = home.sentence_models / f"{name}.onnx"
        if candidate.is_file():
            return str(candidate)
        raise OfflineError(
            f"No sentence model for '{name}' is installed. Install a language pack that "
            f"includes one, or add {candidate.name} to {home.sentence_models}."
        )

    return get_model_file


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
        home.sentence_models.mkdir(parents=True, exist_ok=True)
        saved = {key: os.environ.get(key) for key in (*_ARGOS_ENV, "KMP_DUPLICATE_LIB_OK")}
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
            sbd = importlib.import_module("argostranslate.sbd")
            translate = importlib.import_module("argostranslate.translate")
            networking = importlib.import_module("argostranslate.networking")
            minisbd = importlib.import_module("minisbd.minisbd")
            minisbd_models = importlib.import_module("minisbd.models")
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
        minisbd_models.download_models = _refuse("download sentence models")
        minisbd_models.cache_dir = str(home.sentence_models)
        offline_lookup = _offline_sentence_model(home)
        minisbd.get_model_file = offline_lookup  # the name SBDetect calls
        minisbd_models.get_model_file = offline_lookup
        _loaded = ArgosModules(package, sbd, translate, ctranslate2, home)
        return _loaded
