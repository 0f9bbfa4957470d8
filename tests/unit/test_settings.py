import pytest

from kg.errors import ConfigError
from kg.settings import Settings, load_settings


def test_defaults_without_a_file():
    assert load_settings() == Settings()


def test_file_overrides_one_section(tmp_path):
    path = tmp_path / "kg.toml"
    path.write_text("[graph]\ntop_k = 5\nmin_weight = 2\n")
    settings = load_settings(path)
    assert settings.graph.top_k == 5
    assert settings.graph.min_weight == 2.0
    assert settings.extract == Settings().extract


def test_command_line_overrides_the_file(tmp_path):
    path = tmp_path / "kg.toml"
    path.write_text("[extract]\nn_process = 1\n")
    assert load_settings(path, extract={"n_process": 2}).extract.n_process == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[graph]\ntop_kk = 5\n", "unknown setting 'top_kk'"),
        ("[graph]\ntop_k = 'five'\n", "'top_k' must be int"),
        ("graph = 3\n", "must be a table"),
        ("[graph\n", "not valid TOML"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, text, message):
    path = tmp_path / "kg.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")


def test_example_file_is_current():
    """kg.toml.example lists every setting with its default (regenerate: python -m kg.settings)."""
    import tomllib
    from dataclasses import asdict
    from pathlib import Path

    from kg.settings import render_example

    example = Path(__file__).resolve().parents[2] / "kg.toml.example"
    assert tomllib.loads(render_example()) == asdict(Settings())
    assert example.read_text() == render_example(), "run: python -m kg.settings > kg.toml.example"
