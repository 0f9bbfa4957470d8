"""The command-line contract: help works, usage errors are one line and non-zero."""

import subprocess
import sys

import pytest

from kg.cli import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


def test_help_lists_every_command(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in ("build", "extract", "eval", "query", "lookup", "serve", "formats"):
        assert command in out


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "build" in result.stdout


def test_bad_config_is_one_line_without_traceback(tmp_path, capsys):
    config = tmp_path / "kg.toml"
    config.write_text("[graph]\nnot_a_setting = 1\n")
    code, out, err = run(["build", "--config", str(config), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "not_a_setting" in err and str(config) in err
    assert not (tmp_path / "o").exists()


def test_query_without_text_says_what_to_give(capsys):
    code, _, err = run(["query"], capsys)
    assert code == 2
    assert "kg query --list" in err


def test_unknown_option_is_a_usage_error(capsys):
    code, _, err = run(["build", "--no-such-option"], capsys)
    assert code == 2
    assert "No such option" in err


def test_importing_kg_does_not_load_spacy():
    code = "import kg, kg.cli, kg.types, kg.settings, sys; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
