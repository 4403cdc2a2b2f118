"""Language tags: the one way to get a tag's primary language.

Tags come from customers' profiles, servers, the detector and Argos pack codes, written
``pt-BR``, ``pt_BR`` or ``PT``. Argos names two script/region variants with codes of their
own (``zt`` for Traditional Chinese, ``pb`` for Brazilian Portuguese), which fold back to
their language here. (Argos's aliases for distinct languages, such as ``fil`` -> ``tl``,
belong to the translation layer: ``app.translation.pipeline.primary``.)
"""

from __future__ import annotations

_ARGOS_VARIANTS = {"zt": "zh", "pb": "pt"}


def primary_language(tag: str) -> str:
    """The primary language subtag, lower-cased: ``pt-BR`` -> ``pt``, ``zh_TW`` -> ``zh``,
    Argos's ``zt``/``pb`` -> ``zh``/``pt``."""
    code = tag.replace("_", "-").split("-")[0].lower()
    return _ARGOS_VARIANTS.get(code, code)


def wants_chinese(ui_language: str) -> bool:
    """Whether text for ``ui_language`` (``zh_CN``, ``zh-CN``, ``zh``...) is the Chinese one."""
    return ui_language.lower().startswith("zh")
