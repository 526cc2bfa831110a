"""StackCups and SetupChess objects: the cups nest at every size the task draws, the board's squares and the
pieces' bases fit, and the spec layer derives the pieces' home poses and the cups' shared size factor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arena.objects.chess import ChessBoard, ChessKing, ChessPawn, ChessRook
from arena.objects.cups import StackingCup
from arena.robot.panda import MAX_GRIPPER_GAP
from arena.spec.layout import displaced_objects, sample_variant
from arena.spec.predicates import PREDICATES
from arena.spec.sampling import sample_episode
from arena.spec.task import displaced_count, load_task


def _cup_scales():
    task = load_task("StackCups")
    low, high = task.axis_range("ObjectSize")
    return task, low, high


def test_stacking_cups_nest_at_both_ends_of_the_size_range():
    task, low, high = _cup_scales()
    cup = task.object("cup_a").shape
    for scale in (low, 1.0, high):
        c = cup.scaled(scale)
        # a falling twin's bottom enters the mouth with margin, and nests above the bottom disc, below the rim
        assert c.top_inner_radius() - c.bottom_outer_radius() > 0.007
        assert c.bottom < c.nest_step() < c.rim_height() / 3
        # the wall lies face to face on its twin's wall: the step is wall / sin(flare)
        assert c.nest_step() == pytest.approx(c.wall / math.sin(c.flare))
        # a pinch grasp across the wall fits the gripper with room to spare
        assert c.wall < MAX_GRIPPER_GAP / 4


def test_the_success_window_holds_a_stack_of_three_at_every_size():
    task, low, high = _cup_scales()
    checks = [args for step in task.success["all"] for name, args in step.items() if name == "site_near"]
    assert {args["target_site"] for args in checks} == {"rim"}  # measured from the target's rim: scales with it
    window = checks[0]["height"]
    for scale in (low, 1.0, high):
        cup = task.object("cup_a").shape.scaled(scale)
        # the third cup sits two nesting steps up (plus the printed wall's 4 mm of extra height per step, scaled),
        # which is still below the target's rim; a cup on the table beside it is far outside the window
        third = 2 * (cup.nest_step() + 0.004 * scale)
        assert window[0] <= -cup.rim_height() < third - cup.rim_height() < window[1] == 0.0


def test_the_flared_cup_wall_is_closed_at_the_rim():
    cup = StackingCup()
    boxes = [p for p in cup.parts()[0].primitives if p.kind == "box"]
    assert len(boxes) == cup.segments
    # each box is long enough for neighbouring inner faces to meet at the rim, where the wall is widest
    assert all(b.size[1] >= cup.top_inner_radius() * math.tan(math.pi / cup.segments) - 1e-12 for b in boxes)
    with pytest.raises(ValueError, match="multiple of 4"):
        StackingCup(segments=10)


def test_the_three_cups_always_share_one_size_factor():
    task = load_task("StackCups")
    for seed in range(30):
        factors = sample_episode(task, "ObjectSize", seed).perturbations["ObjectSize"]
        assert len(set(factors.values())) == 1
    assert task.scale_leader("cup_c") == "cup_a"


def test_board_has_a_site_on_every_square_and_a1_is_dark():
    board = ChessBoard()
    sites = board.parts()[0].sites
    assert {f"square_{f}{r}" for f in "abcdefgh" for r in range(1, 9)} <= set(sites)
    assert board.is_dark("a1") and board.is_dark("h8") and not board.is_dark("h1")
    assert len(board.parts()[1].primitives) == 32 and board.parts()[1].color is not None
    # rank 1 faces the robot (-x), file a is on its left (+y); dark squares' sites sit on their tiles
    assert sites["square_a1"][0] < 0 < sites["square_a1"][1]
    assert sites["square_e1"][2] == pytest.approx(board.thickness + board.tile)
    assert sites["square_h1"][2] == pytest.approx(board.thickness)
    # diagonal dark tiles overlap at their corners, so the accent part is one connected sheet
    assert board.overlap > 0


def test_pieces_fit_their_squares_and_stand_stably():
    task = load_task("SetupChess")
    low, high = task.axis_range("ObjectSize")
    board_low = task.axis_range("ReceiverSize")[0]
    square = task.object("board").shape.square
    homes = []
    for name in ("king", "rook", "pawn"):
        obj = task.object(name)
        piece = obj.shape
        assert isinstance(piece, ChessKing | ChessRook | ChessPawn)
        assert 2 * piece.base_radius < square  # nominal: the base fits inside the square
        assert piece.height() > 2 * piece.base_radius  # recognisably tall, yet
        assert piece.grip_height() < piece.height() / 2 + 0.01
        assert 2 * piece.scaled(high).base_radius < 0.6 * MAX_GRIPPER_GAP
        homes.append(obj.home.site.removeprefix("square_"))
        assert ChessBoard.is_dark(homes[-1])  # an overhanging base still rests flat on the tiles around it
    centers = [np.array(ChessBoard().square_center(h)) for h in homes]
    for i in range(3):
        for j in range(i + 1, 3):  # no two home squares touch, even diagonally: the fingers have room
            gap = np.abs(centers[i] - centers[j]).max()
            assert gap > 1.5 * square
    # worst case: the largest pieces on the smallest board still leave the homes clear of each other
    reach = max(task.object(n).shape.scaled(high).base_radius for n in ("king", "rook", "pawn"))
    assert min(np.linalg.norm(a - b) for a in centers for b in centers if a is not b) * board_low > 2 * reach + 0.02
    assert low >= 0.75


def test_pieces_not_displaced_start_on_their_home_square_of_the_sampled_board():
    task = load_task("SetupChess")
    board = task.object("board").shape
    seen_counts = set()
    for seed in range(40):
        config = sample_episode(task, "ReceiverSize", seed)
        count = displaced_count(config.variant["displaced"])
        displaced = displaced_objects(task, seed, config.variant)
        assert len(displaced) == count and config.variant == sample_variant(task, seed)
        seen_counts.add(count)
        scale = config.perturbations["ReceiverSize"]["board"]
        bx, by, bz, *quat = config.object_poses["board"]
        yaw = 2 * math.atan2(quat[3], quat[0])
        for name in ("king", "rook", "pawn"):
            pose = config.object_poses[name]
            home = task.object(name).home
            if name in displaced:
                spawn = task.object(name).spawn
                assert spawn.x[0] <= pose[0] <= spawn.x[1] and spawn.y[0] <= pose[1] <= spawn.y[1] and pose[2] == 0
                continue
            sx, sy, sz = board.scaled(scale).parts()[0].sites[home.site]
            expected = (bx + math.cos(yaw) * sx - math.sin(yaw) * sy, by + math.sin(yaw) * sx + math.cos(yaw) * sy, sz)
            assert pose[:3] == pytest.approx(expected, abs=1e-12)
            assert 2 * math.atan2(pose[6], pose[3]) == pytest.approx(yaw)
    assert seen_counts == {1, 2, 3}


def test_no_chess_episode_starts_solved():
    """At least one piece stands off the board, below the success height window of its square."""
    task = load_task("SetupChess")
    assert "site_near" in PREDICATES
    for seed in range(40):
        config = sample_episode(task, "All", seed)
        assert any(config.object_poses[n][2] == 0.0 for n in ("king", "rook", "pawn"))
