"""``python -m app.knowledge.check DIR``: check an article folder by hand, as the tests
check the bundled one (every article complete in both languages, with keywords,
sources and a verified date)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.contract.localized import BILINGUAL
from app.knowledge.articles import load_articles


def main(argv: list[str]) -> int:
    failed = 0
    for folder in argv or ["resources/knowledge/articles"]:
        articles, errors = load_articles(Path(folder), BILINGUAL)
        for error in errors:
            print(error, file=sys.stderr)
        print(f"{folder}: {len(articles)} articles complete, {len(errors)} with problems")
        failed += len(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
