"""nnlib.progress: the one progress helper, on by default, silent when NNLIB_PROGRESS is 0/off."""
import pytest

from nnlib.progress import progress, progress_enabled


@pytest.mark.parametrize("value, enabled", [("0", False), ("off", False), ("False", False),
                                            ("1", True), ("yes", True)])
def test_environment_variable_switches_progress(monkeypatch, value, enabled):
    monkeypatch.setenv("NNLIB_PROGRESS", value)
    assert progress_enabled() is enabled


def test_progress_is_on_without_the_variable(monkeypatch):
    monkeypatch.delenv("NNLIB_PROGRESS", raising=False)
    assert progress_enabled()


def test_silent_progress_writes_nothing_and_still_iterates(monkeypatch, capsys):
    monkeypatch.setenv("NNLIB_PROGRESS", "0")
    assert list(progress(range(5), desc="epochs")) == [0, 1, 2, 3, 4]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_visible_progress_draws_a_bar(monkeypatch, capsys):
    monkeypatch.setenv("NNLIB_PROGRESS", "1")
    assert sum(progress(range(5), desc="epochs")) == 10
    assert "epochs" in capsys.readouterr().err
