"""`python -m phs` mirrors the C `phs` command: same output, same status."""
import subprocess
import sys

import pytest

from conftest import RESIDENTS_CSV


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def py(*args, **kw):
    return run([sys.executable, "-m", "phs", *args], **kw)


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "table"])
def test_classify_matches_the_c_command(phs_cli, rules, fmt):
    args = ["classify", "--rules", rules, "--as-of", "2024-06-01", "--format", fmt, RESIDENTS_CSV]
    c, p = run([phs_cli, *args]), py(*args)
    assert p.returncode == c.returncode == 0, p.stderr
    assert p.stdout == c.stdout


def test_classify_bad_records_match(phs_cli, rules, tmp_path):
    f = tmp_path / "in.ndjson"
    f.write_text('{"id":"a","age":50}\n{"id":"b","sbp":"high"}\n{"id":"c","sbp":120,"dbp":150}\n'
                 '{"id":"d","age":60}\n')
    for fmt in ("ndjson", "csv", "table"):
        args = ["classify", "--rules", rules, "--as-of", "2024-06-01", "--format", fmt, str(f)]
        c, p = run([phs_cli, *args]), py(*args)
        assert p.returncode == c.returncode == 1
        assert p.stdout == c.stdout, fmt
        assert p.stderr == c.stderr, fmt


def test_params(phs_cli, rules):
    args = ["classify", "--rules", rules, "--as-of", "2024-06-01",
            "--param", "hypertension.bp_target_profile=guideline_2025", RESIDENTS_CSV]
    c, p = run([phs_cli, *args]), py(*args)
    assert p.returncode == c.returncode == 0
    assert p.stdout == c.stdout


@pytest.mark.parametrize("cmd", ["check", "fingerprint"])
def test_check_and_fingerprint(phs_cli, rules, cmd):
    c, p = run([phs_cli, cmd, rules]), py(cmd, rules)
    assert (p.returncode, p.stdout) == (c.returncode, c.stdout)
    assert py(cmd, "--rules", rules).stdout == c.stdout


def test_test(phs_cli, rules):
    c, p = run([phs_cli, "test", "-v", rules]), py("test", "-v", rules)
    assert (p.returncode, p.stdout) == (c.returncode, c.stdout)


def test_broken_rules(phs_cli, broken_rules):
    path = broken_rules("program: broken\nversion: [\n")
    for cmd, status in (("check", 1), ("test", 2), ("fingerprint", 2)):
        c, p = run([phs_cli, cmd, path]), py(cmd, path)
        assert p.returncode == c.returncode == status, cmd
        assert p.stderr == c.stderr, cmd
    args = ["classify", "--rules", path, "--as-of", "2024-06-01", RESIDENTS_CSV]
    assert py(*args).returncode == run([phs_cli, *args]).returncode == 2


def test_usage_errors(rules):
    assert py().returncode == 2
    assert py("classify").returncode == 2
    assert py("classify", "--as-of", "2024-13-01", RESIDENTS_CSV).returncode == 2
    assert py("classify", "--format", "xml", RESIDENTS_CSV).returncode == 2
    assert py("classify", "--param", "nonsense", RESIDENTS_CSV).returncode == 2
    assert py("classify", "--rules", rules, "/nonexistent.csv").returncode == 2
    assert py("check", "--rules", rules, rules).returncode == 2
    p = py("--help")
    assert p.returncode == 0 and "classify" in p.stdout


def test_stdin(phs_cli, rules):
    with open(RESIDENTS_CSV, encoding="utf-8") as f:
        data = f.read()
    args = ["classify", "--rules", rules, "--as-of", "2024-06-01", "-"]
    c, p = run([phs_cli, *args], input=data), py(*args, input=data)
    assert p.stdout == c.stdout and p.returncode == c.returncode == 0


def test_version(phs_cli):
    p, c = py("version"), run([phs_cli, "version"])
    assert p.returncode == c.returncode == 0
    assert p.stdout.split("[")[0].strip() == c.stdout.strip()
