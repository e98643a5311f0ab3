"""requirements.txt (pip) and environment.yml (conda, Binder) must name the same packages
with the same version ranges, so the two installation routes give the same course."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def parse(line):
    name, spec = REQUIREMENT.match(line.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pip_requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(parse(line) for line in lines if line.strip() and not line.startswith("#"))


def conda_environment():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = {}, []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
        else:
            name, spec = parse(entry)
            if name not in ("python", "pip"):
                conda[name] = spec
    return env, conda, pip


def test_environment_uses_conda_forge_and_installs_the_course():
    env, _, pip = conda_environment()
    assert env["channels"] == ["conda-forge"]
    assert "-e ." in pip, "environment.yml must install nnlib itself (pip: -e .)"
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python>=3.10"]


def test_both_lists_name_the_same_packages_and_versions():
    _, conda, pip = conda_environment()
    from_env = dict(conda)
    from_env.update(parse(line) for line in pip if not line.startswith("-e"))
    assert from_env == pip_requirements()


def test_the_course_dependencies_are_all_there():
    names = set(pip_requirements())
    assert {"numpy", "matplotlib", "jupyterlab", "nbval", "nnfs", "ipywidgets", "tqdm",
            "pytest"} <= names
