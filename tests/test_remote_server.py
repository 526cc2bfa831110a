"""A live ``arena serve`` server and ``remote:`` client on 127.0.0.1 (random free ports): metadata, inference,
/healthz, batching equal to unbatched inference, and every fault recorded as a failed episode."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import urllib.request

import gymnasium as gym
import numpy as np
import pytest

import arena  # noqa: F401 - registers the envs
from arena.errors import ArenaError
from arena.eval.policies import build_policy, env_kwargs, resolve_policy
from arena.eval.runner import run_episode
from arena.policies.remote import client as remote_client
from arena.policies.remote import codec
from arena.policies.remote.client import RemotePolicy, parse_remote
from arena.policies.remote.keys import PRESETS
from arena.policies.remote.server import ServedPolicy, ServeError, ServeSettings, serve_in_thread
from arena.policies.remote.transport import open_server

HERE = "tests.test_remote_server"


class TinyPolicy:
    """State-only, chunked, with a batched path; fails on seed 13 and sleeps on seed 99 (for the fault tests)."""

    policy_id = "tiny"
    obs_mode = "state"

    def __init__(self, env=None):
        self.seed = None

    def session(self):
        return TinyPolicy()

    def reset(self, instruction, seed=None):
        self.seed = seed

    def act(self, observation):
        return self.act_batch([self], [observation])[0]

    def act_batch(self, sessions, observations):
        for session in sessions:
            if session.seed == 13:
                raise RuntimeError("model exploded on seed 13")
            if session.seed == 99:
                time.sleep(1.5)
        pairs = zip(sessions, observations, strict=True)
        return [np.tile(o["state"][:7] * 0.01 + (s.seed or 0) * 1e-4, (3, 1)) for s, o in pairs]

    def metadata(self):
        return {"kind": "tiny"}


def tiny(env):
    return TinyPolicy(env)


tiny.obs_mode = "state"


@pytest.fixture(scope="module")
def tiny_server():
    with serve_in_thread(ServeSettings(f"{HERE}:tiny", port=0, max_batch=8, max_wait_ms=20)) as server:
        yield server


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr(remote_client, "RECONNECT_DELAYS", (0.05,))


def _remote(port, options=""):
    return f"remote:ws://127.0.0.1:{port}" + (f"#{options}" if options else "")


def test_metadata_inference_and_healthz(tiny_server):
    name = _remote(tiny_server.port)
    factory = resolve_policy(name)
    assert factory.obs_mode == "state" and env_kwargs(factory) == {"obs_mode": "state"}
    info = factory.server_metadata["arena"]
    assert info["policy"] == f"{HERE}:tiny" and info["reset"] and info["action_dim"] == 7
    env = gym.make("Arena-StackBlocks", obs_mode="state")
    policy = build_policy(name, env)
    obs, _ = env.reset(seed=3)
    policy.reset(obs["instruction"], 3)
    chunk = policy.act(obs)
    np.testing.assert_allclose(chunk, np.tile(obs["state"][:7] * 0.01 + 3e-4, (3, 1)), rtol=1e-6)
    assert policy.last_timing["batch_size"] >= 1 and policy.last_timing["infer_ms"] >= 0
    assert policy.metadata()["server_metadata"]["policy_metadata"] == {"kind": "tiny"}
    with urllib.request.urlopen(f"http://127.0.0.1:{tiny_server.port}/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"OK\n"
    policy.close()
    env.close()


def test_sessions_are_isolated_and_concurrent_requests_are_batched(tiny_server):
    env = gym.make("Arena-StackBlocks", obs_mode="state")
    obs, _ = env.reset(seed=0)
    policies = [RemotePolicy(parse_remote(_remote(tiny_server.port)), PRESETS["arena"], 7) for _ in range(4)]
    for seed, policy in enumerate(policies):
        policy.reset("x", seed)
    before = tiny_server.stats["batches"]
    results: dict[int, np.ndarray] = {}
    threads = [threading.Thread(target=lambda i=i: results.update({i: policies[i].act(obs)})) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in range(4):  # each connection's own reset (seed) shaped its answer
        np.testing.assert_allclose(results[seed], np.tile(obs["state"][:7] * 0.01 + seed * 1e-4, (3, 1)), rtol=1e-6)
    assert tiny_server.stats["batches"] - before < 4, tiny_server.stats  # at least two requests shared a pass
    for policy in policies:
        policy.close()
    env.close()


def test_a_model_crash_is_a_recorded_failure_and_the_server_serves_others(tiny_server):
    env = gym.make("Arena-StackBlocks", obs_mode="state", max_episode_steps=6)
    name = _remote(tiny_server.port)
    crashed, _ = run_episode(env, build_policy(name, env), seed=13)
    assert crashed["error"].startswith("RemotePolicyError") and "model exploded on seed 13" in crashed["error"]
    assert "policy server ws://127.0.0.1" in crashed["error"] and not crashed["success"]
    fine, _ = run_episode(env, build_policy(name, env), seed=4)
    assert fine["error"] is None and fine["steps"] == 6
    env.close()


def test_a_request_timeout_is_a_recorded_failure(tiny_server):
    env = gym.make("Arena-StackBlocks", obs_mode="state", max_episode_steps=3)
    outcome, _ = run_episode(env, build_policy(_remote(tiny_server.port, "timeout=0.3"), env), seed=99)
    assert outcome["error"].startswith("RemoteTimeoutError") and "did not answer within 0.3 s" in outcome["error"]
    env.close()


def test_connection_refused_is_a_recorded_failure_and_stops_a_run_at_start(tiny_server):
    with contextlib.closing(__import__("socket").socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(ArenaError, match="connection refused by ws://127.0.0.1"):
            resolve_policy(_remote(port))
        env = gym.make("Arena-StackBlocks", obs_mode="state", max_episode_steps=3)
        policy = RemotePolicy(parse_remote(_remote(port)), PRESETS["arena"], 7)
        outcome, _ = run_episode(env, policy, seed=0)
        assert outcome["error"].startswith("ConnectionLostError") and "gave up after 2 attempts" in outcome["error"]
        env.close()


@contextlib.contextmanager
def fake_openpi_server(replies):
    """A server speaking openpi's protocol with no Arena extension: metadata without ``arena``, then ``replies``
    (a callable from the request to the reply frame) — how a malformed or wrongly shaped reply looks."""
    seen: list[dict] = []
    ready, port, stop = threading.Event(), [], []

    async def handler(link):
        await link.send(codec.packb({"model": "fake-pi0"}))
        while True:
            request = codec.unpackb(await link.recv())
            seen.append(request)
            await link.send(replies(request))

    async def main():
        server = await open_server(handler, "127.0.0.1", 0, None)
        port.append(server.sockets[0].getsockname()[1])
        stop.append((asyncio.get_running_loop(), asyncio.Event()))
        ready.set()
        await stop[0][1].wait()
        server.close()
        await server.wait_closed()

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield port[0], seen
    finally:
        loop, event = stop[0]
        loop.call_soon_threadsafe(event.set)
        thread.join(10)


def test_libero_keys_reach_an_openpi_server_without_any_reset_message():
    chunk = np.linspace(-0.01, 0.01, 70).reshape(10, 7)
    with fake_openpi_server(lambda request: codec.packb({"actions": chunk, "server_timing": {"infer_ms": 1.0}})) as (
        port,
        seen,
    ):
        name = _remote(port, "keys=libero&steps=5")
        factory = resolve_policy(name)
        assert env_kwargs(factory) == {"obs_mode": "rgb", "cameras": ("front", "wrist"), "image_size": 224}
        env = gym.make("Arena-CloseBox", **env_kwargs(factory), max_episode_steps=5)
        outcome, _ = run_episode(env, build_policy(name, env), seed=0)
        assert outcome["error"] is None and outcome["steps"] == 5
        assert len(seen) == 1  # one request for the 5 steps executed of the chunk; no reset message
        assert sorted(seen[0]) == ["observation/image", "observation/state", "observation/wrist_image", "prompt"]
        assert seen[0]["observation/image"].shape == (224, 224, 3) and seen[0]["observation/state"].shape == (8,)
        env.close()


@pytest.mark.parametrize(
    "reply, error",
    [
        (b"\xc1\xc1", "malformed reply from policy server .*malformed msgpack"),
        (codec.packb({"action": np.zeros((10, 7))}), "malformed reply.*'actions' must be a numeric array"),
        (
            codec.packb({"actions": np.zeros((10, 8))}),
            r"wrong action shape .*got \(10, 8\), expected \(7,\) or \(H, 7\)",
        ),
        (codec.packb({"actions": np.full(7, np.nan)}), "non-finite actions"),
        (codec.packb([1, 2]), "malformed reply.*expected a map"),
    ],
)
def test_malformed_and_wrongly_shaped_replies_are_recorded_failures(reply, error):
    with fake_openpi_server(lambda request: reply) as (port, _):
        env = gym.make("Arena-StackBlocks", obs_mode="state", max_episode_steps=3)
        policy = RemotePolicy(parse_remote(_remote(port)), PRESETS["arena"], 7)
        outcome, _ = run_episode(env, policy, seed=0)
        assert outcome["error"] is not None and outcome["steps"] == 0
        assert __import__("re").search(error, outcome["error"]), outcome["error"]
        env.close()


def test_bad_requests_get_error_text_and_close_1011(tiny_server):
    connection = remote_client._Connection(parse_remote(_remote(tiny_server.port)))
    connection.link.send(codec.packb({"state": np.zeros(3), "instruction": "x"}))
    text = connection.link.recv(5)
    assert isinstance(text, str) and "'state' must be a float array of shape (15,), got float64 array (3,)" in text
    with pytest.raises(ArenaError, match="code 1011"):
        connection.link.recv(5)


def test_the_scripted_expert_is_refused_with_the_reason():
    with pytest.raises(ServeError, match="acts on the simulator's internal state"):
        ServedPolicy("expert")


def test_a_gpu_device_is_for_checkpoints_only_and_must_exist():
    with pytest.raises(ServeError, match="--device cuda applies to checkpoint: policies only, not 'random'"):
        ServedPolicy("random", device="cuda")
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        with pytest.raises(ArenaError, match="torch sees no CUDA GPU here"):
            ServedPolicy("checkpoint:arena-vla-small", device="cuda")


def test_batched_checkpoint_answers_equal_unbatched_ones():
    """Four sessions (different tasks and instructions) answered in one forward pass equal the local policy's
    one-at-a-time answers to 1e-5 (batched matrix products may round the last bits differently)."""
    pytest.importorskip("torch")
    settings = ServeSettings("checkpoint:arena-vla-small", port=0, max_batch=4, max_wait_ms=2000)
    with serve_in_thread(settings) as server:
        env = gym.make("Arena-CloseBox", cameras=("front", "wrist"))
        local = build_policy("checkpoint:arena-vla-small", env)
        cases = []
        for task, seed in [("CloseBox", 0), ("OpenDrawer", 1), ("TurnOvenOn", 2), ("CloseLaptopLid", 3)]:
            task_env = gym.make(f"Arena-{task}", cameras=("front", "wrist"))
            obs, _ = task_env.reset(seed=seed)
            task_env.close()
            local.reset(obs["instruction"], seed)
            cases.append((obs, local.act(obs)))
        policies = [build_policy(_remote(server.port), env) for _ in cases]
        for policy, (obs, _) in zip(policies, cases, strict=True):
            policy.reset(obs["instruction"], 0)
        answers: dict[int, np.ndarray] = {}
        threads = [threading.Thread(target=lambda i=i: answers.update({i: policies[i].act(cases[i][0])}))
                   for i in range(4)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.stats["batch_sizes"].get(4) == 1, server.stats
        for i, (_, expected) in enumerate(cases):
            np.testing.assert_allclose(answers[i], expected, atol=1e-5, rtol=0)
        assert not np.allclose(answers[0], answers[1])  # different instructions and scenes give different chunks
        env.close()
