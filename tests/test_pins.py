"""pyproject.toml is the one place dependencies are pinned; environment.yml must agree."""

import re
import tomllib

import yaml

from conftest import ROOT


def _split(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    return re.sub(r"[-_.]+", "-", name.strip().lower()), version.strip()


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    loose = [r for r in requirements if "==" not in r]
    assert not loose, f"pin these with == in pyproject.toml: {loose}"


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["grading"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert conda_python == ["python=3.11"], "environment.yml must ask for Python 3.11"
    listed = dict(_split(r) for r in pip_section if "==" in r)
    assert listed == wanted, (
        "environment.yml and pyproject.toml disagree:\n"
        f"  only in pyproject or different: { {k: v for k, v in wanted.items() if listed.get(k) != v} }\n"
        f"  only in environment.yml or different: { {k: v for k, v in listed.items() if wanted.get(k) != v} }")
    assert "-e ." in pip_section, "environment.yml must install the course package itself"
