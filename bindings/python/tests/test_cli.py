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


def test_empty_input_says_so(phs_cli, rules, tmp_path):
    for text in ("", "id,sbp\n"):
        f = tmp_path / "empty.csv"
        f.write_text(text)
        args = ["classify", "--rules", rules, "--as-of", "2024-06-01", str(f)]
        c, p = run([phs_cli, *args]), py(*args)
        assert c.returncode == p.returncode == 1
        assert c.stdout == p.stdout == ""
        assert c.stderr == p.stderr == f"phs: {f} holds no records\n"


def test_unknown_header_column_is_one_error(phs_cli, rules, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("id,sbpp,visit_date\na,150,2024-06-01\nb,160,2024-06-01\n")
    for cmd in ("classify", "explain"):
        args = [cmd, "--rules", rules, "--as-of", "2024-06-01", str(f)]
        c = run([phs_cli, *args])
        assert c.returncode == 2, c.stderr
        assert c.stdout == ""
        assert c.stderr == (f"phs: {f}:1:4: CSV header: unknown field 'sbpp' "
                            "in column 2\n")
    p = py("classify", "--rules", rules, str(f))
    assert (p.returncode, p.stdout, p.stderr) == (2, "", c.stderr)


def test_summary_on_stderr_when_records_fail(phs_cli, rules, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("id,visit_date,age,diagnoses,sbp\n"
                 "a,2024-06-01,60,I10,abc\n"
                 "b,2024-06-01,60,I10,150\n"
                 "c,2024-13-01,60,I10,150\n"
                 "d,2024-06-01,60,I10,1\n"
                 "e,2024-06-01,60,I10,x\n")
    args = ["classify", "--rules", rules, str(f)]
    c, p = run([phs_cli, *args]), py(*args)
    assert c.returncode == p.returncode == 1
    assert c.stderr == p.stderr
    lines = c.stderr.splitlines()
    assert lines[0] == (f"phs: {f}: 5 records read, 1 classified, 4 refused; "
                        "the first errors:")
    assert [ln.split(":")[0] for ln in lines[1:]] == [
        "  record 1 (id a)", "  record 3 (id c)", "  record 4 (id d)"]
    assert "'abc' is not a number" in lines[1]
    # every refused record is still in the output, one line each
    assert sum('"error"' in ln for ln in c.stdout.splitlines()) == 4
    # a run where every record is classified says nothing
    good = run([phs_cli, "classify", "--rules", rules, "--as-of", "2024-06-01", RESIDENTS_CSV])
    assert good.returncode == 0 and good.stderr == ""


def test_missing_paths_exit_2_everywhere(phs_cli, rules, tmp_path):
    missing = str(tmp_path / "missing")
    calls = [["classify", "--rules", rules, missing], ["explain", "--rules", rules, missing],
             ["classify", "--rules", missing, RESIDENTS_CSV],
             ["report", "--rules", rules, "--period", "2024", missing],
             ["check", missing], ["test", missing], ["verify", missing],
             ["fingerprint", missing], ["diff", missing, rules], ["diff", rules, missing],
             ["diff", "--population", missing, rules]]
    for call in calls:
        c = run([phs_cli, *call])
        assert c.returncode == 2, (call, c.returncode, c.stderr)
        assert c.stderr.startswith("phs: "), call
    assert py("check", missing).returncode == 2
