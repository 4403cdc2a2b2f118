"""The frozen application's entry point (PyInstaller runs a script, not an entry point).

The same ``main`` as the ``crossdesk`` console script and the ``crossdesk-gui`` GUI script,
so the bundle takes exactly the arguments a pip install takes.
"""

from app.ui.shell.bootstrap import main

if __name__ == "__main__":
    raise SystemExit(main())
