"""String helpers of the extractor: ids, spelling variants, name shapes, Schwartz-Hearst."""

from kg.nlp.components.abbreviations import find_long_form
from kg.nlp.text import compact_key, looks_like_name, slug, surface_variants


def test_slug_has_no_colon_no_label_and_keeps_versions_apart():
    assert slug("Qwen2.5-Math-Instruct") == "qwen2.5-math-instruct"
    assert slug("DSI++") == "dsi-plus-plus" and slug("pass@1") == "pass-at-1"
    assert slug("Llama 3") == slug("Llama-3") == "llama-3"
    assert slug("GPT-4") != slug("GPT-4o")
    assert slug("Qwen2.5") != slug("Qwen2.5-Math")
    assert ":" not in slug("MODEL: X") and "model" not in slug("GSM8K")


def test_compact_key_merges_case_hyphen_space():
    assert compact_key("Llama-3") == compact_key("LLaMA 3") == compact_key("llama3")
    assert compact_key("Llama 2") != compact_key("Llama 3")


def test_surface_variants_spell_hyphens_spaces_and_plurals():
    forms = surface_variants("Llama-3.1")
    assert {"Llama-3.1", "Llama 3.1", "Llama3.1"} <= forms
    assert "large language model" in surface_variants("large language models")
    assert "CNNs" in surface_variants("CNN")
    assert "chainofthought" not in {f.replace(" ", "").replace("-", "") for f in surface_variants("chain of thought")} - {"chainofthought"}


def test_looks_like_name():
    for name in ("GSM8K", "AppWorld", "LoRA", "GPT-4o", "T5", "Qwen2.5-Math"):
        assert looks_like_name(name), name
    for word in ("Transformer", "LLMs", "2024", "model", "G_{stack}"):
        assert not looks_like_name(word), word


def test_schwartz_hearst_long_form():
    candidate = "we use Monte Carlo Tree Search"
    assert candidate[find_long_form("MCTS", candidate):] == "Monte Carlo Tree Search"
    text = "a data-efficient variant of proximal policy optimization"
    assert text[find_long_form("PPO", text):] == "proximal policy optimization"
    assert find_long_form("XYZ", "nothing matches here") is None
