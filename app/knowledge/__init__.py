"""Knowledge articles: the bundled and team files, their schema and safe rendering (Qt-free)."""
