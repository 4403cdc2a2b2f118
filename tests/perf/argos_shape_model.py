"""An Argos-shaped translation pack for benchmarks, built offline in a few seconds.

Real Argos Translate packs cannot be downloaded here, so this builds a pack with the *size and
shape* of the usual ones -- a CTranslate2 Transformer with 6 encoder + 6 decoder layers,
d_model 512, 8 heads, FFN 2048, a shared vocabulary of 32,000 pieces, int8 -- and with weights
arranged so that it behaves like a real model where timing is concerned: the output is about as
long as the input (a random-weight model either stops at once or runs to the maximum length).

Design ("copy mode" at full scale):

- Tokenizer: a real SentencePiece BPE model (byte_fallback) trained on a word-like synthetic
  corpus (English function and support words plus Zipf-distributed pseudo-words), so English-like
  text gives roughly 1.3 pieces per word. The CTranslate2 vocabulary is the SentencePiece pieces
  (same ids) padded with dummy pieces up to exactly ``vocab_size``.
- The model space is split into a token subspace (the first ``d_model - head_dim`` dims) and a
  position subspace (the last ``head_dim`` dims). Token embeddings are random unit vectors in the
  token subspace (nearly orthogonal in 448 dims); position encodings are random unit vectors in
  the position subspace (a learned table, as OpenNMT-py converts its ``pe`` buffer).
- Decoder layer 0's cross-attention is the copy head: in every head, queries and keys read only
  the position subspace, so step ``t`` attends to source position ``t``; all heads but the last
  carry the token subspace of that position as values and the output projection writes it back.
  The output projection is tied to the encoder embeddings, so the argmax is the attended source
  token, and ``add_source_eos`` makes the model copy ``</s>`` and stop. The final layer norm's
  gain sets the confidence (about -0.4 nats per output token, like a fairly sure real model);
  in practice the output is an exact copy at any beam size.
- Every other sublayer (all encoder layers, decoder self-attention, FFNs, later cross-attentions)
  has dense random input projections and a tiny random output projection: a near-exact residual
  pass-through that still costs the real compute of every GEMM. Apart from deliberate ties (the
  output projection is the encoder embedding table; one position table serves both sides, as in
  OpenNMT-py conversions) no weight matrix is zero or duplicated, so CTranslate2 aliases nothing
  else away and model.bin has a real int8 size (~80 MB: two 32k x 512 tables + 44M layer weights).

Output length is controlled by the weights only; decoding uses CTranslate2's defaults (no
min/max decoding length).

    python tests/perf/argos_shape_model.py [--out DIR] [--runs N] [--threads 2] [--rebuild]

builds (or reuses) the pack and prints one JSON line with build time, model size, and bare
``Translator.translate_batch`` latencies for beam 1 and beam 4 on 2 intra threads.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

BUILD_FORMAT = 1  # bump when the construction changes, so cached builds are rebuilt
MAX_POSITIONS = 1024  # rows of the position table == CTranslate2's default max_input_length
PACK_NAME = "translate-{src}_{tgt}-bench"

# Frequent English words, many typical of support messages; they take the top Zipf ranks.
_REAL_WORDS_TEXT = """
the of and to a in is it you that for was on are with as I be this have from or at by not but
what all we your can they an if there which do will one my so about has would been up out when
more no were our me he she his her them their any some just only other time also into could
should than then now like how these two very after did because may its well even new want first
way get make know here see back need please thank thanks hello hi dear those order refund
payment delivery package shipping address account card price item product days week today
tomorrow yesterday still sent received help issue problem question answer email phone number
message customer service support team store return exchange size color free cost total paid pay
charge invoice receipt tracking status update cancel change check confirm wait waiting late
soon fast long good great sorry happy sure yes okay right wrong damaged broken missing again
already never always every each many much most last next same different let us best regards
kind nice day morning evening night hour hours minute minutes month year people person man
woman child children family friend home house office room door window car city country world
place area part side end point group company business work job money information system program
government school student teacher book page word name line story fact case hand eye head face
body life water food air light power level form type reason result experience effect idea
interest view example course report ask said says tell told give gave take took come came go
went going gone find found think thought look looked looking use used using try tried call
called feel felt seem seemed leave left keep kept put bring brought begin began show showed
hear heard play run move live believe hold happen write wrote provide sit stand lose lost add
added understand watch follow stop create speak read allow spend grow open opened walk win
offer remember love consider appear buy bought serve die send expect build stay fall cut reach
kill remain suggest raise pass sell sold require decide pull explain hope develop carry break
receive agree include continue set learn lead making made done doing does being having getting
trying small large big little old young high low early important public able bad own possible
whole real full special easy clear recent certain personal red difficult available likely short
single medical current private past foreign fine common poor natural significant similar hot
dead central close legal final main green huge popular traditional cultural before during while
until since through over under between without within against among across behind beyond along
around near inside outside above below toward upon really actually probably quite maybe perhaps
almost usually often sometimes simply exactly however therefore although though whether either
neither both several another such who whom whose where why whatever whenever everything
something nothing anything someone everyone anyone nobody myself yourself himself herself
itself ourselves themselves am isn aren wasn weren don doesn didn can't won't I'm you're it's
that's there's let's shoes shirt dress jacket bag laptop charger cable box parcel courier
warehouse customs discount coupon code promotion sale subscription plan upgrade login password
reset attached photo picture screenshot link website app application download install error
issues delay delayed shipment shipped arrived arrive arriving deliver delivered replacement
replace replaced warranty guarantee policy terms conditions fee fees tax taxes bank transfer
credit debit cash installment installments balance amount billing billed urgent immediately
asap quickly slowly carefully unfortunately fortunately hopefully finally afternoon weekend
monday tuesday wednesday thursday friday saturday sunday january february march april june july
august september october november december contact contacted reply replied respond response
request requested details appreciate appreciated understanding patience inconvenience apologize
apologies
"""
_REAL_WORDS = _REAL_WORDS_TEXT.split()
_N_PSEUDO = 30_000  # English-like pseudo-words (character trigram model of the real words)
_ZIPF_EXPONENT = 0.9


def _lexicon() -> tuple[list[str], np.ndarray]:
    """A fixed ranked lexicon (real words first, then pseudo-words) and its Zipf CDF."""
    rng = np.random.default_rng(12345)
    words = list(dict.fromkeys(_REAL_WORDS))
    followers: dict[str, list[str]] = {}
    for word in words:
        padded = "^^" + word.lower() + "$"
        for i in range(2, len(padded)):
            followers.setdefault(padded[i - 2 : i], []).append(padded[i])
    seen = set(words)
    target = len(words) + _N_PSEUDO
    while len(words) < target:
        context, word = "^^", ""
        for draw in rng.random(16):  # at most 15 characters
            options = followers[context]
            char = options[int(draw * len(options))]
            if char == "$":
                break
            word += char
            context = context[1] + char
        if len(word) >= 3 and "'" not in word and word not in seen:
            seen.add(word)
            words.append(word)
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    weights = (ranks + 2.7) ** -_ZIPF_EXPONENT
    cdf = np.cumsum(weights)
    return words, cdf / cdf[-1]


_LEXICON: list[tuple[list[str], np.ndarray]] = []


def _sentence(rng: np.random.Generator, n_words: int) -> str:
    if not _LEXICON:
        _LEXICON.append(_lexicon())
    words, cdf = _LEXICON[0]
    picks = np.minimum(np.searchsorted(cdf, rng.random(n_words)), len(words) - 1)
    rolls = rng.random((n_words, 2))
    out: list[str] = []
    for i, index in enumerate(picks):
        word = words[index]
        if rolls[i, 0] < 0.02:
            word = str(int(rng.integers(2, 99_999)))
        elif rolls[i, 0] < 0.05:
            word = word.capitalize()
        if i == 0:
            word = word[:1].upper() + word[1:]
        if i < n_words - 1 and rolls[i, 1] < 0.07:
            word += ","
        out.append(word)
    return " ".join(out) + ".?!."[int(rng.integers(4))]


def sample_texts(words: int, count: int, seed: int) -> list[str]:
    """``count`` English-like texts of about ``words`` words, in sentences of ~20 words."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(count):
        n_sentences = max(1, round(words / 20))
        base, extra = divmod(words, n_sentences)
        lengths = [base + (1 if i < extra else 0) for i in range(n_sentences)]
        texts.append(" ".join(_sentence(rng, max(1, n)) for n in lengths))
    return texts


def split_sentences(text: str) -> list[str]:
    """Split a ``sample_texts`` text at sentence ends (what Argos' MiniSBD would do)."""
    return [part for part in re.split(r"(?<=[.?!])\s+", text.strip()) if part]


# --------------------------------------------------------------------------- tokenizer


def _train_sentencepiece(target: Path, sp_vocab: int) -> list[str]:
    """Train a BPE SentencePiece model (byte_fallback) on the synthetic corpus; return pieces."""
    import sentencepiece as spm

    rng = np.random.default_rng(777)
    corpus = [_sentence(rng, int(rng.integers(4, 36))) for _ in range(40_000)]
    corpus += list(dict.fromkeys(_REAL_WORDS))  # every real word once more
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=buffer,
        model_type="bpe",
        vocab_size=sp_vocab,
        byte_fallback=True,
        hard_vocab_limit=False,  # a soft upper bound: fewer pieces if the corpus runs out
        character_coverage=1.0,
        unk_id=0,  # <unk>, <s>, </s> at 0, 1, 2: CTranslate2's special tokens
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=2,
        minloglevel=2,
    )
    target.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


# --------------------------------------------------------------------------- model

# Gains of the copy construction (see the module docstring); all magnitudes are relative to the
# residual stream, whose token and position parts both have norm sqrt(d_model).
_DEC_TOKEN_SCALE = 0.3  # decoder input embeddings: weak, so the copied token dominates
_QK_GAIN = 1.0  # copy head: query/key gain on the position subspace (logit gap ~25 nats)
_COPY_GAIN = 2.0  # copy head: gain of the copied token written into the residual stream
_OUTPUT_GAIN = 0.62  # final decoder layer norm gamma: about -0.4 nats per output token
_PASS_NOISE = 2e-4  # std of the output projections of pass-through sublayers


def _build_spec(
    vocab: list[str], *, layers: int, d_model: int, heads: int, ffn: int, seed: int
) -> object:
    from ctranslate2.specs import transformer_spec

    if d_model % heads or heads < 2:
        raise ValueError("d_model must be a multiple of heads, and heads >= 2")
    head_dim = d_model // heads
    tok_dims = d_model - head_dim  # token subspace: heads 0..heads-2 carry it; last: positions
    rng = np.random.default_rng(seed)
    f32 = np.float32

    def unit_rows(n: int, dims: int) -> np.ndarray:
        rows = rng.standard_normal((n, dims), dtype=f32)
        rows -= rows.mean(axis=1, keepdims=True)  # zero mean: layer norm only rescales
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        return rows

    def dense(n_out: int, n_in: int) -> np.ndarray:
        return rng.standard_normal((n_out, n_in), dtype=f32) * f32(1 / np.sqrt(n_in))

    def quiet(n_out: int, n_in: int) -> np.ndarray:
        return rng.standard_normal((n_out, n_in), dtype=f32) * f32(_PASS_NOISE)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=f32)

    def norm(spec: object, gain: float = 1.0) -> None:
        spec.gamma = np.full(d_model, gain, dtype=f32)
        spec.beta = zeros(d_model)

    def linear(spec: object, weight: np.ndarray) -> None:
        spec.weight = weight
        spec.bias = zeros(weight.shape[0])

    def pass_through_ffn(spec: object) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, dense(ffn, d_model))
        linear(spec.linear_1, quiet(d_model, ffn))

    def pass_through_self_attention(spec: object) -> None:
        norm(spec.layer_norm)
        linear(spec.linear[0], dense(3 * d_model, d_model))
        linear(spec.linear[1], quiet(d_model, d_model))

    vocab_size = len(vocab)
    embeddings = zeros(vocab_size, d_model)
    embeddings[:, :tok_dims] = unit_rows(vocab_size, tok_dims)
    decoder_embeddings = zeros(vocab_size, d_model)
    decoder_embeddings[:, :tok_dims] = unit_rows(vocab_size, tok_dims) * f32(_DEC_TOKEN_SCALE)
    positions = zeros(MAX_POSITIONS, d_model)  # CTranslate2 scales embeddings by sqrt(d_model)
    positions[:, tok_dims:] = unit_rows(MAX_POSITIONS, head_dim) * f32(np.sqrt(d_model))

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    spec.config.add_source_eos = True  # the model copies </s> too, and so stops
    spec.config.layer_norm_epsilon = 1e-6

    encoder = spec.encoder
    encoder.embeddings[0].weight = embeddings
    encoder.position_encodings.encodings = positions
    for layer in encoder.layer:
        pass_through_self_attention(layer.self_attention)
        pass_through_ffn(layer.ffn)
    norm(encoder.layer_norm)

    decoder = spec.decoder
    decoder.embeddings.weight = decoder_embeddings
    decoder.position_encodings.encodings = positions  # same table: aliased in model.bin
    for index, layer in enumerate(decoder.layer):
        pass_through_self_attention(layer.self_attention)
        pass_through_ffn(layer.ffn)
        attention = layer.attention
        norm(attention.layer_norm)
        if index > 0:
            linear(attention.linear[0], dense(d_model, d_model))
            linear(attention.linear[1], dense(2 * d_model, d_model))
            linear(attention.linear[2], quiet(d_model, d_model))
            continue
        # The copy head: every head matches decoder position t with source position t ...
        query = zeros(d_model, d_model)
        keys_values = zeros(2 * d_model, d_model)
        output = zeros(d_model, d_model)
        eye = np.eye(head_dim, dtype=f32)
        for head in range(heads):
            rows = slice(head * head_dim, (head + 1) * head_dim)
            query[rows, tok_dims:] = eye * f32(_QK_GAIN)
            keys_values[rows, tok_dims:] = eye * f32(_QK_GAIN)
            # ... and heads 0..heads-2 carry that source position's token subspace back.
            if head < heads - 1:
                values = slice(d_model + head * head_dim, d_model + (head + 1) * head_dim)
                keys_values[values, rows] = eye
                output[rows, rows] = eye * f32(_COPY_GAIN)
            else:
                keys_values[d_model + head * head_dim :, tok_dims:] = eye
        linear(attention.linear[0], query)
        linear(attention.linear[1], keys_values)
        linear(attention.linear[2], output)
    norm(decoder.layer_norm, _OUTPUT_GAIN)
    linear(decoder.projection, embeddings)  # tied to the encoder embeddings: aliased

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize("int8")
    return spec


def _build_info(**params: object) -> dict[str, object]:
    return {"format": BUILD_FORMAT, **params}


def _up_to_date(pack: Path, info: dict[str, object]) -> bool:
    required = ("metadata.json", "sentencepiece.model", "model/model.bin", "model/config.json")
    try:
        built = json.loads((pack / "build-info.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return built == info and all((pack / name).is_file() for name in required)


def build_model(
    out_dir: Path,
    *,
    layers: int = 6,
    d_model: int = 512,
    heads: int = 8,
    ffn: int = 2048,
    vocab_size: int = 32_000,
    seed: int = 1,
    from_code: str = "en",
    to_code: str = "es",
) -> Path:
    """Build (or reuse, if already built with the same parameters) an Argos-shaped pack folder
    and return its path: <out_dir>/translate-xx_yy-bench/ with metadata.json, model/ (CT2),
    sentencepiece.model -- i.e. the layout argostranslate expects, without minisbd.

    ``xx``/``yy`` are ``from_code``/``to_code`` (default en -> es, so MiniSBD's English model
    applies). Takes ~6 s and ~0.5 GB peak RSS; model.bin is ~80 MB."""
    out_dir = Path(out_dir)
    pack = out_dir / PACK_NAME.format(src=from_code, tgt=to_code)
    info = _build_info(
        layers=layers,
        d_model=d_model,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab_size,
        seed=seed,
        from_code=from_code,
        to_code=to_code,
    )
    if _up_to_date(pack, info):
        return pack

    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=out_dir))
    try:
        pieces = _train_sentencepiece(staging / "sentencepiece.model", min(vocab_size, 32_000))
        if len(pieces) > vocab_size:
            raise ValueError(f"vocab_size {vocab_size} < {len(pieces)} SentencePiece pieces")
        vocab = pieces + [f"<bench_pad_{i}>" for i in range(vocab_size - len(pieces))]
        spec = _build_spec(vocab, layers=layers, d_model=d_model, heads=heads, ffn=ffn, seed=seed)
        (staging / "model").mkdir()
        spec.save(str(staging / "model"))
        del spec
        metadata = {
            "package_version": "0.0",
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": f"Benchmark {from_code}",
            "to_code": to_code,
            "to_name": f"Benchmark {to_code}",
            "type": "translate",
            "code": f"translate-{from_code}_{to_code}",
            "links": [],
        }
        (staging / "metadata.json").write_text(json.dumps(metadata, indent=2), "utf-8")
        (staging / "README.md").write_text(
            "Synthetic Argos-shaped benchmark pack (copies its input); see "
            "tests/perf/argos_shape_model.py.\n",
            "utf-8",
        )
        (staging / "build-info.json").write_text(json.dumps(info, indent=2), "utf-8")
        staging.chmod(0o755)  # mkdtemp made it private
        if pack.exists():
            shutil.rmtree(pack)
        staging.rename(pack)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return pack


# --------------------------------------------------------------------------- benchmark


def _p50(values: list[float]) -> float:
    return statistics.median(values)


def _bench(pack: Path, runs: int, threads: int) -> dict[str, object]:
    import ctranslate2
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(pack / "sentencepiece.model"))

    def tokenize(texts: list[str]) -> list[list[str]]:
        return [
            processor.encode(sentence, out_type=str)
            for text in texts
            for sentence in split_sentences(text)
        ]

    cases = {
        "one_20_words": tokenize(sample_texts(20, 1, seed=101)),
        "hundred_words": tokenize(sample_texts(100, 1, seed=102)),
        "conversation_50x10_words": tokenize(sample_texts(10, 50, seed=103)),
    }
    varied_rng = np.random.default_rng(104)
    varied = tokenize(
        [
            sample_texts(int(n), 1, seed=200 + i)[0]
            for i, n in enumerate(varied_rng.integers(3, 45, size=60))
        ]
    )
    translator = ctranslate2.Translator(
        str(pack / "model"),
        device="cpu",
        inter_threads=1,
        intra_threads=threads,
        compute_type="auto",
    )
    words = sample_texts(100, 20, seed=105)
    pieces_per_word = sum(len(processor.encode(t)) for t in words) / sum(
        len(t.split()) for t in words
    )
    result: dict[str, object] = {
        "pieces_per_word": round(pieces_per_word, 3),
        "tokens_one_20_words": sum(len(s) for s in cases["one_20_words"]),
        "sentences_hundred_words": len(cases["hundred_words"]),
    }

    def translate(batch: list[list[str]], beam: int) -> list[list[str]]:
        results = translator.translate_batch(  # the arguments argostranslate passes
            batch,
            replace_unknowns=True,
            max_batch_size=2048,
            batch_type="tokens",
            beam_size=beam,
            num_hypotheses=1,
            length_penalty=0.2,
            return_scores=True,
        )
        return [r.hypotheses[0] for r in results]

    for beam in (1, 4):
        entry: dict[str, object] = {}
        for name, batch in cases.items():
            translate(batch, beam)  # warm-up
            times = []
            for _ in range(runs if len(batch) < 10 else max(3, runs // 3)):
                start = time.perf_counter()
                translate(batch, beam)
                times.append(time.perf_counter() - start)
            entry[f"{name}_p50_ms"] = round(_p50(times) * 1000, 1)
            entry[f"{name}_min_ms"] = round(min(times) * 1000, 1)  # robust on a busy machine
        outputs = translate(varied, beam)
        ratios = [len(o) / len(i) for o, i in zip(outputs, varied, strict=True)]
        entry["length_ratio_mean"] = round(statistics.fmean(ratios), 3)
        entry["length_ratio_min"] = round(min(ratios), 3)
        entry["length_ratio_max"] = round(max(ratios), 3)
        exact = sum(o == i for o, i in zip(outputs, varied, strict=True))
        entry["exact_copies"] = f"{exact}/{len(varied)}"
        result[f"beam{beam}"] = entry
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_out = Path(tempfile.gettempdir()) / "crossdesk-bench-argos"
    parser.add_argument("--out", type=Path, default=default_out, help="cache folder")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="ignore a cached build")
    args = parser.parse_args()

    info_file = args.out / PACK_NAME.format(src="en", tgt="es") / "build-info.json"
    if args.rebuild:
        shutil.rmtree(info_file.parent, ignore_errors=True)
    before = info_file.stat().st_mtime_ns if info_file.exists() else None
    start = time.perf_counter()
    pack = build_model(args.out)
    build_s = time.perf_counter() - start
    build_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report: dict[str, object] = {
        "pack": str(pack),
        "build_s": round(build_s, 2),
        "reused_cached_build": before == info_file.stat().st_mtime_ns,
        "model_bin_mb": round((pack / "model" / "model.bin").stat().st_size / 1e6, 1),
        "build_peak_rss_mb": round(build_rss),
        "intra_threads": args.threads,
    }
    report.update(_bench(pack, args.runs, args.threads))
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
