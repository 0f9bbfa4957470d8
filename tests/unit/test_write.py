import pytest

from kg.io.write import atomic_open, atomic_write_text, replace_folder


def test_atomic_open_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as handle:
            handle.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_text(tmp_path):
    atomic_write_text(tmp_path / "a" / "b.txt", "hello")
    assert (tmp_path / "a" / "b.txt").read_text() == "hello"


def test_replace_folder_swaps_and_keeps_readme(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    (out / "README.md").write_text("doc")
    (out / "stale.html").write_text("old build")
    with replace_folder(out) as staging:
        (staging / "report.json").write_text("{}")
        assert not (out / "report.json").exists()
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "report.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["outputs"]


def test_replace_folder_keeps_old_build_when_build_fails(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    (out / "report.json").write_text("old")
    with pytest.raises(ValueError):
        with replace_folder(out) as staging:
            (staging / "report.json").write_text("new")
            raise ValueError("extraction failed")
    assert (out / "report.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["outputs"]


def test_outputs_get_the_usual_permissions(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        with replace_folder(tmp_path / "out") as staging:
            (staging / "b.txt").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
