"""``arena serve`` and ``arena eval --policy remote:ws://...`` end to end."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from arena.cli import main
from arena.policies.remote.server import ServeSettings, serve_in_thread


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]


def test_evaluating_a_served_checkpoint_gives_the_local_results(tmp_path):
    pytest.importorskip("torch")
    grid = ["--tasks", "CloseLaptopLid", "--axes", "None", "--episodes", "2", "--workers", "0", "--max-steps", "30"]
    assert main(["eval", "--policy", "checkpoint:arena-vla-small", *grid, "--out", str(tmp_path / "local")]) == 0
    with serve_in_thread(ServeSettings("checkpoint:arena-vla-small", port=0)) as server:
        remote = f"remote:ws://127.0.0.1:{server.port}"
        assert main(["eval", "--policy", remote, *grid, "--out", str(tmp_path / "remote")]) == 0
        assert server.stats["requests"] == 6  # 2 episodes x 30 steps in chunks of 10
    local, served = _records(tmp_path / "local"), _records(tmp_path / "remote")
    fields = ("task", "axis", "episode", "seed", "config_hash", "success", "steps", "error")
    assert [{k: r[k] for k in fields} for r in served] == [{k: r[k] for k in fields} for r in local]
    assert served[0]["policy"] == remote and served[0]["policy_metadata"]["keys"] == "arena"
    weights = served[0]["policy_metadata"]["server_metadata"]["policy_metadata"]["weights_sha256"]
    assert weights == local[0]["policy_metadata"]["weights_sha256"]


def test_arena_serve_answers_healthz_and_stops_gracefully_on_sigterm():
    command = [sys.executable, "-m", "arena.cli", "serve", "--policy", "tests.test_remote_server:tiny", "--port", "0"]
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root, env=env) as p:
        try:
            line = p.stdout.readline()
            port = int(re.search(r"ws://127\.0\.0\.1:(\d+)", line).group(1))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                assert response.status == 200
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=30)
        finally:
            p.kill()
    assert p.returncode == 0, err
    assert "arena serve: stopped" in out and '"requests": 0' in out


def test_arena_serve_refuses_the_expert_and_policy_keys_need_a_remote_policy(capsys, tmp_path):
    assert main(["serve", "--policy", "expert", "--port", "0"]) == 2
    assert "acts on the simulator's internal state" in capsys.readouterr().err
    assert (
        main(["eval", "--policy", "expert", "--policy-keys", "libero", "--tasks", "CloseBox", "--out", str(tmp_path)])
        == 2
    )
    assert "--policy-keys applies to remote:ws://... policies" in capsys.readouterr().err
