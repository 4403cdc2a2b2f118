"""Where CrossDesk keeps its files and what it remembers between runs (Qt-free)."""
