"""WipeDesk's objects: a kitchen sponge with a scouring layer, and a taped-off patch of desk strewn with dirt specks.

The dirt follows THE COLOSSEUM / RLBench: specks are not simulated bodies (50 free bodies would cost contacts and
solver time every step for nothing a policy can see), they are flat visual dots, each on its own mocap body, laid on
the patch at every reset (:meth:`arena.sim.scene_state.SceneState.mark_start`) and wiped off, one by one, when the
bottom of a task object pressed on the desk covers them (:meth:`~arena.sim.scene_state.SceneState.wipe`, after every
control step). A wiped speck's mocap body moves under the table top; its state lives in ``MjData.mocap_pos``, reset
with the episode, so replays stay byte-identical.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape


@register_shape
@dataclass(frozen=True)
class Sponge(Shape):
    """A kitchen sponge: a foam block (the object's colour) under a thin green scouring layer (an accent part).

    Parts: ``foam`` (root), its wiping ``face`` (the bottom ``face`` metres of the foam, same colour, rigidly fixed:
    a wet face that slides on the desk with its own low friction ``face_friction``, while the fingers grip the dry
    foam above it with the object's friction) and ``scour`` (rigidly fixed on top). The fingers grip the foam's long
    sides (``size_y`` apart), so ``size_y`` at the largest scale must stay under the 80 mm finger opening. Sites:
    ``center`` (the sponge's centre), ``grip`` (where the expert's fingertips go: the dry foam above the face, the pads
    clear of the desk), ``bottom`` (centre of the wiping face), ``top``.
    """

    kind: ClassVar[str] = "sponge"
    unscaled: ClassVar[tuple[str, ...]] = ("face_friction",)
    size_x: float = 0.09
    size_y: float = 0.05
    foam: float = 0.03
    scour: float = 0.008
    face: float = 0.003
    face_friction: float = 0.35

    def parts(self) -> tuple[Part, ...]:
        hx, hy, f, b = self.size_x / 2, self.size_y / 2, self.foam, self.face
        top = f + self.scour
        return (
            Part(
                name="foam",
                primitives=(Primitive("box", (hx, hy, (f - b) / 2), (0.0, 0.0, (f + b) / 2)),),
                sites={
                    "center": (0.0, 0.0, top / 2),
                    "grip": (0.0, 0.0, 0.6 * f),
                    "bottom": (0.0, 0.0, 0.0),
                    "top": (0.0, 0.0, top),
                },
            ),
            Part(
                name="face",
                primitives=(Primitive("box", (hx, hy, b / 2), (0.0, 0.0, b / 2)),),
                parent="foam",
                friction=self.face_friction,
            ),
            Part(
                name="scour",
                primitives=(Primitive("box", (hx, hy, self.scour / 2), (0.0, 0.0, f + self.scour / 2)),),
                parent="foam",
                color="green",
            ),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.size_x, self.size_y) / 2


@register_shape
@dataclass(frozen=True)
class DirtPatch(Shape):
    """A rectangle of desk (``size_x`` by ``size_y``) outlined in white tape, strewn with ``count`` dirt specks.

    The root part ``area`` is the tape outline (visual only, an accent part: it keeps its colour under the colour
    axes, while the specks take the object's colour). The specks are not parts: :meth:`speck_offsets` gives their
    places (a fixed, jittered grid inside the outline: the same pattern every episode, turned and moved with the
    patch's sampled pose) and the scene builder puts each on a mocap body (see the module docstring). Sites:
    ``center``, ``corner_a`` (-x, -y) and ``corner_b`` (+x, +y), the inner corners of the outline.
    """

    kind: ClassVar[str] = "dirt_patch"
    free: ClassVar[bool] = False
    collides: ClassVar[bool] = False
    printable: ClassVar[bool] = False
    unscaled: ClassVar[tuple[str, ...]] = ("count",)
    size_x: float = 0.14
    size_y: float = 0.18
    tape: float = 0.006
    tape_thickness: float = 0.001
    speck_radius: float = 0.004
    count: int = 50

    def parts(self) -> tuple[Part, ...]:
        hx, hy, w, t = self.size_x / 2, self.size_y / 2, self.tape, self.tape_thickness / 2
        tape = (
            Primitive("box", (w / 2, hy + w, t), (-hx - w / 2, 0.0, t)),
            Primitive("box", (w / 2, hy + w, t), (hx + w / 2, 0.0, t)),
            Primitive("box", (hx, w / 2, t), (0.0, -hy - w / 2, t)),
            Primitive("box", (hx, w / 2, t), (0.0, hy + w / 2, t)),
        )
        sites = {"center": (0.0, 0.0, 0.0), "corner_a": (-hx, -hy, 0.0), "corner_b": (hx, hy, 0.0)}
        return (Part(name="area", primitives=tape, sites=sites, color="white"),)

    def speck_offsets(self) -> np.ndarray:
        """``count`` x 2 speck centres (metres, object frame): a jittered grid keeping a speck's radius inside."""
        columns = max(1, round(math.sqrt(self.count * self.size_x / self.size_y)))
        rows = math.ceil(self.count / columns)
        margin = 1.5 * self.speck_radius
        cell = np.array([(self.size_x - 2 * margin) / columns, (self.size_y - 2 * margin) / rows])
        jitter = np.random.default_rng(20240).uniform(-0.25, 0.25, size=(rows * columns, 2))  # a fixed pattern
        grid = np.array([(i, j) for j in range(rows) for i in range(columns)], dtype=float)
        start = np.array([-self.size_x / 2 + margin, -self.size_y / 2 + margin])
        return (start + (grid + 0.5 + jitter) * cell)[: self.count]

    @staticmethod
    def speck_name(index: int) -> str:
        """Name of the ``index``-th speck's body (``<object>/speck_07``)."""
        return f"speck_{index:02d}"

    def footprint_radius(self) -> float:
        return math.hypot(self.size_x, self.size_y) / 2 + self.tape

    def substitute(self) -> str:
        """What to lay on a real table instead of a printed patch."""
        return (
            f"not printed: outline a {1000 * self.size_x:.0f} x {1000 * self.size_y:.0f} mm rectangle (inner edges) "
            f"with {1000 * self.tape:.0f} mm white tape and scatter {self.count} paper confetti dots "
            f"{2000 * self.speck_radius:.0f} mm across evenly inside it (a hole punch makes them)"
        )
