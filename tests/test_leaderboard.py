"""Submission bundles and their validator: a valid bundle is accepted, and each kind of tampering is refused by the
rule it breaks, naming the file and the record."""

from __future__ import annotations

import copy
import gzip
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest

from arena.eval.protocol import EPISODES_PER_CELL
from arena.leaderboard import archive
from arena.leaderboard.archive import CHECKSUMS_FILE, RESULTS_FILE, SUBMISSION_FILE, read_bundle, write_bundle
from arena.leaderboard.bundle import build_submission, bundle_bytes, results_bytes
from arena.leaderboard.checksums import checksums_text
from arena.leaderboard.grid import MAX_RECORD_BYTES, grid_cells
from arena.leaderboard.manifest import make_manifest, make_policy_card, manifest_problems
from arena.leaderboard.problems import RULES, InvalidSubmissionError, Problem
from arena.leaderboard.validator import checked_bundle, validate_bundle
from tests.test_cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "leaderboard" / "submissions"
TASK = "CloseLaptopLid"
CARD = make_policy_card(architecture="scripted expert", parameters=None, training_tasks=[], texture_split="none",
                        perturbed_data=False, compute="none", licence="Apache-2.0")  # fmt: skip


@pytest.fixture(scope="module")
def records():
    """The committed expert entry's CloseLaptopLid records: a complete one-task partial grid (325 episodes)."""
    members, problems = read_bundle(SUBMISSIONS / "expert.zip")
    assert not problems
    lines = members[RESULTS_FILE].decode().splitlines()
    return [r for r in map(json.loads, lines) if r["task"] == TASK]


@pytest.fixture(scope="module")
def manifest():
    return make_manifest(name="expert-one-task", team="Arena", policy="expert", policy_card=CARD, tasks=[TASK])


def members_of(manifest, records):
    """Bundle members (with their SHA256SUMS) from a manifest and records."""
    members = {
        SUBMISSION_FILE: (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(),
        RESULTS_FILE: results_bytes(records),
    }
    members[CHECKSUMS_FILE] = checksums_text(members)
    return members


def rules_of(result):
    return {p.rule for p in result.problems}


def only_problems(result, rule):
    found = [p for p in result.problems if p.rule == rule]
    assert found, f"no {rule} problem in {[str(p) for p in result.problems]}"
    assert rules_of(result) == {rule}, [str(p) for p in result.problems]
    return found


# --- a valid bundle ------------------------------------------------------------------------------------------------


def test_a_valid_bundle_is_accepted(manifest, records):
    result = validate_bundle(bundle_bytes(manifest, records))
    assert result.valid, [str(p) for p in result.problems]
    assert len(result.records) == len(grid_cells([TASK])) * EPISODES_PER_CELL == len(records)
    summary = result.to_dict()
    assert summary["track"] == f"partial:{TASK}" and summary["valid"] and summary["problems"] == []


def test_bundles_are_byte_for_byte_reproducible_whatever_the_record_order(manifest, records):
    assert bundle_bytes(manifest, records) == bundle_bytes(manifest, list(reversed(records)))


def test_the_committed_entries_are_valid():
    for path in sorted(SUBMISSIONS.glob("*.zip")):
        result = validate_bundle(path)
        assert result.valid, (path, [str(p) for p in result.problems[:5]])
        assert result.manifest["name"] == path.stem


# --- tampered results: each refused by its rule ---------------------------------------------------------------------


def test_an_edited_success_breaks_the_checksum_of_results(manifest, records):
    members = members_of(manifest, records)  # SHA256SUMS of the untouched results
    edited = copy.deepcopy(records)
    edited[0]["success"] = not edited[0]["success"]
    members[RESULTS_FILE] = results_bytes(edited)
    problems = only_problems(validate_bundle(write_bundle(members)), "checksum")
    assert [p.file for p in problems] == [RESULTS_FILE]
    assert "differs from" in problems[0].message


def test_an_edited_seed_is_refused_naming_the_line_and_episode(manifest, records):
    edited = copy.deepcopy(records)
    edited[3]["seed"] += 1
    problems = only_problems(validate_bundle(bundle_bytes(manifest, edited)), "seed")
    assert len(problems) == 1 and problems[0].file == RESULTS_FILE
    assert problems[0].record == f"line 4 ({TASK}/None/episode 3)"
    assert "the protocol's is" in problems[0].message


def test_an_edited_config_is_refused(manifest, records):
    edited = copy.deepcopy(records)
    pose = edited[5]["episode_config"]["object_poses"]["laptop"]
    pose[0] += 0.01  # nudged towards the robot: an easier episode
    result = validate_bundle(bundle_bytes(manifest, edited))
    problems = only_problems(result, "episode-config")
    assert "object_poses" in problems[0].message and problems[0].record.startswith("line 6 ")


def test_a_config_hash_that_does_not_match_the_protocol_is_refused(manifest, records):
    edited = copy.deepcopy(records)
    edited[7]["config_hash"] = "0123456789abcdef"
    only_problems(validate_bundle(bundle_bytes(manifest, edited)), "config-hash")


def test_a_cherry_picked_episode_from_another_index_is_refused(manifest, records):
    edited = copy.deepcopy(records)
    edited[0] = {**edited[1], "episode": 0}  # episode 1's outcome presented as episode 0
    assert rules_of(validate_bundle(bundle_bytes(manifest, edited))) == {"seed", "episode-config", "config-hash"}


def test_a_missing_cell_is_refused_naming_it(manifest, records):
    edited = [r for r in records if r["axis"] != "Lighting"]
    problems = only_problems(validate_bundle(bundle_bytes(manifest, edited)), "grid")
    assert [p.record for p in problems] == [f"cell {TASK}/Lighting"]
    assert f"lacks {EPISODES_PER_CELL} of {EPISODES_PER_CELL}" in problems[0].message


def test_a_duplicate_episode_is_refused(manifest, records):
    problems = only_problems(validate_bundle(bundle_bytes(manifest, [*records, records[10]])), "duplicate-episode")
    assert "already given on line" in problems[0].message


def test_a_wrong_protocol_version_is_refused_in_the_manifest_and_in_records(manifest, records):
    old = {**manifest, "protocol_version": "v1"}
    problems = only_problems(validate_bundle(bundle_bytes(old, records)), "protocol-version")
    assert problems[0].file == SUBMISSION_FILE and "'v1'" in problems[0].message
    edited = copy.deepcopy(records)
    edited[2]["protocol"] = "v1"
    problems = only_problems(validate_bundle(bundle_bytes(manifest, edited)), "protocol-version")
    assert problems[0].file == RESULTS_FILE and problems[0].record == f"line 3 ({TASK}/None/episode 2)"


def test_a_bad_checksum_is_refused(manifest, records):
    members = members_of(manifest, records)
    lines = members[CHECKSUMS_FILE].decode().splitlines()
    lines[0] = "0" * 64 + lines[0][64:]
    members[CHECKSUMS_FILE] = ("\n".join(lines) + "\n").encode()
    problems = only_problems(validate_bundle(write_bundle(members)), "checksum")
    assert [p.file for p in problems] == [SUBMISSION_FILE]


def test_a_member_missing_from_the_checksums_is_refused(manifest, records):
    members = members_of(manifest, records)
    members[CHECKSUMS_FILE] = b"\n".join(members[CHECKSUMS_FILE].splitlines()[:1]) + b"\n"
    problems = only_problems(validate_bundle(write_bundle(members)), "checksum")
    assert "not listed" in problems[0].message


def test_an_oversized_record_is_refused_before_it_is_parsed(manifest, records):
    edited = copy.deepcopy(records)
    edited[4]["policy_metadata"] = {"padding": "x" * MAX_RECORD_BYTES}
    result = validate_bundle(bundle_bytes(manifest, edited))
    problems = [p for p in result.problems if p.rule == "record-size"]
    assert problems[0].record == "line 5" and "bytes; at most" in problems[0].message
    assert rules_of(result) == {"record-size", "grid"}  # its episode is then missing from its cell


def test_steps_over_the_task_limit_are_refused(manifest, records):
    edited = copy.deepcopy(records)
    edited[8]["steps"] = 100_000
    problems = only_problems(validate_bundle(bundle_bytes(manifest, edited)), "steps")
    assert "allows at most 250" in problems[0].message


def test_records_of_another_policy_are_refused(manifest, records):
    edited = copy.deepcopy(records)
    edited[9]["policy"] = "someone-else"
    only_problems(validate_bundle(bundle_bytes(manifest, edited)), "policy")


def test_records_outside_the_declared_track_are_refused(manifest, records):
    edited = copy.deepcopy(records)
    edited[0]["task"] = "CloseBox"
    result = validate_bundle(bundle_bytes(manifest, edited))
    assert "task" in rules_of(result) and "grid" in rules_of(result)  # and its own cell is now one short


def test_a_record_breaking_the_result_schema_or_json_is_refused(manifest, records):
    members = members_of(manifest, records)
    lines = members[RESULTS_FILE].splitlines()
    lines[0] = lines[0].replace(b'"success": true', b'"success": "yes"')
    lines[1] = lines[1].replace(b'"duration_s": ', b'"duration_s": NaN, "x": ')
    members[RESULTS_FILE] = b"\n".join(lines) + b"\n"
    members[CHECKSUMS_FILE] = checksums_text({k: v for k, v in members.items() if k != CHECKSUMS_FILE})
    result = validate_bundle(write_bundle(members))
    by_rule = {p.rule: p for p in result.problems}
    assert by_rule["record-schema"].record == "line 1" and "success" in by_rule["record-schema"].message
    assert by_rule["json"].record == "line 2" and "NaN" in by_rule["json"].message


def test_an_unplayed_episode_must_be_an_unsuccessful_error_record(manifest, records):
    edited = copy.deepcopy(records)
    edited[0].update(episode_config=None, config_hash=None, error="worker died", success=False)
    assert validate_bundle(bundle_bytes(manifest, edited)).valid  # a crash counts as a failure
    edited[0]["success"] = True
    only_problems(validate_bundle(bundle_bytes(manifest, edited)), "unplayed-episode")


# --- unsafe archives -------------------------------------------------------------------------------------------------


def zip_of(entries):
    """A zip of ``(ZipInfo or name, bytes)`` pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as handle:
        for info, data in entries:
            handle.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../results.jsonl", "/etc/results.jsonl", "a/../../x", "C:/x", "a\\b"])
def test_unsafe_member_names_are_refused_before_anything_is_read(manifest, records, name):
    members = members_of(manifest, records)
    data = zip_of([*members.items(), (name, b"{}")])
    bundle, problems = read_bundle(data)
    assert bundle == {}  # nothing read at all
    assert {p.rule for p in problems} == {"member-name"} and repr(name) in problems[0].message


def test_a_symlink_member_is_refused(manifest, records):
    link = zipfile.ZipInfo("link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    result = validate_bundle(zip_of([*members_of(manifest, records).items(), (link, b"/etc/passwd")]))
    assert rules_of(result) == {"member-type", "member-unexpected"}
    assert "symbolic link" in next(p.message for p in result.problems if p.rule == "member-type")


def test_a_zip_bomb_is_refused_from_its_directory_alone(manifest):
    bomb = b" " * (20 * 1024 * 1024)  # 20 MiB of spaces deflate ~1000x
    members = {SUBMISSION_FILE: json.dumps(manifest).encode(), RESULTS_FILE: bomb}
    members[CHECKSUMS_FILE] = checksums_text(members)
    bundle, problems = read_bundle(write_bundle(members))
    assert bundle == {}
    assert {p.rule for p in problems} == {"compression-ratio"} and "expands" in problems[0].message


def test_a_member_larger_than_its_limit_is_refused(manifest, records, monkeypatch):
    monkeypatch.setitem(archive.MEMBER_LIMITS, RESULTS_FILE, 10_000)
    result = validate_bundle(bundle_bytes(manifest, records))
    assert rules_of(result) == {"member-size"}


def test_a_member_that_lies_about_its_size_is_cut_off(manifest, records, monkeypatch):
    data = bundle_bytes(manifest, records)
    real = len(results_bytes(records))
    monkeypatch.setitem(archive.MEMBER_LIMITS, RESULTS_FILE, real - 1)  # the directory is checked against this
    monkeypatch.setattr(archive, "_directory_problems", lambda infos: [])  # as if the directory lied
    problems = read_bundle(data)[1]
    assert [(p.file, p.rule) for p in problems] == [(RESULTS_FILE, "member-size")]


def test_nested_archives_are_refused_by_name_and_by_magic_bytes(manifest, records):
    members = members_of(manifest, records)
    by_name = read_bundle(zip_of([*members.items(), ("more.zip", b"PK")]))[1]
    assert {p.rule for p in by_name} == {"nested-archive"}
    members[RESULTS_FILE] = gzip.compress(members[RESULTS_FILE], mtime=0)
    by_magic = read_bundle(zip_of(members.items()))[1]
    assert [(p.file, p.rule) for p in by_magic] == [(RESULTS_FILE, "nested-archive")] and "gzip" in by_magic[0].message


def test_unexpected_and_missing_members_are_refused(manifest, records):
    members = members_of(manifest, records)
    unexpected = validate_bundle(zip_of([*members.items(), ("policy.pkl", b"\x80\x04.")]))
    assert rules_of(unexpected) == {"member-unexpected"}
    del members[CHECKSUMS_FILE]
    assert rules_of(validate_bundle(zip_of(members.items()))) == {"member-missing"}


def test_duplicate_member_names_are_refused(manifest, records):
    members = members_of(manifest, records)
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_of([*members.items(), (RESULTS_FILE, b"")])
    assert rules_of(validate_bundle(data)) == {"member-duplicate"}


def test_too_many_entries_are_refused_before_the_directory_is_parsed(manifest, records):
    members = members_of(manifest, records)
    data = zip_of([*members.items(), *((f"extra{i}", b"") for i in range(14))])
    problems = read_bundle(data)[1]
    assert [p.rule for p in problems] == ["archive"] and "17 entries; a bundle is a plain zip of at most 16" in str(
        problems[0]
    )


def test_files_that_are_not_zips_or_too_large_are_refused(tmp_path, monkeypatch):
    assert rules_of(validate_bundle(b"not a zip")) == {"archive"}
    assert rules_of(validate_bundle(tmp_path / "absent.zip")) == {"bundle-file"}
    monkeypatch.setattr(archive, "MAX_BUNDLE_BYTES", 1000)
    problems = validate_bundle(SUBMISSIONS / "random.zip").problems
    assert [(p.file, p.rule) for p in problems] == [("random.zip", "bundle-file")] and "at most 1000" in str(
        problems[0]
    )


# --- submission.json --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        ("name", "../evil", "'../evil' is not a name of lower-case letters"),
        ("links", {"paper": "javascript:alert(1)", "code": None, "checkpoint": None}, "is not an http(s) URL"),
        ("track", {"kind": "partial", "tasks": ["NoSuchTask"]}, "is not valid under any of the given schemas"),
        ("team", "", "should be non-empty"),
    ],
)
def test_the_manifest_schema_refuses_bad_fields(manifest, field, value, fragment):
    problems = manifest_problems({**manifest, field: value})
    assert problems and all(p.rule == "submission-schema" and p.file == SUBMISSION_FILE for p in problems)
    assert problems[0].record.startswith(field) and fragment in problems[0].message


def test_a_manifest_missing_its_policy_card_is_refused(manifest):
    problems = manifest_problems({k: v for k, v in manifest.items() if k != "policy_card"})
    assert [p.record for p in problems] == ["<submission>"] and "policy_card" in problems[0].message


def test_every_problem_names_a_known_rule():
    with pytest.raises(ValueError, match="unknown validation rule"):
        Problem("x", "no-such-rule", "")
    assert str(Problem("a.json", "seed", "bad", "line 2")) == "a.json, line 2: [seed] bad"
    assert all(RULES.values())


# --- arena submit / arena leaderboard validate ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def results_file(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("results") / "results.jsonl"
    path.write_bytes(results_bytes(records))
    return path


SUBMIT = ["--team", "Arena", "--architecture", "scripted", "--texture-split", "none", "--perturbed-data", "no",
          "--compute", "none", "--licence", "Apache-2.0"]  # fmt: skip


def test_submit_writes_a_valid_bundle_for_a_partial_track(tmp_path, results_file, capsys):
    out = tmp_path / "expert-one.zip"
    code, stdout, err = run_cli(["submit", results_file, "--name", "expert-one", "--partial", *SUBMIT, "-o", out],
                                capsys)  # fmt: skip
    assert code == 0, err
    assert "valid" in stdout and out.is_file()
    result = checked_bundle(out)
    assert result.manifest["track"] == {"kind": "partial", "tasks": [TASK]}
    assert result.manifest["policy_card"]["training_data"] == {"tasks": [], "texture_split": "none",
                                                               "perturbed_data": False}  # fmt: skip


def test_submit_refuses_an_incomplete_full_track_listing_every_problem_and_writes_nothing(tmp_path, results_file,
                                                                                          capsys):  # fmt: skip
    out = tmp_path / "expert.zip"
    code, _, err = run_cli(["submit", results_file, "--name", "expert", *SUBMIT, "-o", out], capsys)
    assert code == 2 and not out.exists()
    listed = [line for line in err.splitlines() if line.startswith("  results.jsonl, cell ")]
    assert len(listed) == len(grid_cells(t for t in _all_tasks() if t != TASK))  # every missing cell, each named
    assert err.splitlines()[-1].startswith("arena submit: refused, nothing written") and "--partial" in err


def _all_tasks():
    from arena.spec.task import task_names

    return task_names()


def test_build_submission_raises_with_every_problem(results_file):
    with pytest.raises(InvalidSubmissionError) as caught:
        build_submission(results_file, name="x", team="t", policy_card=CARD)
    assert all(p.rule == "grid" for p in caught.value.problems)


def test_validate_reports_json_for_ci_and_exits_1_on_an_invalid_bundle(tmp_path, manifest, records, capsys):
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(bundle_bytes(manifest, records))
    edited = copy.deepcopy(records)
    edited[0]["seed"] = 1
    bad.write_bytes(bundle_bytes(manifest, edited))
    code, stdout, _ = run_cli(["leaderboard", "validate", good, bad, "--json"], capsys)
    report = json.loads(stdout)
    assert code == 1 and report["valid"] is False
    assert [b["valid"] for b in report["bundles"]] == [True, False]
    assert report["bundles"][1]["problems"] == [
        {"file": RESULTS_FILE, "rule": "seed", "record": f"line 1 ({TASK}/None/episode 0)",
         "message": f"seed 1; the protocol's is {records[0]['seed']}"}
    ]  # fmt: skip
    code, stdout, _ = run_cli(["leaderboard", "validate", good], capsys)
    assert code == 0 and stdout.startswith(f"{good}: valid (expert-one-task, partial:{TASK}, 325 records)")
