"""``python -m app`` runs CrossDesk."""

from app.ui.shell.bootstrap import main

raise SystemExit(main())
