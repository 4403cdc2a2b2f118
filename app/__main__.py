"""``python -m app`` runs CrossDesk."""

from app.ui.bootstrap import main

raise SystemExit(main())
