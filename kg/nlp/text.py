"""String helpers shared by the components and the extractor (no spaCy here).

Entity ids are slugs of the canonical name: lowercase, ``+`` spelled ``plus``,
``@`` spelled ``at``, every other run of non-alphanumerics one hyphen, and never
a colon or a label, so retyping an entity keeps its id.
"""

from __future__ import annotations

import itertools
import re

__all__ = ["slug", "compact_key", "surface_variants", "looks_like_name", "SIZE_RE"]

_NON_ALNUM = re.compile(r"[^0-9a-z.]+")
_DOTS = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
#: A model size suffix: 7B, 1.5B, 70M, 8x7B, 300k.
SIZE_RE = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[BMKT]$", re.IGNORECASE)


def slug(name: str) -> str:
    """The entity id of a canonical name.

    Examples
    --------
    >>> slug("Qwen2.5-Math-Instruct")
    'qwen2.5-math-instruct'
    >>> slug("DSI++"), slug("pass@1"), slug("Llama 3")
    ('dsi-plus-plus', 'pass-at-1', 'llama-3')
    """
    text = name.strip().lower().replace("+", " plus ").replace("@", " at ")
    text = _DOTS.sub("-", text)  # a dot is kept only between digits (2.5, 3.1)
    text = _NON_ALNUM.sub("-", text).strip("-")
    return text or "entity"


def compact_key(text: str) -> str:
    """A case-, hyphen- and space-insensitive key ("Llama-3", "LLaMA 3" -> "llama3")."""
    return re.sub(r"[\s\-_–]+", "", text.lower())


def _separator_variants(text: str, limit: int = 16) -> set[str]:
    """Spellings with each hyphen/space either kind; a separator next to a digit may vanish."""
    parts = re.split(r"([ \-])", text)
    words, seps = parts[0::2], parts[1::2]
    if not seps:
        return {text}
    options = []
    for i, _ in enumerate(seps):
        left, right = words[i], words[i + 1]
        choices = [" ", "-"]
        # "Llama 3" / "Llama3", "GPT-4" / "GPT4": joined only where a digit part meets it.
        if right[:1].isdigit() or left[-1:].isdigit():
            choices.append("")
        options.append(choices)
    variants: set[str] = set()
    for combo in itertools.islice(itertools.product(*options), limit):
        out = [words[0]]
        for sep, word in zip(combo, words[1:]):
            out.append(sep)
            out.append(word)
        variants.add("".join(out))
    variants.add(text)
    return variants


def surface_variants(text: str, *, plurals: bool = True) -> set[str]:
    """Surface forms of a gazetteer name: hyphen/space spellings and the plural or singular.

    Case variants are handled by matching on lowercase, not listed here.
    """
    variants = _separator_variants(text)
    if plurals:
        for form in list(variants):
            last = re.split(r"[ \-]", form)[-1]
            if not last.isalpha() or len(last) < 3:
                continue
            if last.isupper():
                variants.add(form + "s")  # CNN -> CNNs
            elif any(c.isupper() for c in last[1:]) and last[-1].islower() and last[-1] != "s":
                variants.add(form + "s")  # MobileNet -> MobileNets
            elif last[1:].islower():  # "network", "Network" (matching ignores case)
                if last.endswith("ss"):
                    variants.add(form + "es")
                elif last.endswith("s"):
                    if last.islower():  # "diffusion models" -> "diffusion model", never "Wilds" -> "Wild"
                        variants.add(form[:-1])
                elif last.endswith("y") and last[-2:-1] not in "aeiou":
                    variants.add(form[:-1] + "ies")
                else:
                    variants.add(form + "s")
    return variants


def looks_like_name(text: str) -> bool:
    """True for strings shaped like a coined name: GSM8K, AppWorld, LoRA, GPT-4o, T5.

    Plain words ("Transformer"), all-caps plurals ("LLMs") and pure numbers are not.
    """
    if len(text) < 2 or len(text) > 60 or not text[0].isalnum():
        return False
    if any(c in text for c in "_{}\\$^<>=|"):
        return False  # LaTeX and code fragments
    if not any(c.isalpha() for c in text):
        return False
    if re.fullmatch(r"[A-Z]+s", text):
        return False
    has_digit = any(c.isdigit() for c in text)
    inner_upper = any(c.isupper() for c in text[1:])
    has_lower = any(c.islower() for c in text)
    if has_digit and any(c.isupper() for c in text):
        return True
    return inner_upper and has_lower
