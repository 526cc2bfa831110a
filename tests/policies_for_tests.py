"""Misbehaving policies used by the evaluation tests (loaded as ``tests.policies_for_tests:<factory>``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from arena.policies import ScriptedExpert


class _Base:
    policy_id = "test"

    def __init__(self, env):
        self.env = env
        self.calls = 0

    def reset(self, instruction, seed=None):
        self.calls = 0
        self.seed = seed

    def metadata(self):
        return {"kind": type(self).__name__}


class RaisingPolicy(_Base):
    def act(self, observation):
        self.calls += 1
        if self.calls > 2:
            raise RuntimeError("policy exploded")
        return np.zeros(7, dtype=np.float32)


class NanPolicy(_Base):
    def act(self, observation):
        return np.full(7, np.nan, dtype=np.float32)


class HangingPolicy(_Base):
    def act(self, observation):
        time.sleep(3600)


class CrashingPolicy(_Base):
    """Kills its worker process on the first step of every episode."""

    def act(self, observation):
        os._exit(3)


class CrashOncePolicy(ScriptedExpert):
    """The scripted expert, except that the first episode it sees kills its worker (marker file in $ARENA_TEST_DIR)."""

    def act(self, observation):
        marker = Path(os.environ["ARENA_TEST_DIR"]) / "crashed-once"
        if not marker.exists():
            marker.write_text("x")
            os._exit(4)
        return super().act(observation)


def raising(env):
    return RaisingPolicy(env)


def nan(env):
    return NanPolicy(env)


def hanging(env):
    return HangingPolicy(env)


def crashing(env):
    return CrashingPolicy(env)


def crash_once(env):
    return CrashOncePolicy(env)


def broken_checkpoint(env):
    """A factory that cannot build its policy (a checkpoint that does not load), with a multi-line reason."""
    raise RuntimeError("checkpoint /nowhere/model.pt does not load:\n  invalid load key, 'x'.\n")


class _ObservationCheck(_Base):
    """Checks every observation (``check``) and holds still; ends its episode after 3 steps to keep tests fast."""

    def __init__(self, env):
        super().__init__(env)
        env.unwrapped.max_episode_steps = 3

    def act(self, observation):
        self.calls += 1
        self.check(observation)
        return np.zeros(7, dtype=np.float32)


class NeedsImages(_ObservationCheck):
    """Declares no ``obs_mode``: the harness must give it the default, ``rgb``."""

    def check(self, observation):
        assert "images/front" in observation, f"no images/front in {sorted(observation)}"


class StateOnly(_ObservationCheck):
    """Declares ``obs_mode = "state"``: it must see no images."""

    obs_mode = "state"

    def check(self, observation):
        images = [k for k in observation if k.startswith(("images/", "depth/"))]
        assert not images, f"state policy was given {images}"
