"""Print the contract's OpenAPI document, generated from the reference server:

    python -m app.server.openapi > resources/contract/openapi.json

Sorted keys and fixed indentation make the committed file diff cleanly; a test fails
when it no longer matches what the server declares.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.server.app import create_app
from app.server.config import ServerConfig


def openapi_document() -> dict[str, Any]:
    """The document as the server serves it at /openapi.json."""
    with tempfile.TemporaryDirectory(prefix="crossdesk-openapi-") as folder:
        application = create_app(ServerConfig(data_dir=Path(folder)))
        try:
            return application.openapi()
        finally:
            application.state.server.db.dispose()


def render() -> str:
    return json.dumps(openapi_document(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
