"""Leaderboard scores and ranking: hand-computed values, the ranking order (All, then the mean over axes; never the
relative drop) and tracks that keep partial submissions apart from full ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.eval.report import wilson_interval
from arena.leaderboard.grid import grid_cells
from arena.leaderboard.scoring import competition_ranks, score, weighted_success
from arena.leaderboard.site import Entry, rank_tracks
from arena.spec.axis_names import PERTURBATION_AXES
from arena.spec.task import task_names

TASKS = ["CloseBox", "TurnOvenOn"]  # TurnOvenOn has a receiver (every axis applies); CloseBox has not


def records(rate, tasks=TASKS, episodes=25):
    """Records of every cell of ``tasks`` with ``rate(task, axis)`` of ``episodes`` successes each."""
    out = []
    for task, axis in grid_cells(tasks):
        successes = rate(task, axis)
        out += [{"task": task, "axis": axis, "success": i < successes} for i in range(episodes)]
    return out


def test_equal_weights_give_the_wilson_interval_of_the_pooled_episodes():
    estimate = weighted_success([(20, 25, 1.0), (5, 25, 1.0)])
    assert estimate.value == 0.5 and estimate.episodes == pytest.approx(50)
    assert (estimate.low, estimate.high) == pytest.approx(wilson_interval(25, 50))


def test_unequal_weights_use_kish_effective_sample_size():
    # weights 3/4 and 1/4 over 25 episodes each: n_eff = 1 / (0.5625/25 + 0.0625/25) = 40
    estimate = weighted_success([(25, 25, 3.0), (5, 25, 1.0)])
    assert estimate.value == pytest.approx(0.75 * 1.0 + 0.25 * 0.2)
    assert estimate.episodes == pytest.approx(40)
    assert (estimate.low, estimate.high) == pytest.approx(wilson_interval(0.8 * 40, 40))


def test_intervals_do_not_collapse_at_the_ends():
    perfect = weighted_success([(25, 25, 1.0)] * 4)
    assert perfect.value == 1.0 and perfect.high == 1.0 and perfect.low == pytest.approx(0.963, abs=1e-3)
    assert weighted_success([(0, 25, 1.0)] * 4).high > 0.03


def test_scores_match_hand_computed_values():
    # TurnOvenOn succeeds 20/25 under None and 10/25 elsewhere; CloseBox 25/25 under None, 5/25 elsewhere.
    def rate(task, axis):
        if axis == "None":
            return 20 if task == "TurnOvenOn" else 25
        return 10 if task == "TurnOvenOn" else 5

    scores = score(records(rate), TASKS)
    assert scores.all_axes.value == pytest.approx((0.4 + 0.2) / 2)
    receiver_axes = [a for a in PERTURBATION_AXES if a.startswith("Receiver")]
    assert scores.per_axis["ReceiverColor"].value == pytest.approx(0.4)  # TurnOvenOn alone
    both = (len(PERTURBATION_AXES) - len(receiver_axes)) * 0.3 + len(receiver_axes) * 0.4
    assert scores.mean_over_axes.value == pytest.approx(both / len(PERTURBATION_AXES))
    assert scores.drops["ObjectColor"] == pytest.approx(0.3 / 0.9 - 1)
    assert scores.drops["ReceiverColor"] == pytest.approx(0.4 / 0.8 - 1)
    assert scores.cell_rate("CloseBox", "ReceiverColor") is None  # not applicable
    assert scores.cell_rate("CloseBox", "None")[0] == 1.0


def test_a_policy_at_zero_everywhere_has_no_drop_and_ranks_last():
    zero = score(records(lambda t, a: 0), TASKS)
    assert all(drop is None for drop in zero.drops.values())
    robust_but_weak = score(records(lambda t, a: 1), TASKS)  # 4% everywhere: a "perfect" 0% drop too
    assert robust_but_weak.drops["All"] == pytest.approx(0.0)
    assert sorted([zero.ranking_key, robust_but_weak.ranking_key])[0] == robust_but_weak.ranking_key


def entry(name, rate, tasks=TASKS):
    track = {"kind": "partial", "tasks": tasks} if tasks != list(task_names()) else {"kind": "full"}
    manifest = {"name": name, "track": track, "policy_card": {"training_data": {"texture_split": "train"}}}
    return Entry(manifest, score(records(rate, tasks), tasks), Path(f"{name}.zip"), "0" * 64)


def test_ranking_is_by_all_then_mean_over_axes_never_by_drop():
    entries = [
        entry("steady", lambda t, a: 5),  # All 20%, 0% drop everywhere
        entry("strong-but-fragile", lambda t, a: 25 if a == "None" else (10 if a == "All" else 20)),  # All 40%
        entry("better-axes", lambda t, a: 25 if a == "None" else (10 if a == "All" else 22)),  # All 40%, axes 88%
        entry("zero", lambda t, a: 0),
    ]
    (track,) = rank_tracks(entries)
    assert [e.name for e in track.entries] == ["better-axes", "strong-but-fragile", "steady", "zero"]
    assert [e.rank for e in track.entries] == [1, 2, 3, 4]
    steady = track.entries[2]
    assert steady.scores.drops["All"] == pytest.approx(0.0)  # the best drop of all, ranked third


def test_equal_scores_share_a_rank_and_list_by_name():
    (track,) = rank_tracks([entry("b", lambda t, a: 3), entry("a", lambda t, a: 3), entry("c", lambda t, a: 1)])
    assert [(e.name, e.rank) for e in track.entries] == [("a", 1), ("b", 1), ("c", 3)]
    assert competition_ranks([(0, 0), (1, 0), (1, 0), (2, 0)]) == [1, 2, 2, 4]


def test_partial_submissions_never_rank_against_full_ones_or_other_task_sets():
    everything = list(task_names())
    tracks = rank_tracks(
        [
            entry("perfect-on-two", lambda t, a: 25),
            entry("weak-full", lambda t, a: 2, everything),
            entry("other-two", lambda t, a: 25, ["CloseBox", "OpenDrawer"]),
        ]
    )
    assert [t.id for t in tracks] == ["full", "partial:CloseBox,OpenDrawer", "partial:CloseBox,TurnOvenOn"]
    assert [[e.name for e in t.entries] for t in tracks] == [["weak-full"], ["other-two"], ["perfect-on-two"]]
    assert tracks[0].full and tracks[0].title == f"Full track: all {len(everything)} tasks"
    assert all(e.rank == 1 for t in tracks for e in t.entries)
