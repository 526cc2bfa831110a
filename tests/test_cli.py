"""The ``arena`` command line: what each subcommand does, and that every user-facing error is one line on stderr,
``arena <command>: ...``, exit code 2, naming the path or policy that was wrong."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import imageio.v2 as imageio
import pytest

import arena
from arena.cli import main
from arena.eval.evaluation import evaluate
from arena.eval.results import read_results
from arena.spec.task import task_names

POLICIES = "tests.policies_for_tests"
ARENA_DIR = Path(arena.__file__).resolve().parent
#: One fast evaluation cell: the scripted expert (state observations) on one CloseBox episode, in this process.
EVAL = ["eval", "--tasks", "CloseBox", "--axes", "None", "--episodes", "1", "--workers", "0"]


def run_cli(argv, capsys):
    """``arena argv`` in this process: exit code, stdout and what the user would see on stderr.

    Warnings Arena emits count as stderr lines (pytest would otherwise swallow them).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)  # hidden from users by Python's default filters
        try:
            code = main([str(arg) for arg in argv])
        except SystemExit as exit_:  # argparse errors
            code = exit_.code
    out, err = capsys.readouterr()
    for warning in caught:
        if Path(warning.filename).resolve().is_relative_to(ARENA_DIR):
            err += warnings.formatwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return code, out, err


def assert_one_line_error(code, err, command, *fragments):
    assert code == 2, err
    assert err.startswith(f"arena {command}: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert str(fragment) in err, err


@pytest.fixture(scope="module")
def expert_results(tmp_path_factory):
    """The text of a valid results file: one expert episode of CloseBox/None."""
    folder = tmp_path_factory.mktemp("expert")
    return evaluate("expert", ["CloseBox"], ["None"], 1, folder, progress=False).read_text()


# --- what the commands do -------------------------------------------------------------------------------------------


def test_tasks_lists_every_task_with_roles(capsys):
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    for task in task_names():
        assert task in out
    assert "top_block (MO, block)" in out and "drawer: bottom/middle/top" in out


def test_render_writes_one_tile_per_camera_creating_its_folder(tmp_path, capsys):
    out = tmp_path / "new" / "folder" / "scene.png"
    assert main(["render", "--task", "CloseBox", "--size", "40", "--cameras", "front,wrist", "-o", str(out)]) == 0
    assert imageio.imread(out).shape == (40, 80, 3)


def test_render_replaces_an_existing_file(tmp_path, capsys):
    out = tmp_path / "scene.png"
    out.touch()
    assert main(["render", "--task", "CloseBox", "--size", "16", "--cameras", "front", "-o", str(out)]) == 0
    assert imageio.imread(out).shape == (16, 16, 3)


def test_rollout_plays_an_episode_and_records_a_video(tmp_path, capsys):
    video = tmp_path / "new" / "episode.mp4"
    assert main(["rollout", "--task", "StackBlocks", "--seed", "3", "--video", str(video)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["success"] is True and summary["error"] is None
    frames = imageio.mimread(video, memtest=False)
    assert len(frames) == summary["steps"] + 1


@pytest.mark.parametrize("factory", ["NeedsImages", "StateOnly"])
def test_rollout_gives_the_policy_the_observations_it_declares(factory, capsys):
    """NeedsImages declares nothing (so rgb: it asserts images/front); StateOnly declares state (asserts none)."""
    code, out, err = run_cli(["rollout", "--task", "CloseBox", "--policy", f"{POLICIES}:{factory}"], capsys)
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["error"] is None and summary["steps"] == 3, summary["error"]
    assert code == 0 and err == ""


def test_eval_then_report(tmp_path, capsys):
    out = tmp_path / "run"
    assert main([*EVAL, "--axes", "None,Mass", "--episodes", "2", "--out", str(out)]) == 0
    assert (out / "results.jsonl").exists() and (out / "report.md").exists()
    assert main(["report", str(out / "results.jsonl"), "-o", str(tmp_path / "rep")]) == 0
    out_text = capsys.readouterr().out
    assert "| CloseBox | 100% [34%–100%] n=2 | 100% [34%–100%] n=2 |" in out_text
    assert "| Mass | 100% " in out_text


def test_report_reads_the_folder_eval_wrote_into_a_new_folder(tmp_path, expert_results, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.jsonl").write_text(expert_results)
    code, out, err = run_cli(["report", run, "-o", tmp_path / "new" / "rep"], capsys)
    assert code == 0 and err == ""
    assert "| CloseBox | 100% " in out and (tmp_path / "new" / "rep" / "report.md").exists()


def test_report_drops_a_truncated_last_line_with_one_warning_line(tmp_path, expert_results, capsys):
    results = tmp_path / "results.jsonl"
    results.write_text(expert_results + '{"task": "Clo')
    code, out, err = run_cli(["report", results, "-o", tmp_path / "rep"], capsys)
    assert code == 0 and "| CloseBox | 100% " in out
    assert err.startswith("arena report: warning: ") and err.count("\n") == 1 and "truncated last line 2" in err


# --- every bad path: one line, exit code 2, the path named ---------------------------------------------------------

#: Results files that are not results: content (text or bytes, or None for a folder in its place) and the problem.
BAD_RESULTS = {
    "not-json": (lambda good: "hello\n" + good, "line 1 is not valid JSON"),
    "json-list": (lambda good: "[1, 2]\n", "line 1 is not a result record: <record>: [1, 2] is not of type 'object'"),
    "json-object": (
        lambda good: '{"task": "CloseBox"}\n',
        "line 1 is not a result record: <record>: 'protocol' is a required property",
    ),
    "bad-field": (
        lambda good: json.dumps({**json.loads(good), "steps": -1}) + "\n",
        "line 1 is not a result record: steps: -1 is less than the minimum of 0",
    ),
    "binary": (lambda good: b"\xff\xfe\x00\n", "is not a text file of JSON lines"),
    "folder": (None, "is a folder without results.jsonl"),
}


def _results_file(folder: Path, case: str, good: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "results.jsonl"
    content = BAD_RESULTS[case][0]
    if content is None:
        path.mkdir()
    elif isinstance(data := content(good), bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


@pytest.mark.parametrize("given", ["file", "folder"])
@pytest.mark.parametrize("case", BAD_RESULTS)
def test_report_refuses_a_malformed_results_file(tmp_path, expert_results, capsys, case, given):
    path = _results_file(tmp_path / "run", case, expert_results)
    bad = path if given == "file" else path.parent
    code, _, err = run_cli(["report", bad, "-o", tmp_path / "rep"], capsys)
    assert_one_line_error(code, err, "report", bad, BAD_RESULTS[case][1])
    assert not (tmp_path / "rep").exists()


@pytest.mark.parametrize(
    ("name", "setup", "message"),
    [
        ("missing.jsonl", None, "does not exist; give a results .jsonl file or an arena eval --out folder"),
        ("missing-folder", None, "does not exist"),
        ("empty-folder", "folder", "is a folder without results.jsonl"),
        ("empty.jsonl", "", "holds no result records; run arena eval first"),
        ("blank.jsonl", "\n  \n", "holds no result records"),
        ("only-garbage.jsonl", "hello\n", "line 1 is not valid JSON"),
        ("torn.jsonl", "hello", "holds no result records (dropping truncated last line 1"),
    ],
)
def test_report_refuses_a_path_without_results(tmp_path, capsys, name, setup, message):
    bad = tmp_path / name
    if setup == "folder":
        bad.mkdir()
    elif setup is not None:
        bad.write_text(setup)
    code, _, err = run_cli(["report", bad, "-o", tmp_path / "rep"], capsys)
    assert_one_line_error(code, err, "report", bad, message)


def test_report_names_the_bad_one_of_several_files(tmp_path, expert_results, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(expert_results)
    code, _, err = run_cli(["report", good, tmp_path / "missing.jsonl", "-o", tmp_path / "rep"], capsys)
    assert_one_line_error(code, err, "report", tmp_path / "missing.jsonl")


#: Commands that write one file: the arguments before the path, and the suffixes they accept.
FILE_OUTPUTS = {
    "render": (["render", "--task", "CloseBox", "--size", "16", "-o"], ".png"),
    "contact-sheet": (["contact-sheet", "--task", "CloseBox", "--seeds", "1", "--size", "16", "-o"], ".png"),
    "rollout": (["rollout", "--task", "CloseBox", "--video"], ".mp4"),
}


@pytest.mark.parametrize("kind", ["folder", "wrong-suffix", "below-a-file"])
@pytest.mark.parametrize("command", FILE_OUTPUTS)
def test_file_outputs_refuse_a_bad_path(tmp_path, capsys, command, kind):
    argv, suffix = FILE_OUTPUTS[command]
    (tmp_path / "empty.txt").touch()
    if kind == "folder":
        bad = path = tmp_path / f"folder{suffix}"
        path.mkdir()
        message = f"is a folder; give a file name ending in {suffix}"
    elif kind == "wrong-suffix":
        bad = path = tmp_path / "empty.txt"
        message = f"must end in {suffix}"
    else:
        bad, path = tmp_path / "empty.txt", tmp_path / "empty.txt" / f"x{suffix}"
        message = "cannot create folder"
    code, _, err = run_cli([*argv, path], capsys)
    assert_one_line_error(code, err, command, bad, message)
    assert (tmp_path / "empty.txt").read_bytes() == b""


#: Commands that write into a folder: the arguments before the path ({results}: a valid results file), and what
#: they say of a regular file given as the folder and of a folder below a regular file.
FOLDER_OUTPUTS = {
    "eval": ([*EVAL, "--out"], "is a file; give a folder", "cannot create folder"),
    "report": (["report", "{results}", "-o"], "is a file; give a folder", "cannot create folder"),
    "print-models": (["print-models", "--tasks", "CloseBox", "-o"], "is not writable", "is not writable"),
}


@pytest.mark.parametrize("below", [False, True], ids=["a-file", "below-a-file"])
@pytest.mark.parametrize("command", FOLDER_OUTPUTS)
def test_folder_outputs_refuse_a_file(tmp_path, expert_results, capsys, command, below):
    argv, on_file, below_file = FOLDER_OUTPUTS[command]
    (tmp_path / "results.jsonl").write_text(expert_results)
    bad = tmp_path / "empty"
    bad.touch()
    argv = [arg.format(results=tmp_path / "results.jsonl") for arg in argv]
    code, _, err = run_cli([*argv, bad / "sub" if below else bad], capsys)
    assert_one_line_error(code, err, command, bad, below_file if below else on_file)
    assert bad.read_bytes() == b""


@pytest.mark.parametrize("case", BAD_RESULTS)
def test_eval_refuses_to_resume_a_malformed_results_file(tmp_path, expert_results, capsys, case):
    path = _results_file(tmp_path / "run", case, expert_results)
    before = path.read_bytes() if path.is_file() else None
    code, _, err = run_cli([*EVAL, "--out", tmp_path / "run"], capsys)
    assert_one_line_error(code, err, "eval", path, BAD_RESULTS[case][1])
    assert (path.read_bytes() if path.is_file() else None) == before


def test_eval_refuses_a_results_file_whose_complete_last_line_is_garbage(tmp_path, capsys):
    # Only a last line without its newline is an interrupted write (dropped with a warning); a complete line that is
    # not JSON is corruption: refused in one line, the file left as it was.
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.jsonl").write_text("hello\n")
    code, _, err = run_cli([*EVAL, "--out", run], capsys)
    assert code == 2 and "line 1 is not valid JSON" in err and len(err.strip().splitlines()) == 1
    assert (run / "results.jsonl").read_text() == "hello\n"


# --- policies: checked before anything is recorded -----------------------------------------------------------------

BAD_POLICIES = {
    "unknown-name": ("nope", "unknown policy 'nope'; valid: expert, random, checkpoint:<folder or shipped name> or"),
    "no-such-factory": (f"{POLICIES}:no_such_factory", "'tests.policies_for_tests' has no 'no_such_factory'"),
    "no-such-module": ("no_such_module:factory", "module 'no_such_module' does not import"),
    "factory-raises": (
        f"{POLICIES}:broken_checkpoint",
        "could not be built: RuntimeError: checkpoint /nowhere/model.pt does not load: invalid load key, 'x'.",
    ),
}


@pytest.mark.parametrize("existing", [False, True], ids=["fresh-out", "existing-results"])
@pytest.mark.parametrize("case", BAD_POLICIES)
def test_eval_checks_the_policy_before_recording_anything(tmp_path, expert_results, capsys, case, existing):
    policy, message = BAD_POLICIES[case]
    out = tmp_path / "new" / "run"
    results = out / "results.jsonl"
    if existing:
        out.mkdir(parents=True)
        results.write_text(expert_results)
    # With worker processes: the policy must fail here, before any worker starts (it used to kill each worker).
    code, _, err = run_cli([*EVAL, "--workers", "2", "--policy", policy, "--out", out], capsys)
    assert_one_line_error(code, err, "eval", message)
    if existing:
        assert results.read_text() == expert_results
    else:
        assert not results.exists()
    # The right policy then resumes the same folder.
    code, _, err = run_cli([*EVAL, "--episodes", "2", "--out", out], capsys)
    assert code == 0, err
    assert sorted(r["episode"] for r in read_results(results)) == [0, 1]


@pytest.mark.parametrize("case", BAD_POLICIES)
def test_rollout_checks_the_policy(capsys, case):
    policy, message = BAD_POLICIES[case]
    code, out, err = run_cli(["rollout", "--task", "CloseBox", "--policy", policy], capsys)
    assert_one_line_error(code, err, "rollout", message)
    assert out == ""


# --- argument errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "--episodes", "0"], "expected a positive integer"),
        (["eval", "--tasks", "PourWater"], "unknown task ['PourWater']; valid: BasketballInHoop, CloseBox"),
        (["eval", "--axes", "Glitter"], "unknown axis ['Glitter']; valid: None, ObjectColor"),
        (["eval", "--video", "some"], "expected a non-negative integer, got 'some'"),
        (["render", "--task", "CloseBox", "--cameras", "ceiling"], "unknown camera"),
        (["rollout", "--task", "Nope"], "unknown task 'Nope'; valid: BasketballInHoop, CloseBox"),
        (["report"], "the following arguments are required: results"),
    ],
)
def test_bad_arguments_are_rejected_by_the_parser(argv, message, capsys):
    code, _, err = run_cli(argv, capsys)
    assert_one_line_error(code, err, argv[0], message, f"(see arena {argv[0]} --help)")


def test_console_script_is_installed(tmp_path):
    result = subprocess.run([sys.executable, "-m", "arena.cli", "tasks"], capture_output=True, text=True, check=True)
    assert "CloseBox" in result.stdout
    missing = tmp_path / "missing.jsonl"
    result = subprocess.run([sys.executable, "-m", "arena.cli", "report", str(missing)], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and str(missing) in result.stderr
