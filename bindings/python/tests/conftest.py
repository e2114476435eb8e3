import os
import shutil

import pytest

import phs

SOURCE_ROOT = os.environ.get(
    "PHS_SOURCE_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
BUILD_ROOT = os.environ.get("PHS_BUILD_ROOT", os.path.join(SOURCE_ROOT, "build"))
RESIDENTS_CSV = os.path.join(SOURCE_ROOT, "examples", "residents.csv")

HTN1 = {"id": "htn1", "age": 58, "visit_date": "2024-06-01", "diagnoses": ["I10"],
        "sbp": 176, "dbp": 108}


@pytest.fixture(scope="session")
def rules():
    return phs.default_rules_dir()


@pytest.fixture(scope="session")
def engine(rules):
    with phs.Engine(rules) as e:
        yield e


@pytest.fixture
def htn1():
    return dict(HTN1)


@pytest.fixture(scope="session")
def phs_cli():
    path = os.path.join(BUILD_ROOT, "cli", "phs")
    if not os.access(path, os.X_OK):
        pytest.skip(f"the phs command is not built ({path})")
    return path


@pytest.fixture
def broken_rules(tmp_path, rules):
    """A rule directory whose one program file is given by the test."""
    def make(text):
        shutil.copy(os.path.join(rules, "fields.yaml"), tmp_path / "fields.yaml")
        (tmp_path / "broken.yaml").write_text(text, encoding="utf-8")
        return str(tmp_path)
    return make
