"""``python -m app.server`` is ``crossdesk-server``."""

from app.server.entry import main

raise SystemExit(main())
