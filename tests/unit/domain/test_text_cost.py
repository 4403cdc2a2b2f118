"""What the draft checker pays on every keystroke for matching normalised text
(app.domain.text): the normalisation stays cheaper than a plain NFKC of the draft, and
mapping spans back costs Python work per special character, not per character. Both
give exactly the results of the straightforward definitions they replace."""

from __future__ import annotations

import random
import sys
import time
import unicodedata
from collections.abc import Callable
from types import FrameType
from typing import Any

from app.domain import text
from app.domain.text import MatchText, normalize_for_match

# A Chinese reply as agents write it: Han text with full-width punctuation (which NFKC
# changes), a currency sign and ASCII digits.
CHINESE = (
    "亲，您好！您的订单已经发货啦，么么哒～物流这边马上就到，给力！如果有问题随时找我们哦，"
    "包邮包退，限时秒杀优惠，绝绝子！退款会在3/4之前原路返回，金额是¥199。稍安勿躁，"
)


def _best_of(runs: int, *calls: Callable[[], object]) -> list[float]:
    """The fastest of ``runs`` timings of each call, taken in turns (a busy machine slows
    them alike)."""
    best = [float("inf")] * len(calls)
    for _ in range(runs):
        for index, call in enumerate(calls):
            started = time.perf_counter()
            call()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def test_normalising_a_chinese_draft_costs_less_than_nfkc_alone() -> None:
    """normalize_for_match is NFKC and more, yet it must not cost what CPython's NFKC
    costs on Han text (it composes character by character): the checker runs it on
    every keystroke."""
    draft = (CHINESE * 300)[:20_000]
    ours, nfkc = _best_of(
        15, lambda: normalize_for_match(draft), lambda: unicodedata.normalize("NFKC", draft)
    )
    assert ours < nfkc * 0.8, f"{ours * 1000:.2f} ms against NFKC {nfkc * 1000:.2f} ms"


def _python_lines(call: Callable[[], object]) -> int:
    """How many lines of app/domain/text.py run during ``call``."""
    count = 0

    def trace(frame: FrameType, event: str, _arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != text.__file__:
            return None
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def test_mapping_spans_back_does_not_loop_over_every_character() -> None:
    """A 20,000-character draft costs the Python work of a 200-character one: the
    characters that normalise one for one are mapped in bulk."""

    def spans(draft: str) -> Callable[[], object]:
        def run() -> None:
            folded = MatchText(draft)
            folded.span(0, 1)
            folded.span(len(folded.normalized) - 2, len(folded.normalized))

        return run

    special = "Ｏｒｄｅｒ ｶﾞｲﾄﾞ pay\u200bpal ส่งของ Straße "  # each needs a closer look
    for prefix in ("", special):
        short, long = prefix + (CHINESE * 300)[:200], prefix + (CHINESE * 300)[:20_000]
        for draft in (short, long):
            spans(draft)()  # fill the per-character caches first
        assert _python_lines(spans(long)) <= _python_lines(spans(short)) + 20


# --- the same results as the definitions --------------------------------------------------


def _reference_spans(raw: str) -> tuple[str, list[int], list[int]]:
    """Normalise one cluster at a time (the definition MatchText follows): each
    normalised character maps to the whole cluster it came from."""
    starts: list[int] = []
    ends: list[int] = []
    pieces: list[str] = []
    begin = 0
    for index in range(1, len(raw) + 1):
        if index < len(raw) and not text._starts_cluster(raw[index]):
            continue
        piece = normalize_for_match(raw[begin:index])
        pieces.append(piece)
        starts.extend([begin] * len(piece))
        ends.extend([index] * len(piece))
        begin = index
    return "".join(pieces), starts, ends


def test_spans_are_those_of_normalising_cluster_by_cluster() -> None:
    rng = random.Random(11)
    pools = [
        "aAİßﬁ ’-", "\u0301\u0308\u0307\u200b\u200d\ufe0f\u00ad\u0345", "ｶﾞﾟﾀｶﾅｰ",
        "ㄱㅏㄴ가\u1161\u11a8",
        "ส่งของถึงแล้วครับ", "ೇோௗ\u0b47\u0b3e", "ＬＭ２０２６", "㍿①½🙏👍🏽", "नमस्ते\u093c", CHINESE,
        "ǰΣσςᾳ", "\u0627\u064e\u0644\u0653",
    ]  # fmt: skip
    for _ in range(3000):
        raw = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 30)))
        folded = MatchText(raw)
        joined, starts, ends = _reference_spans(raw)
        assert folded.normalized == joined == normalize_for_match(raw), repr(raw)
        for start in range(len(joined)):
            for end in range(start + 1, min(len(joined), start + 6) + 1):
                assert folded.span(start, end) == (starts[start], ends[end - 1]), repr(raw)


def test_normalisation_is_unicode_nfkc_for_every_character() -> None:
    """The faster NFKC (decompose, then compose) is NFKC, for every code point next to a
    letter and a mark it could compose with."""
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        sample = f"a{chr(code)}\u0301"
        assert text._nfkc(sample) == unicodedata.normalize("NFKC", sample), hex(code)
