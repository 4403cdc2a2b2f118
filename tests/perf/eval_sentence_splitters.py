"""Sentence splitters on the demo's customer messages, one line per language tag.

Why: CrossDesk used MiniSBD (AGPL-3.0, ONNX Runtime, one model download per source
language) to cut messages into sentences before translation. This compares the splitter
that replaced it (sentencex, MIT, rule-based) with ICU's sentence breaker (icu4py, MIT,
~42 MB of ICU data) on real customer-style text: boundary agreement, "obvious errors"
(a cut right after a common abbreviation or inside a number) and speed. MiniSBD itself
cannot be measured here: its models are GitHub release downloads, not packages.

Run: ``.venv/bin/python tests/perf/eval_sentence_splitters.py [--icu-path DIR]``
(``DIR`` holds icu4py when it is not installed: ``pip install --target DIR icu4py``).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sr|Sra|St|No|Nr|Nº|e\.g|i\.e|z\.B|etc|vs|approx|Av|Jl|ca|bzw|usw|"
    r"p\.ex|Art|Abs|Co|Ltd|Inc|tel|Tel)\.)$"
)


def messages() -> dict[str, list[str]]:
    """Customer messages per language tag (from the customer's profile)."""
    customers = yaml.safe_load((DEMO / "customers.yaml").read_text(encoding="utf-8"))
    rows = customers["customers"] if isinstance(customers, dict) else customers
    language = {c["id"]: c.get("language", "en") for c in rows}
    out: dict[str, list[str]] = defaultdict(list)
    for path in sorted((DEMO / "conversations").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for conversation in data.get("conversations", []):
            tag = language.get(conversation.get("customer"), "en")
            for message in conversation.get("messages", []):
                if message.get("from") == "customer" and str(message.get("text", "")).strip():
                    out[tag].extend(p for p in str(message["text"]).split("\n") if p.strip())
    return out


def bounds(parts: list[str]) -> set[int]:
    """Character offsets where one sentence ends (trailing whitespace belongs to it)."""
    offsets, at = set(), 0
    for part in parts[:-1]:
        at += len(part)
        offsets.add(at)
    return offsets


def obvious_errors(text: str, cuts: set[int]) -> int:
    errors = 0
    for cut in cuts:
        before, after = text[:cut].rstrip(), text[cut:].lstrip()
        if not after:
            continue
        # A cut after "Dr." / "Abs." or inside "3.5" is wrong; a cut before a lowercase word
        # is not counted: customers in chat write "ok thanks. see you" in lowercase.
        if ABBREVIATIONS.search(before) or (before[-1:].isdigit() and after[:1].isdigit()):
            errors += 1
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icu-path", type=Path)
    args = parser.parse_args()
    if args.icu_path:
        sys.path.insert(0, str(args.icu_path))
    from sentencex import segment

    try:
        from icu4py.breakers import SentenceBreaker
    except ImportError:
        SentenceBreaker = None  # noqa: N806 - the class, when present

    def sx(text: str, tag: str) -> list[str]:
        return list(segment(tag.split("-")[0], text))

    def icu(text: str, tag: str) -> list[str]:
        return list(SentenceBreaker(text, tag.replace("-", "_")))

    data = messages()
    print(f"{len(data)} language tags, {sum(len(v) for v in data.values())} paragraphs")
    print(f"{'tag':8} {'paras':>5} {'sx':>5} {'icu':>5} {'agree':>6} {'sx err':>6} {'icu err':>7}")
    total = defaultdict(float)
    for tag in sorted(data):
        sx_count = icu_count = same = union = sx_err = icu_err = 0
        for text in data[tag]:
            start = time.perf_counter()
            a = sx(text, tag)
            total["sx_s"] += time.perf_counter() - start
            sx_cuts = bounds(a)
            sx_count += len(a)
            sx_err += obvious_errors(text, sx_cuts)
            if SentenceBreaker is not None:
                start = time.perf_counter()
                b = icu(text, tag)
                total["icu_s"] += time.perf_counter() - start
                icu_cuts = {c for c in bounds(b)}
                icu_count += len(b)
                icu_err += obvious_errors(text, icu_cuts)
                same += len(sx_cuts & icu_cuts)
                union += len(sx_cuts | icu_cuts)
        agree = f"{same / union:.0%}" if union else "-"
        print(
            f"{tag:8} {len(data[tag]):5} {sx_count:5} {icu_count:5} {agree:>6} "
            f"{sx_err:6} {icu_err:7}"
        )
        for key, value in (("sx_err", sx_err), ("icu_err", icu_err), ("same", same)):
            total[key] += value
        total["union"] += union
    print(
        f"total: boundary agreement {total['same'] / max(total['union'], 1):.1%}, obvious "
        f"errors sentencex {int(total['sx_err'])}, ICU {int(total['icu_err'])}; time "
        f"sentencex {total['sx_s'] * 1000:.1f} ms, ICU {total['icu_s'] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
