"""The benchmark's probe of threaded updates runs and keeps the numbers of one thread."""
import sys

from teacher_modules import ROOT, load_script

sys.path.insert(0, str(ROOT / "bench"))          # as when the script runs: bench.py beside it
split_update = load_script(ROOT / "bench" / "split_update.py", "split_update")


def test_split_update_prints_a_row_per_shape(capsys):
    split_update.main(shapes=[(64, 8), (9, 3)])      # raises if the halves changed the numbers
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["shape", "elements", "1", "thread", "2", "threads", "speed-up"]
    assert [line.split(")")[0].strip() + ")" for line in lines[1:]] == ["(64, 8)", "(9, 3)"]
