"""The provenance record every heavy-run script stores (inception_edu.course.provenance)."""

import subprocess

import pytest

from inception_edu.course import provenance as prov


@pytest.fixture
def repository(tmp_path):
    """A git repository with two committed files, ``a.py`` and ``b/c.py``."""

    def run(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    run("init", "-q")
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.py").write_text("c = 1\n")
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
    return tmp_path


def test_a_clean_scope_is_not_dirty_and_names_the_commit(repository):
    found = prov.provenance("python run.py --seeds 0 1 2", ["a.py"], repository)
    assert found["command"] == "python run.py --seeds 0 1 2"
    assert found["dirty"] is False and found["dirty_scope"] == "a.py"
    head = prov.git("rev-parse", "HEAD", root=repository)
    assert found["commit"] == head and len(head) == 40
    assert set(found["versions"]) == {"python", "tensorflow", "keras", "numpy"}
    assert found["versions"]["keras"] is not None and "CPU cores" in found["machine"]


def test_only_changes_inside_the_scope_make_a_run_dirty(repository):
    (repository / "b" / "c.py").write_text("c = 2\n")
    assert prov.provenance("x", ["a.py"], repository)["dirty"] is False
    assert prov.provenance("x", ["b"], repository)["dirty"] is True
    assert prov.uncommitted(["b"], repository) == [" M b/c.py"]
    assert prov.provenance("x", ["a.py", ":(exclude)b"], repository)["dirty"] is False


def test_without_git_the_record_says_it_does_not_know(tmp_path):
    found = prov.provenance("x", ["a.py"], tmp_path)
    assert found["commit"] is None and found["dirty"] is None


def test_an_empty_scope_is_a_clear_error():
    with pytest.raises(ValueError, match="scope must name the files"):
        prov.provenance("x", [])


def test_a_missing_record_names_the_command_that_writes_it(tmp_path):
    with pytest.raises(ValueError, match="No stored study at .*Run: python scripts/x.py --all"):
        prov.read_record(tmp_path / "none.json", "study", "python scripts/x.py --all")
    (tmp_path / "made.json").write_text('{"runs": [1, 2]}')
    assert prov.read_record(tmp_path / "made.json", "study", "-") == {"runs": [1, 2]}
