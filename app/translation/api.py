"""The translation values the UI may name, from one Qt-free place.

``app.ui`` may not import the internals of ``app.translation`` (import-linter): it reads
these plain values and submits the work itself through ``app.ops`` (``app.ops.packs``,
``app.ops.translation``), so the engine can change behind them. Nothing here does work
beyond a pure helper, and nothing here loads a heavy library.
"""

from app.translation.engine import NoRouteError
from app.translation.offline import ArgosHome
from app.translation.pack_check import PackError
from app.translation.pack_download import PUBLIC_INDEX, CatalogueEntry, DownloadError
from app.translation.packs import PackCandidate, PackInfo
from app.translation.pipeline import Provenance, ProvenanceKind, Result, primary

__all__ = [
    "PUBLIC_INDEX",
    "ArgosHome",
    "CatalogueEntry",
    "DownloadError",
    "NoRouteError",
    "PackCandidate",
    "PackError",
    "PackInfo",
    "Provenance",
    "ProvenanceKind",
    "Result",
    "primary",
]
