"""Tiny but real argostranslate packs, built on the fly for tests (no network, exact outputs).

Why this exists: the app translates offline through argostranslate, and its tests must exercise
the real pipeline (zip install, package discovery, sentence segmentation, SentencePiece,
CTranslate2 beam search, pivoting) without downloading 100 MB models and while still being able
to assert exact outputs. Every pack built here holds:

* a character-level SentencePiece model with byte fallback (any Unicode text survives),
* a hand-wired one-layer CTranslate2 Transformer (int8, d=54) whose cross-attention looks at the
  source token at the decoder's own position and whose output projection emits it; a lookup in
  its weights optionally case-maps it (``transform`` = ``"copy"``, ``"upper"`` or ``"lower"``);
  ``add_source_eos`` makes it copy ``</s>`` and stop, so the output is exactly the (mapped) input,
* optionally (``with_sbd``, the default) a MiniSBD ONNX sentence splitter
  (``minisbd/<from_code>.onnx``), as some packs carry one. CrossDesk no longer uses it (it splits
  sentences itself, see app/translation/segment.py); argostranslate's own ``translate`` does, so
  ``self_check`` still exercises it.

Exactness, as seen through ``argostranslate.translate.translate`` (see ``self_check``):

* ``copy`` returns the input unchanged when each paragraph (a line) has no leading or trailing
  whitespace and its sentences are separated by single spaces: argostranslate splits sentences,
  drops the whitespace between them and SentencePiece's dummy prefix puts back one space.
* The splitter ends a sentence at ``.``, ``!``, ``?``, ``。``, ``！`` or ``？`` only when the next
  character is whitespace or the end of the paragraph (so ``3.14``, ``e.g.x``, ``...`` inside a
  word and CJK text without spaces stay whole and round-trip exactly).
* argostranslate itself turns every ``_`` of the output into a space (tokenizer.py), and
  CTranslate2 stops decoding after 256 tokens per sentence (about 250 characters; non-Latin
  characters cost 2-4 byte tokens each). CrossDesk's engine cuts longer sentences into pieces
  of at most 128 tokens, so through the app a copy pack returns any length of text.

The module imports ctranslate2/sentencepiece lazily, so importing it is cheap. Trained and built
artefacts are cached per process: ``build_pack`` then only writes a small zip.

Note: argostranslate's wheel installs a top-level ``tests`` package in site-packages; import this
module with the checkout first on ``sys.path`` (pytest's rootdir handling) or by file path.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import json
import os
import shutil
import socket
import string
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import numpy as np

__all__ = [
    "ARGOS_VERSION",
    "LANGUAGE_NAMES",
    "MISSABLE_FILES",
    "SBD_END_MARKS",
    "TRANSFORMS",
    "build_huge_pack",
    "build_missing_file_pack",
    "build_not_a_zip",
    "build_pack",
    "build_symlink_pack",
    "build_two_folders_pack",
    "build_zip_slip_pack",
    "pack_folder_name",
    "sbd_onnx_bytes",
    "self_check",
    "sentencepiece_model_bytes",
]

ARGOS_VERSION = "1.9.0"
TRANSFORMS = ("copy", "upper", "lower")
SBD_END_MARKS = ".!?。！？"
MISSABLE_FILES = ("metadata.json", "model/model.bin", "sentencepiece.model")

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

# A fixed timestamp makes the zips byte-for-byte reproducible (stable hashes in tests).
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# ----------------------------------------------------------------------------------------------
# SentencePiece: a character model over the characters customer messages mostly use.
# ----------------------------------------------------------------------------------------------

# Lowercase accented letters of es, pt, fr, de, tr and pl; Vietnamese is generated below.
_ACCENTED_LOWER = (
    "áéíóúüñ"  # es
    "ãõâêôàç"  # pt
    "àâæçéèêëîïôœùûüÿ"  # fr
    "äöüß"  # de
    "çğıöşü"  # tr
    "ąćęłńóśźż"  # pl
    "ăâđêôơư"  # vi base letters
)
_VI_VOWELS = "aăâeêioôơuưy"
_VI_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook above, tilde, dot below
_EXTRA_SYMBOLS = "¿¡«»€£¥°§–—…‘’“”ẞİ"


def _corpus_characters() -> list[str]:
    """Every character that gets its own SentencePiece piece (the rest use byte fallback)."""
    lower = set(_ACCENTED_LOWER)
    for vowel in _VI_VOWELS:
        for tone in _VI_TONES:
            composed = unicodedata.normalize("NFC", vowel + tone)
            if len(composed) == 1:
                lower.add(composed)
    chars = set(string.ascii_letters + string.digits + string.punctuation + " " + _EXTRA_SYMBOLS)
    for char in lower:
        chars.add(char)
        upper = char.upper()
        if len(upper) == 1:
            chars.add(upper)
    return sorted(chars)


@functools.cache
def sentencepiece_model_bytes() -> bytes:
    """Train (once per process) the character-level SentencePiece model used by every pack.

    Why char-level + byte fallback: one piece per character keeps the CTranslate2 copy model
    trivial and lets any Unicode text round-trip; ids follow CTranslate2's defaults
    (``<unk>``=0, ``<s>``=1, ``</s>``=2) so the SentencePiece pieces are the model vocabulary.
    """
    import sentencepiece as spm

    chars = _corpus_characters()
    text = "".join(chars)
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([text, text, "hello world"]),
        model_writer=buffer,
        model_type="char",
        # Byte fallback needs room for 3 specials + every character + 256 byte pieces.
        vocab_size=3 + len(chars) + 256,
        hard_vocab_limit=False,
        character_coverage=1.0,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=True,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


@functools.cache
def _pieces() -> tuple[str, ...]:
    """The SentencePiece pieces in id order: also the CTranslate2 shared vocabulary."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model_bytes())
    return tuple(processor.id_to_piece(i) for i in range(processor.get_piece_size()))


def _target_ids(transform: str) -> list[int]:
    """For each source piece id, the piece id the model must emit for ``transform``."""
    pieces = _pieces()
    index = {piece: i for i, piece in enumerate(pieces)}
    mapping: Callable[[str], str]
    if transform == "copy":
        return list(range(len(pieces)))
    if transform == "upper":
        mapping = str.upper
    elif transform == "lower":
        mapping = str.lower
    else:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    targets = list(range(len(pieces)))
    for i, piece in enumerate(pieces):
        if len(piece) == 1 and piece.isalpha():
            mapped = mapping(piece)
            if len(mapped) == 1 and mapped in index:
                targets[i] = index[mapped]
    return targets


# ----------------------------------------------------------------------------------------------
# CTranslate2: a one-layer Transformer wired by hand to copy (and case-map) its input.
# ----------------------------------------------------------------------------------------------

_POSITIONS = 1024  # rows of the position tables == CTranslate2's default max_input_length
_FREQUENCIES = 11  # angles pi / 2**f, f = 0..10, tell apart every offset 1..1023
_ATTENTION_SHARPNESS = 20.0  # min cross-attention logit gap between the right position and others
_OUTPUT_SCALE = 25.0  # the emitted token's logit beats every other by >= 2 * this
# Hidden dimensions between two token-code dimensions (see ``_hidden_layout``): int8 GEMMs
# without VNNI add products in pairs (4 in a group) into saturating 16-bit sums.
_CODE_STRIDE = 4


def _position_codes(rows: int) -> np.ndarray:
    """Zero-sum, constant-norm position codes whose dot product peaks at equal positions.

    For an offset ``k`` between 1 and 1023 some frequency ``pi / 2**f`` turns by an angle in
    [pi/2, pi), so ``code(i) @ code(j)`` is at least 2 below its maximum whenever ``i != j``.
    The ``[cos, sin, -cos, -sin]`` layout keeps every code's mean at 0 and norm at
    ``sqrt(2 * F)``, which turns the pre-norm LayerNorm into a known constant scaling.
    """
    positions = np.arange(rows, dtype=np.float64)[:, None]
    angles = positions * (np.pi / 2.0 ** np.arange(_FREQUENCIES, dtype=np.float64))[None, :]
    cos, sin = np.cos(angles), np.sin(angles)
    return np.concatenate([cos, sin, -cos, -sin], axis=1).astype(np.float32)


def _token_codes(count: int) -> np.ndarray:
    """A +-1 code of B = ceil(log2(count)) bits per token id (row ``i`` spells ``i`` in binary).

    ``code(a) @ code(b) = B - 2 * hamming(a, b)``: largest exactly when ``a == b``, by at least
    2, so a scaled dot product with every code picks out the token with a fixed margin while
    the hidden state stays tiny (B dims instead of a V-dim one-hot).
    """
    bits = max(1, (count - 1).bit_length())
    ids = np.arange(count)[:, None]
    return np.where((ids >> np.arange(bits)[None, :]) & 1, 1.0, -1.0).astype(np.float32)


def _hidden_layout(bits: int) -> tuple[int, np.ndarray, np.ndarray]:
    """The hidden size and which dimensions hold the token code and the position code.

    Why the token code is spread out (dimensions 0, 4, 8, ...): the output projection is the
    one dense int8 matrix (every weight of a code row quantizes to +-127, and so does every
    attended code value). On x86 CPUs without VNNI (AVX2, e.g. AMD EPYC Zen 2/3), oneDNN's and
    MKL's int8 GEMM use ``vpmaddubsw``, which adds the u8 x s8 products of neighbouring K
    elements pairwise into a *saturating* int16: 2 x 255 x 127 = 64770 is clipped to 32767,
    so the right token's logit fell from 250 to about 200, barely (or not) above the others,
    and the copy models were right but unsure (score -15 instead of 0). With at most one
    non-zero projection weight in every aligned group of ``_CODE_STRIDE`` dimensions no sum
    can saturate (255 x 127 = 32385), and the position dimensions fill the gaps (their
    projection weights are 0). VNNI (``vpdpbusd``), ARM and float paths accumulate in int32
    and never saturated. Every other matrix has at most one non-zero weight per row.
    """
    pos_count = 4 * _FREQUENCIES
    d = max(bits + pos_count, _CODE_STRIDE * bits)
    code_dims = np.arange(bits) * _CODE_STRIDE
    pos_dims = np.setdiff1d(np.arange(d), code_dims)[:pos_count]
    return d, code_dims, pos_dims


def _build_ct2_model(model_dir: Path, transform: str) -> None:
    """Write the CTranslate2 model for ``transform`` into ``model_dir``.

    Hidden state (d = B + 4F, about 54): token code (B bits, see ``_token_codes``) in every
    ``_CODE_STRIDE``-th dimension and the position code (4F, see ``_position_codes``) in the
    others (see ``_hidden_layout`` for why they are interleaved).

    * Encoder: the embedding of source token ``c`` is the code of ``target[c]`` (this is where
      ``transform`` lives: a case-mapping lookup table in the weights), plus the position code;
      its layer adds nothing (zero output weights) and there is no final norm.
    * Decoder: embedding 0 (the output never depends on earlier outputs, so beam search has one
      clear best path); self-attention and FFN add nothing; cross-attention queries with the
      decoder position, keys are the encoder positions (so step ``i`` attends to source token
      ``i``) and values are the encoder token codes; the output projection scores every token by
      the dot product of its code with the attended code.

    With ``add_source_eos`` the source ends with ``</s>``, which is emitted last and stops
    decoding, so the output is the (mapped) input token for token.
    """
    from ctranslate2.specs import transformer_spec

    pieces = list(_pieces())
    vocab = len(pieces)
    codes = _token_codes(vocab)
    bits = codes.shape[1]
    d, code_dims, pos_dims = _hidden_layout(bits)
    ffn = 1

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    def identity_norm(norm: object) -> None:
        norm.gamma = np.ones(d, dtype=np.float32)
        norm.beta = zeros(d)

    def silence(layer: object) -> None:
        """Self-attention and feed-forward whose outputs are exactly zero."""
        attention = layer.self_attention
        identity_norm(attention.layer_norm)
        attention.linear[0].weight = zeros(3 * d, d)
        attention.linear[0].bias = zeros(3 * d)
        attention.linear[1].weight = zeros(d, d)
        attention.linear[1].bias = zeros(d)
        identity_norm(layer.ffn.layer_norm)
        layer.ffn.linear_0.weight = zeros(ffn, d)
        layer.ffn.linear_0.bias = zeros(ffn)
        layer.ffn.linear_1.weight = zeros(d, ffn)
        layer.ffn.linear_1.bias = zeros(d)

    spec = transformer_spec.TransformerSpec.from_config(1, 1, no_final_norm=True)
    encoder, decoder = spec.encoder, spec.decoder

    positions = zeros(_POSITIONS, d)
    positions[:, pos_dims] = _position_codes(_POSITIONS)

    encoder.scale_embeddings = False
    embeddings = zeros(vocab, d)
    embeddings[:, code_dims] = codes[_target_ids(transform)]
    encoder.embeddings[0].weight = embeddings
    encoder.position_encodings.encodings = positions
    silence(encoder.layer[0])

    decoder.scale_embeddings = False
    decoder.embeddings.weight = zeros(vocab, d)
    decoder.position_encodings.encodings = positions.copy()
    layer = decoder.layer[0]
    silence(layer)

    cross = layer.attention
    identity_norm(cross.layer_norm)
    # LayerNorm of a decoder input (position code only: mean 0, variance 2F/d) is code * norm.
    norm = np.sqrt(d / (2.0 * _FREQUENCIES))
    # Scores are q.k / sqrt(d): scale queries so a wrong position scores >= 2*sharpness less.
    alpha = _ATTENTION_SHARPNESS * np.sqrt(d)
    query = zeros(d, d)
    query[pos_dims, pos_dims] = alpha / norm
    cross.linear[0].weight = query
    cross.linear[0].bias = zeros(d)
    key_value = zeros(2 * d, d)
    key_value[pos_dims, pos_dims] = 1.0  # keys: encoder position
    key_value[d + code_dims, code_dims] = 1.0  # values: token code
    cross.linear[1].weight = key_value
    cross.linear[1].bias = zeros(2 * d)
    output = zeros(d, d)
    output[code_dims, code_dims] = 1.0
    cross.linear[2].weight = output
    cross.linear[2].bias = zeros(d)

    projection = zeros(vocab, d)
    projection[:, code_dims] = codes * _OUTPUT_SCALE
    decoder.projection.weight = projection
    decoder.projection.bias = zeros(vocab)

    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.config.add_source_eos = True
    spec.validate()
    # int8 keeps model.bin small and is what real packs use; every weight is 0, +-1 or a scaled
    # identity, the margins above are far larger than int8 activation rounding and the layout
    # cannot saturate non-VNNI int8 GEMMs (see _hidden_layout; checked by self_check).
    spec.optimize("int8")
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


@functools.cache
def _ct2_model_files(transform: str) -> tuple[tuple[str, bytes], ...]:
    """The files of the CTranslate2 model for ``transform``, built once per process."""
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    with tempfile.TemporaryDirectory(prefix="argos-test-ct2-") as tmp:
        model_dir = Path(tmp) / "model"
        _build_ct2_model(model_dir, transform)
        return tuple((p.name, p.read_bytes()) for p in sorted(model_dir.iterdir()))


# ----------------------------------------------------------------------------------------------
# MiniSBD: a tiny ONNX sentence splitter in the format minisbd.SBDetect loads.
# ----------------------------------------------------------------------------------------------

# minisbd maps each character to a unit id (unknown characters -> <UNK>), runs the graph on
# ``units`` [batch, seq] and ``features`` [batch, seq, 0], and takes the argmax of 5 classes per
# character: 0 inside a token, 1 token end, 2 sentence end (3/4: multi-word tokens, unused).
_SBD_UNITS = ("<PAD>", "<UNK>", " ", *SBD_END_MARKS)
_SBD_CONFIG = {
    "feat_funcs": [],
    "max_seqlen": 1000,
    "batch_size": 32,
    "skip_newline": False,
    "no_ssplit": False,
    "use_dictionary": False,
    "num_dict_feat": 0,
}
_SBD_OPSET = 13
_SBD_IR_VERSION = 8


def _sbd_table() -> np.ndarray:
    """Class logits for every (unit, next unit) pair, flattened to ``unit * K + next``."""
    k = len(_SBD_UNITS)
    pad, space = 0, _SBD_UNITS.index(" ")
    ends = {_SBD_UNITS.index(mark) for mark in SBD_END_MARKS}
    table = np.zeros((k * k, 5), dtype=np.float32)
    for unit in range(k):
        for following in range(k):
            boundary = following in (pad, space)
            if unit in ends and boundary:
                label = 2
            elif unit not in (pad, space) and boundary:
                label = 1
            else:
                label = 0
            table[unit * k + following, label] = 10.0
    return table


def _sbd_metadata() -> dict[str, str]:
    """The ``custom_metadata_map`` entries minisbd.inference.create_session reads."""
    vocab = {
        "lang": "",
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {unit: i for i, unit in enumerate(_SBD_UNITS)},
        "_id2unit": list(_SBD_UNITS),
    }
    return {
        "lang_code": "xx",
        "config": json.dumps(_SBD_CONFIG, sort_keys=True),
        "vocab": json.dumps(vocab, ensure_ascii=False, sort_keys=True),
    }


def _sbd_onnx_with_onnx() -> bytes:
    """Build the splitter graph with the ``onnx`` package: Gather(table, unit * K + next unit)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    k = len(_SBD_UNITS)
    initializers = [
        numpy_helper.from_array(_sbd_table(), "table"),
        numpy_helper.from_array(np.array(k, dtype=np.int64), "k"),
        numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "at0"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "at1"),
        numpy_helper.from_array(np.array([2**62], dtype=np.int64), "to_end"),
    ]
    nodes = [
        helper.make_node("Slice", ["units", "at1", "to_end", "at1"], ["rest"]),
        helper.make_node("Slice", ["units", "at0", "at1", "at1"], ["first"]),
        helper.make_node("Mul", ["first", "zero"], ["pad_column"]),
        helper.make_node("Concat", ["rest", "pad_column"], ["next_units"], axis=1),
        helper.make_node("Mul", ["units", "k"], ["scaled"]),
        helper.make_node("Add", ["scaled", "next_units"], ["pair"]),
        helper.make_node("Gather", ["table", "pair"], ["logits"], axis=0),
    ]
    graph = helper.make_graph(
        nodes,
        "crossdesk_test_sbd",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "seq", "feats"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", 5])],
        initializer=initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _SBD_OPSET)],
        producer_name="crossdesk-tests",
        ir_version=_SBD_IR_VERSION,
    )
    helper.set_model_props(model, _sbd_metadata())
    onnx.checker.check_model(model)
    return model.SerializeToString()


# _sbd_onnx_with_onnx() serialized with onnx 1.23.2, for machines without onnx.
_SBD_ONNX_B64 = (
    "CAgSD2Nyb3NzZGVzay10ZXN0czrfEAomCgV1bml0cwoDYXQxCgZ0b19lbmQKA2F0MRIEcmVzdCIFU2xpY2UKJAoF"
    "dW5pdHMKA2F0MAoDYXQxCgNhdDESBWZpcnN0IgVTbGljZQoeCgVmaXJzdAoEemVybxIKcGFkX2NvbHVtbiIDTXVs"
    "CjMKBHJlc3QKCnBhZF9jb2x1bW4SCm5leHRfdW5pdHMiBkNvbmNhdCoLCgRheGlzGAGgAQIKFwoFdW5pdHMKAWsS"
    "BnNjYWxlZCIDTXVsCh8KBnNjYWxlZAoKbmV4dF91bml0cxIEcGFpciIDQWRkCioKBXRhYmxlCgRwYWlyEgZsb2dp"
    "dHMiBkdhdGhlcioLCgRheGlzGACgAQISEmNyb3NzZGVza190ZXN0X3NiZCrkDAhRCAUQAUIFdGFibGVK1AwAACBB"
    "AAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAA"
    "AAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAA"
    "AAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAA"
    "IEEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAA"
    "AAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAA"
    "AAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAA"
    "AAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAA"
    "AAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAA"
    "AAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBB"
    "AAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "IEEAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAA"
    "AAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAA"
    "IEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAIEEAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAA"
    "AAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAA"
    "AAAgQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAACBBAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAA"
    "AAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAACBB"
    "AAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAA"
    "AAAAAAAAAAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAA"
    "AAAAAAAAIEEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAA"
    "IEEAAAAAAAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAAACBBAAAAAAAAAAAAAAAAAAAAAAAAIEEAAAAA"
    "AAAAAAAAAAAAAAAAAAAgQQAAAAAAAAAAAAAAAAAAAAAqDxAHQgFrSggJAAAAAAAAACoSEAdCBHplcm9KCAAAAAAA"
    "AAAAKhMIARAHQgNhdDBKCAAAAAAAAAAAKhMIARAHQgNhdDFKCAEAAAAAAAAAKhYIARAHQgZ0b19lbmRKCAAAAAAA"
    "AABAWh8KBXVuaXRzEhYKFAgHEhAKBxIFYmF0Y2gKBRIDc2VxWisKCGZlYXR1cmVzEh8KHQgBEhkKBxIFYmF0Y2gK"
    "BRIDc2VxCgcSBWZlYXRzYiQKBmxvZ2l0cxIaChgIARIUCgcSBWJhdGNoCgUSA3NlcQoCCAVCBAoAEA1yDwoJbGFu"
    "Z19jb2RlEgJ4eHKbAQoGY29uZmlnEpABeyJiYXRjaF9zaXplIjogMzIsICJmZWF0X2Z1bmNzIjogW10sICJtYXhf"
    "c2VxbGVuIjogMTAwMCwgIm5vX3NzcGxpdCI6IGZhbHNlLCAibnVtX2RpY3RfZmVhdCI6IDAsICJza2lwX25ld2xp"
    "bmUiOiBmYWxzZSwgInVzZV9kaWN0aW9uYXJ5IjogZmFsc2V9cuoBCgV2b2NhYhLgAXsiX2lkMnVuaXQiOiBbIjxQ"
    "QUQ+IiwgIjxVTks+IiwgIiAiLCAiLiIsICIhIiwgIj8iLCAi44CCIiwgIu+8gSIsICLvvJ8iXSwgIl91bml0Mmlk"
    "IjogeyIgIjogMiwgIiEiOiA0LCAiLiI6IDMsICI8UEFEPiI6IDAsICI8VU5LPiI6IDEsICI/IjogNSwgIuOAgiI6"
    "IDYsICLvvIEiOiA3LCAi77yfIjogOH0sICJjdXRvZmYiOiAwLCAiaWR4IjogMCwgImxhbmciOiAiIiwgImxvd2Vy"
    "IjogZmFsc2V9"
)


@functools.cache
def sbd_onnx_bytes() -> bytes:
    """The MiniSBD ONNX model: built with ``onnx`` when importable, else the embedded copy.

    Why ship it in every pack: without ``minisbd/*.onnx`` argostranslate downloads a sentence
    model from GitHub on the first translation (no timeout), which tests must never do.
    """
    try:
        import onnx  # noqa: F401
    except ImportError:
        return base64.b64decode(_SBD_ONNX_B64)
    return _sbd_onnx_with_onnx()


# ----------------------------------------------------------------------------------------------
# Packs
# ----------------------------------------------------------------------------------------------


def pack_folder_name(from_code: str, to_code: str, version: str = "1.0") -> str:
    """The top-level folder (and file stem) argos-train uses, e.g. ``translate-es_en-1_0``."""
    return f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"


def _pack_members(
    from_code: str, to_code: str, version: str, transform: str, with_sbd: bool
) -> list[tuple[str, bytes | None]]:
    """(archive name, data) pairs of one pack; data None marks a directory entry."""
    folder = pack_folder_name(from_code, to_code, version)
    metadata = {
        "from_code": from_code,
        "to_code": to_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "package_version": version,
        "argos_version": ARGOS_VERSION,
        "type": "translate",
    }
    readme = (
        f"# Test pack {from_code} -> {to_code} ({transform})\n\n"
        "Built by tests/helpers/argos_packs.py for CrossDesk's tests. It is not a translator:\n"
        f"it returns its input, {'unchanged' if transform == 'copy' else transform + 'cased'}.\n"
    )
    members: list[tuple[str, bytes | None]] = [
        (f"{folder}/", None),
        (f"{folder}/metadata.json", (json.dumps(metadata, indent=2) + "\n").encode()),
        (f"{folder}/README.md", readme.encode()),
        (f"{folder}/sentencepiece.model", sentencepiece_model_bytes()),
        (f"{folder}/model/", None),
    ]
    members += [(f"{folder}/model/{name}", data) for name, data in _ct2_model_files(transform)]
    if with_sbd:
        members += [
            (f"{folder}/minisbd/", None),
            (f"{folder}/minisbd/{from_code}.onnx", sbd_onnx_bytes()),
        ]
    return members


def _zip_info(name: str, *, mode: int | None = None) -> zipfile.ZipInfo:
    """A ZipInfo with a fixed date and Unix permissions (files 0644, folders 0755)."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.create_system = 3  # Unix, so external_attr carries a st_mode
    is_dir = name.endswith("/")
    if mode is None:
        mode = 0o40755 if is_dir else 0o100644
    info.external_attr = (mode << 16) | (0x10 if is_dir else 0)
    info.compress_type = zipfile.ZIP_STORED if is_dir else zipfile.ZIP_DEFLATED
    return info


def _write_zip(path: Path, members: list[tuple[str, bytes | None]]) -> Path:
    """Write ``members`` to a reproducible zip at ``path`` and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(_zip_info(name), b"" if data is None else data)
    return path


def build_pack(
    out_dir: Path,
    from_code: str,
    to_code: str,
    *,
    version: str = "1.0",
    transform: str = "copy",
    with_sbd: bool = True,
) -> Path:
    """Build a real .argosmodel zip for from_code->to_code and return its path.

    The file is ``out_dir/translate-<from>_<to>-<version>.argosmodel`` (an existing one is
    replaced). ``transform``: ``"copy"`` returns the input, ``"upper"``/``"lower"`` change the
    case of every letter that has a single-letter counterpart (ASCII and accented Latin);
    everything else (digits, punctuation, CJK via byte fallback) is copied. ``with_sbd=False``
    leaves out ``minisbd/``, as packs that make argostranslate download a sentence model do.
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    members = _pack_members(from_code, to_code, version, transform, with_sbd)
    path = Path(out_dir) / f"{pack_folder_name(from_code, to_code, version)}.argosmodel"
    return _write_zip(path, members)


# ----------------------------------------------------------------------------------------------
# Hostile packs, for the app's validator
# ----------------------------------------------------------------------------------------------


def build_zip_slip_pack(out_dir: Path) -> Path:
    """A valid en->es pack plus ``../evil.txt`` and ``/tmp/evil_abs.txt`` (path traversal)."""
    members = _pack_members("en", "es", "1.0", "copy", True)
    members += [("../evil.txt", b"zip slip\n"), ("/tmp/evil_abs.txt", b"absolute path\n")]
    return _write_zip(Path(out_dir) / "zip-slip.argosmodel", members)


def build_symlink_pack(out_dir: Path) -> Path:
    """A valid en->es pack plus a symlink entry (mode 0o120777) pointing at ``/etc/passwd``."""
    folder = pack_folder_name("en", "es")
    path = _write_zip(
        Path(out_dir) / "symlink.argosmodel", _pack_members("en", "es", "1.0", "copy", True)
    )
    with zipfile.ZipFile(path, "a") as archive:
        link = _zip_info(f"{folder}/model/linked.bin", mode=0o120777)
        link.compress_type = zipfile.ZIP_STORED
        archive.writestr(link, b"/etc/passwd")
    return path


def build_missing_file_pack(out_dir: Path, missing: str) -> Path:
    """A en->es pack without ``missing`` (one of metadata.json, model/model.bin,
    sentencepiece.model)."""
    if missing not in MISSABLE_FILES:
        raise ValueError(f"missing must be one of {MISSABLE_FILES}, not {missing!r}")
    folder = pack_folder_name("en", "es")
    members = [
        (name, data)
        for name, data in _pack_members("en", "es", "1.0", "copy", True)
        if name != f"{folder}/{missing}"
    ]
    slug = missing.replace("/", "-").replace(".", "-")
    return _write_zip(Path(out_dir) / f"missing-{slug}.argosmodel", members)


def build_two_folders_pack(out_dir: Path) -> Path:
    """Two complete packs (en->es and en->fr) side by side at the top level of one zip."""
    members = _pack_members("en", "es", "1.0", "copy", True)
    members += _pack_members("en", "fr", "1.0", "copy", True)
    return _write_zip(Path(out_dir) / "two-folders.argosmodel", members)


def build_not_a_zip(out_dir: Path) -> Path:
    """A file with the .argosmodel extension that is not a zip archive."""
    path = Path(out_dir) / "not-a-zip.argosmodel"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"This is not a zip archive, just text named like a pack.\n" * 8)
    return path


_CRC_POLY = 0xEDB88320
_MASK32 = 0xFFFFFFFF
_ZERO_BLOCK = 1 << 20  # bytes of zeros per pre-compressed deflate block


def _gf2_times(matrix: list[int], vector: int) -> int:
    result, i = 0, 0
    while vector:
        if vector & 1:
            result ^= matrix[i]
        vector >>= 1
        i += 1
    return result


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def _crc32_of_zeros(length: int) -> int:
    """zlib.crc32(bytes(length)) in O(log length), as zlib's crc32_combine does it.

    Why: computing the CRC of gigabytes of zeros byte by byte takes seconds.
    """
    operator = [_CRC_POLY] + [1 << i for i in range(31)]  # appends one zero bit
    for _ in range(3):  # 2, 4, then 8 zero bits: one zero byte
        operator = _gf2_square(operator)
    register = _MASK32
    while length:
        if length & 1:
            register = _gf2_times(operator, register)
        length >>= 1
        if length:
            operator = _gf2_square(operator)
    return register ^ _MASK32


def _deflated_zeros(length: int) -> Iterator[bytes]:
    """A raw deflate stream of ``length`` zero bytes, made from one compressed block repeated.

    Each block ends with a full flush, so it is byte-aligned and refers to nothing before it:
    repeating it is a valid stream, and nothing of size ``length`` is ever held or written.
    """
    full, rest = divmod(length, _ZERO_BLOCK)
    if full:
        block = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = block.compress(bytes(_ZERO_BLOCK)) + block.flush(zlib.Z_FULL_FLUSH)
        for _ in range(full):
            yield chunk
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    yield tail.compress(bytes(rest)) + tail.flush(zlib.Z_FINISH)


class _RawZipWriter:
    """Just enough of a zip writer (with Zip64) to add a pre-compressed member.

    Why not zipfile: it compresses and CRCs every byte it is given, so a 3 GB member takes
    ~20 s; here the member is streamed from a repeated deflate block and its CRC is computed
    algebraically, so a 3 GB bomb is written in milliseconds as a ~3 MB zip.
    """

    _DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00

    def __init__(self, stream: io.BufferedWriter) -> None:
        self._stream = stream
        self._central: list[bytes] = []

    def add(
        self,
        name: str,
        chunks: Iterator[bytes],
        *,
        crc: int,
        size: int,
        method: int,
        mode: int,
    ) -> None:
        """Write one member whose data (already compressed with ``method``) is ``chunks``."""
        offset = self._stream.tell()
        encoded = name.encode("utf-8")
        zip64 = size >= _MASK32
        # Local header; compressed size is only known after streaming, so it is patched below.
        extra = struct.pack("<HHQQ", 1, 16, size, 0) if zip64 else b""
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            45 if zip64 else 20,
            0x800,
            method,
            self._DOS_TIME,
            self._DOS_DATE,
            crc,
            0,
            _MASK32 if zip64 else size,
            len(encoded),
            len(extra),
        )
        self._stream.write(header + encoded + extra)
        compressed = 0
        for chunk in chunks:
            self._stream.write(chunk)
            compressed += len(chunk)
        end = self._stream.tell()
        zip64 = zip64 or compressed >= _MASK32
        if zip64 and not extra:
            raise ValueError("member needs Zip64 but its local header was written without it")
        self._stream.seek(offset + 18)
        self._stream.write(struct.pack("<I", _MASK32 if zip64 else compressed))
        if zip64:
            self._stream.seek(offset + 30 + len(encoded) + 12)
            self._stream.write(struct.pack("<Q", compressed))
        self._stream.seek(end)

        big_offset = offset >= _MASK32
        central_extra = b""
        if zip64 or big_offset:
            values = (size, compressed) if zip64 else ()
            values += (offset,) if big_offset else ()
            central_extra = struct.pack(f"<HH{len(values)}Q", 1, 8 * len(values), *values)
        self._central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | 45,
                45 if central_extra else 20,
                0x800,
                method,
                self._DOS_TIME,
                self._DOS_DATE,
                crc,
                _MASK32 if zip64 else compressed,
                _MASK32 if zip64 else size,
                len(encoded),
                len(central_extra),
                0,
                0,
                0,
                (mode << 16) | (0x10 if name.endswith("/") else 0),
                _MASK32 if big_offset else offset,
            )
            + encoded
            + central_extra
        )

    def add_bytes(self, name: str, data: bytes | None) -> None:
        """Deflate and write a small member (``None``: a directory entry)."""
        if data is None:
            self.add(name, iter([]), crc=0, size=0, method=0, mode=0o40755)
            return
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        self.add(
            name, iter([packed]), crc=zlib.crc32(data), size=len(data), method=8, mode=0o100644
        )

    def finish(self) -> None:
        """Write the central directory (with Zip64 end records when needed)."""
        start = self._stream.tell()
        directory = b"".join(self._central)
        self._stream.write(directory)
        count, size = len(self._central), len(directory)
        if start >= _MASK32 or count >= 0xFFFF:
            zip64_end = self._stream.tell()
            self._stream.write(
                struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start)
            )
            self._stream.write(struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1))
            count16, start32 = 0xFFFF, _MASK32
        else:
            count16, start32 = count, start
        self._stream.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count16, count16, size, start32, 0)
        )


def build_huge_pack(out_dir: Path, declared_size: int) -> Path:
    """A valid en->es pack plus ``model/huge.bin``: ``declared_size`` zeros, deflated.

    Why: a zip bomb for the validator's size limit. The member really inflates to
    ``declared_size`` bytes (sizes and CRC are honest), but it is written from a repeated
    compressed block, so 3 GB costs ~3 MB on disk and no time; nothing that big is ever created.
    """
    if declared_size < 0:
        raise ValueError("declared_size must be >= 0")
    folder = pack_folder_name("en", "es")
    path = Path(out_dir) / "huge.argosmodel"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        writer = _RawZipWriter(stream)
        for name, data in _pack_members("en", "es", "1.0", "copy", True):
            writer.add_bytes(name, data)
        writer.add(
            f"{folder}/model/huge.bin",
            _deflated_zeros(declared_size),
            crc=_crc32_of_zeros(declared_size),
            size=declared_size,
            method=8,
            mode=0o100644,
        )
        writer.finish()
    return path


# ----------------------------------------------------------------------------------------------
# Self-check: the packs through the real argostranslate, offline
# ----------------------------------------------------------------------------------------------

# Runs in a fresh interpreter: argostranslate reads its settings once, at import.
_SELF_CHECK_CHILD = r"""
import json
import socket
import sys
from pathlib import Path

attempts = []


def _blocked(kind):
    def guard(*args, **kwargs):
        attempts.append(f"{kind}: {args!r}")
        raise OSError(f"network is disabled in the argos self-check ({kind})")

    return guard


socket.socket.connect = _blocked("socket.connect")
socket.socket.connect_ex = _blocked("socket.connect_ex")
socket.create_connection = _blocked("create_connection")
socket.getaddrinfo = _blocked("getaddrinfo")

cfg = json.loads(sys.stdin.buffer.read().decode("utf-8"))
packages_dir = Path(cfg["packages_dir"])
sbd_cache = Path(cfg["data_home"]) / "argos-translate" / "minisbd"

from argostranslate import package, settings, translate  # noqa: E402
import minisbd.models  # noqa: E402

assert settings.package_data_dir == packages_dir, settings.package_data_dir
assert settings.model_provider == settings.ModelProvider.OPENNMT
assert settings.batch_size == 1024, settings.batch_size
assert Path(minisbd.models.cache_dir) == sbd_cache, minisbd.models.cache_dir

for pack in cfg["packs"]:
    package.install_from_path(Path(pack))
translate.installed_translates.clear()
translate.get_installed_languages.cache_clear()
pairs = sorted((p.from_code, p.to_code) for p in package.get_installed_packages())
assert pairs == [("en", "de"), ("es", "en"), ("fr", "en")], pairs

results = {}
for text, source, target, expected in cfg["cases"]:
    got = translate.translate(text, source, target)
    assert got == expected, f"{source}->{target} {text!r}: got {got!r}, expected {expected!r}"
    results[f"{source}->{target} {text!r}"] = got

pivot = translate.get_translation_from_codes("es", "de")
assert type(pivot).__name__ == "CompositeTranslation", type(pivot)

es_en = translate.get_translation_from_codes("es", "en")
sentencizer = es_en.underlying.sentencizer
own_model = packages_dir / "translate-es_en-1_0" / "minisbd" / "es.onnx"
assert Path(sentencizer.lang) == own_model, sentencizer.lang
split = sentencizer.split_sentences("Hola. ¿Qué tal? Bien... 3.14 es pi!")
assert split == ["Hola.", "¿Qué tal?", "Bien...", "3.14 es pi!"], split
best = es_en.hypotheses("Hola. ¿Qué tal?", 2)
assert best[0].value == "Hola. ¿Qué tal?" and best[0].score > -1e-3, best
assert best[1].score < -10, best

assert not sbd_cache.exists(), f"{sbd_cache} was created: a MiniSBD download was attempted"
assert attempts == [], attempts
print(json.dumps({"ok": True, "results": results}))
"""

_SELF_CHECK_CASES = [
    ("Hola. ¿Qué tal?\nSegunda línea!", "es", "en", "Hola. ¿Qué tal?\nSegunda línea!"),
    ("Ünïcödé façade, 日本語.", "es", "en", "Ünïcödé façade, 日本語."),
    ("Uno.\n\nDos, tres; 3.14 e-mail@x.com (ok)!", "es", "en", None),
    ("こんにちは。元気ですか？ Ça va? Xin chào, bạn khỏe không?", "es", "en", None),
    ("مرحبا. नमस्ते! สวัสดี? 안녕하세요.", "es", "en", None),
    ("hello world. bye!", "en", "de", "HELLO WORLD. BYE!"),
    ("hola, ¿qué tal?", "en", "de", "HOLA, ¿QUÉ TAL?"),
    (
        "ñandú, ação, çà, größe, ığş, łódź, việt 42 日本.",
        "en",
        "de",
        "ÑANDÚ, AÇÃO, ÇÀ, GRÖßE, IĞŞ, ŁÓDŹ, VIỆT 42 日本.",
    ),
    ("Hola. ¿Qué tal?\nSegunda línea!", "es", "de", "HOLA. ¿QUÉ TAL?\nSEGUNDA LÍNEA!"),
    ("BONJOUR À TOUS. ÇA VA? ÉTÉ 2024!", "fr", "en", "bonjour à tous. ça va? été 2024!"),
    ("BONJOUR À TOUS. ÇA VA?", "fr", "de", "BONJOUR À TOUS. ÇA VA?"),
]


@contextlib.contextmanager
def _no_network(attempts: list[str]) -> Iterator[None]:
    """Record and refuse every connection attempt and DNS lookup made in this process."""

    def blocked(kind: str) -> Callable[..., object]:
        def guard(*args: object, **kwargs: object) -> object:
            attempts.append(f"{kind}: {args!r}")
            raise OSError(f"network is disabled in the argos self-check ({kind})")

        return guard

    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(socket.socket, "connect", blocked("connect")))
        stack.enter_context(mock.patch.object(socket.socket, "connect_ex", blocked("connect_ex")))
        stack.enter_context(mock.patch.object(socket, "create_connection", blocked("create")))
        stack.enter_context(mock.patch.object(socket, "getaddrinfo", blocked("getaddrinfo")))
        yield


def self_check(tmp: Path) -> None:
    """Install packs into a private argostranslate data dir and assert exact outputs.

    Builds copy es->en, upper en->de and lower fr->en packs, then, in a fresh interpreter whose
    XDG_* / ARGOS_* variables point inside ``tmp`` (argostranslate reads them at import), installs
    them with ``argostranslate.package.install_from_path`` and checks exact translations, the
    es->de pivot through en, that the pack's own MiniSBD model was used (the MiniSBD cache folder
    is never created) and that no socket connection or DNS lookup was attempted, here or there.
    Raises AssertionError on any difference.
    """
    tmp = Path(tmp)
    root = tmp / "argos-self-check"
    if root.exists():
        shutil.rmtree(root)
    packs_dir, data_home = root / "packs", root / "data"
    packages_dir = data_home / "argos-translate" / "packages"
    attempts: list[str] = []
    with _no_network(attempts):
        packs = [
            build_pack(packs_dir, "es", "en", transform="copy"),
            build_pack(packs_dir, "en", "de", transform="upper"),
            build_pack(packs_dir, "fr", "en", transform="lower"),
        ]
    assert attempts == [], attempts

    cases = []
    for text, source, target, expected in _SELF_CHECK_CASES:
        if expected is None:  # the es->en pack copies
            expected = text
        cases.append((text, source, target, expected))

    env = {k: v for k, v in os.environ.items() if not k.startswith("ARGOS_")}
    env.update(
        HOME=str(root / "home"),
        XDG_DATA_HOME=str(data_home),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_CACHE_HOME=str(root / "cache"),
        ARGOS_PACKAGES_DIR=str(packages_dir),
        ARGOS_MODEL_PROVIDER="OPENNMT",
        ARGOS_DEVICE_TYPE="cpu",
        ARGOS_BATCH_SIZE="1024",
        PYTHONIOENCODING="utf-8",
    )
    for folder in (root / "home", data_home, packages_dir):
        folder.mkdir(parents=True, exist_ok=True)
    config = {
        "packs": [str(p) for p in packs],
        "packages_dir": str(packages_dir),
        "data_home": str(data_home),
        "cases": cases,
    }
    child = subprocess.run(
        [sys.executable, "-c", _SELF_CHECK_CHILD],
        input=json.dumps(config),
        encoding="utf-8",
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if child.returncode != 0:
        raise AssertionError(
            f"argos self-check failed (exit {child.returncode}):\n{child.stdout}\n{child.stderr}"
        )
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["ok"] is True, report
