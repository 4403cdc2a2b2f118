"""The Qt (PySide6) layer: the only package that imports Qt."""
