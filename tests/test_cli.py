"""The ``arena`` command line."""

from __future__ import annotations

import json
import subprocess
import sys

import imageio.v2 as imageio
import pytest

from arena.cli import main


def test_tasks_lists_every_task_with_roles(capsys):
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    for task in ("StackBlocks", "SlideBlockToTarget", "OpenDrawer", "CloseBox"):
        assert task in out
    assert "top_block (MO, block)" in out and "drawer: bottom/middle/top" in out


def test_render_writes_one_tile_per_camera(tmp_path, capsys):
    out = tmp_path / "scene.png"
    assert main(["render", "--task", "CloseBox", "--size", "40", "--cameras", "front,wrist", "-o", str(out)]) == 0
    assert imageio.imread(out).shape == (40, 80, 3)


def test_rollout_plays_an_episode_and_records_a_video(tmp_path, capsys):
    video = tmp_path / "episode.mp4"
    assert main(["rollout", "--task", "StackBlocks", "--seed", "3", "--video", str(video)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["success"] is True and summary["error"] is None
    frames = imageio.mimread(video, memtest=False)
    assert len(frames) == summary["steps"] + 1


def test_eval_then_report(tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        main(
            [
                "eval",
                "--tasks",
                "CloseBox",
                "--axes",
                "None,Mass",
                "--episodes",
                "2",
                "--workers",
                "0",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert (out / "results.jsonl").exists() and (out / "report.md").exists()
    assert main(["report", str(out / "results.jsonl"), "-o", str(tmp_path / "rep")]) == 0
    out_text = capsys.readouterr().out
    assert "| CloseBox | 100% [34%–100%] n=2 | 100% [34%–100%] n=2 |" in out_text
    assert "| Mass | 100% " in out_text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "--episodes", "0"], "expected a positive integer"),
        (["eval", "--tasks", "PourWater"], "unknown task ['PourWater']; valid: CloseBox"),
        (["eval", "--axes", "Glitter"], "unknown axis ['Glitter']; valid: None, ObjectColor"),
        (["render", "--task", "CloseBox", "--cameras", "ceiling"], "unknown camera"),
        (["rollout", "--task", "Nope"], "unknown task 'Nope'; valid: CloseBox"),
    ],
)
def test_bad_arguments_are_rejected_by_the_parser(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "arena.cli", "tasks"], capture_output=True, text=True, check=True)
    assert "CloseBox" in result.stdout
