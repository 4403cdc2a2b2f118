"""``python -m app.server`` is ``crossdesk-server``."""

from app.server.cli import main

raise SystemExit(main())
