"""Report statistics match hand-computed values; files are written; several policies side by side."""

from __future__ import annotations

import json

import pytest

from arena.eval.protocol import EpisodeKey
from arena.eval.report import axis_summaries, summarize, wilson_interval, write_report
from arena.eval.runner import make_record


def test_wilson_interval_matches_a_hand_computed_value():
    # 8 of 10: centre (0.8 + 1.96^2/20) / (1 + 1.96^2/10) = 0.7167; half 1.96*sqrt(0.016 + 0.0096)/1.384 = 0.2266
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3)
    assert high == pytest.approx(0.9433, abs=1e-3)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def _records(policy, rates):
    out = []
    for (task, axis), (k, n) in rates.items():
        out += [make_record(EpisodeKey(task, axis, i, policy), success=i < k, steps=10) for i in range(n)]
    return out


EXAMPLE = {
    ("StackBlocks", "None"): (8, 10),
    ("CloseBox", "None"): (6, 10),
    ("StackBlocks", "ReceiverColor"): (4, 10),
    ("CloseBox", "ObjectColor"): (3, 10),
    ("StackBlocks", "ObjectColor"): (8, 10),
}


def test_relative_change_is_computed_over_tasks_where_the_axis_applies():
    summary = summarize(_records("p", EXAMPLE))
    by_axis = {s.axis: s for s in axis_summaries(summary, "p")}
    # ObjectColor: mean(0.8, 0.3) = 0.55 vs None mean(0.8, 0.6) = 0.7 -> -21.4%
    assert by_axis["ObjectColor"].mean == pytest.approx(0.55)
    assert by_axis["ObjectColor"].change == pytest.approx((0.55 - 0.7) / 0.7)
    # ReceiverColor applies to StackBlocks only (CloseBox has no RO): 0.4 vs 0.8 -> -50%
    assert by_axis["ReceiverColor"].tasks == 1
    assert by_axis["ReceiverColor"].change == pytest.approx(-0.5)
    low, high = by_axis["ObjectColor"].change_ci
    assert low <= by_axis["ObjectColor"].change <= high


def test_report_files_show_cells_na_and_policies_side_by_side(tmp_path):
    path = tmp_path / "results.jsonl"
    rows = _records("expert", EXAMPLE) + _records("random", {("StackBlocks", "None"): (1, 10)})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = write_report([path], tmp_path / "out").read_text()
    assert "| CloseBox | 60% [31%–83%] n=10 | 30% [11%–60%] n=10 | n/a |" in report
    assert "expert success | expert change vs None | random success" in report
    assert "| ObjectColor | 55% " in report and "-21%" in report
    html = (tmp_path / "out" / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3  # two heatmaps and the drop chart, embedded
    assert (tmp_path / "out" / "heatmap_expert.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "out" / "axis_drops.png").exists()


def test_writing_a_report_leaves_the_callers_matplotlib_backend_alone(tmp_path):
    import json as _json
    import subprocess
    import sys

    records = _records("p", EXAMPLE)
    path = tmp_path / "results.jsonl"
    path.write_text("".join(_json.dumps(r) + "\n" for r in records))
    code = (
        "import matplotlib; matplotlib.use('svg'); "
        "from arena.eval.report import write_report; "
        f"write_report([{str(path)!r}], {str(tmp_path / 'out')!r}); print(matplotlib.get_backend())"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "svg"
    assert (tmp_path / "out" / "report.html").exists()


def test_the_report_reads_changes_against_the_colosseums_published_shape(tmp_path):
    path = tmp_path / "results.jsonl"
    rows = _records("vla", {("StackBlocks", "None"): (8, 10), ("StackBlocks", "All"): (1, 10)})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = write_report([path], tmp_path / "out").read_text()
    # All: 0.1 vs 0.8 -> -88%, against THE COLOSSEUM's at least -75% and the paper's PerAct -79%, RVT -85%
    assert "| All | ≤ -75% | PerAct -79%, RVT -85% | -88% |" in report


def test_a_combined_report_links_each_evaluations_videos(tmp_path):
    for policy in ("expert", "random"):
        folder = tmp_path / policy
        folder.mkdir()
        record = make_record(EpisodeKey("StackBlocks", "None", 0, policy), success=True, steps=3)
        record["video"] = "videos/StackBlocks_None_000.mp4"
        (folder / "results.jsonl").write_text(json.dumps(record) + "\n")
    report = write_report([tmp_path / "expert", tmp_path / "random"], tmp_path / "combined").read_text()
    assert "(../expert/videos/StackBlocks_None_000.mp4)" in report
    assert "(../random/videos/StackBlocks_None_000.mp4)" in report
