"""StraightenRope's objects: a rope (a chain of capsule links on ball joints) and the two tape marks for its ends.

The rope is "a composite of capsules", the same model as MuJoCo's own cable (``mujoco.elasticity.cable`` is a chain
of capsule bodies too); it is built here as ordinary parts rather than through the cable plugin, because the plugin
is awkward to drive through ``MjSpec`` (a composite is expanded at compile time, its bodies and joints get the
plugin's names, not Arena's part names) and adds little for a short rope lying on a table: twist stiffness and a
curved rest shape, which a rope does not need. The chain is rooted at its middle link (so the object frame is the
rope's middle and the footprint is half its length) and grows to both ends; each joint bends about the link's z
axis when the episode sets its initial value (``initial_joints``: one value per joint, the in-plane bend in radians),
so a seeded, curled start shape lies flat on the table, collision-free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Joint, Part, Primitive
from arena.objects.shapes import Shape, register_shape

_ALONG_X = (math.sqrt(0.5), 0.0, math.sqrt(0.5), 0.0)  # maps a capsule's z axis onto x
_FLIP_X = (0.0, 1.0, 0.0, 0.0)  # half a turn about x


@register_shape
@dataclass(frozen=True)
class Rope(Shape):
    """A round rope lying along the x axis of its frame, ``links`` capsule links on ball joints.

    Parts: ``link_00`` .. ``link_<n-1>`` from end ``a`` (-x) to end ``b`` (+x); the middle link is the root (it has
    the free joint), every other link hangs on a ``ball`` joint at its inner end (joint name = part name). Each joint
    has a bend limit of ``max_bend`` radians, a weak spring toward straight (``stiffness``, bending stiffness),
    damping and optional dry friction (``frictionloss``; off by default: its three constraint rows per joint cost a
    fifth of the physics time, and the table's friction already keeps a limp rope where it is left). Positive
    initial values curl the whole rope the same way: an initial value bends a link about its own z axis, and the
    links of the a-half are turned over (z down), so the rope curls one way along its whole length.

    Sites: ``end_a``, ``end_b`` (the centres of the rope's end faces, on the link axis), ``grip_a``, ``grip_b``
    (middle of each end link: where the expert grasps), ``center`` (the rope's middle).
    """

    kind: ClassVar[str] = "rope"
    printable: ClassVar[bool] = False
    contact_condim: ClassVar[int] = 3
    unscaled: ClassVar[tuple[str, ...]] = ("links", "max_bend", "stiffness", "damping", "frictionloss")
    length: float = 0.30
    radius: float = 0.008
    links: int = 11
    max_bend: float = 1.0
    stiffness: float = 0.0004
    damping: float = 0.0008
    frictionloss: float = 0.0

    def link_length(self) -> float:
        """Length (metres) of one link, joint to joint; the end links reach ``radius`` further (the capsule's cap)."""
        return (self.length - 2 * self.radius) / self.links

    def root_index(self) -> int:
        """Index of the middle link (the root part)."""
        return self.links // 2

    def part_name(self, index: int) -> str:
        """Name of the ``index``-th link from end a."""
        return f"link_{index:02d}"

    def parts(self) -> tuple[Part, ...]:
        n, r, ell = self.links, self.radius, self.link_length()
        root = self.root_index()
        origin = (root - (n - 1) / 2) * ell  # the root link's centre; the rope's middle is the frame origin

        def link(index: int, up: float, **sites: tuple[float, float, float]) -> Part:
            """Link frames lie on the table plane under the link's axis; ``up`` is the axis height in the frame."""
            capsule = Primitive("capsule", (r, ell / 2), (0.0, 0.0, up), _ALONG_X)
            if index == root:
                return Part(name=self.part_name(index), primitives=(capsule,), pos=(origin, 0.0, 0.0), sites=sites)
            step = 1 if index > root else -1
            return Part(
                name=self.part_name(index),
                primitives=(capsule,),
                pos=(step * ell, 0.0, 0.0),
                # the a-half is turned over (its z axis points down), so a bend about each link's own z axis curls
                # both halves the same way
                quat=_FLIP_X if index == root - 1 else (1.0, 0.0, 0.0, 0.0),
                parent=self.part_name(index - step),
                joint=Joint(
                    "ball",
                    (0.0, 0.0, 1.0),
                    (0.0, self.max_bend),
                    pos=(-step * ell / 2, 0.0, up),
                    damping=self.damping,
                    frictionloss=self.frictionloss,
                    stiffness=self.stiffness,
                ),
                sites=sites,
            )

        parts = [link(root, r, center=(-origin, 0.0, r))]
        # grow toward end b, then toward end a: each link hangs on a ball joint at the end it shares with its parent
        for index in (*range(root + 1, n), *range(root - 1, -1, -1)):
            up = r if index > root else -r
            sites = {}
            if index in (0, n - 1):
                end, step = ("a", -1) if index == 0 else ("b", 1)
                sites = {f"end_{end}": (step * (ell / 2 + r), 0.0, up), f"grip_{end}": (0.0, 0.0, up)}
            parts.append(link(index, up, **sites))
        return tuple(parts)

    def joint_names(self) -> tuple[str, ...]:
        """Names of the ball joints (every link but the root)."""
        return tuple(self.part_name(i) for i in range(self.links) if i != self.root_index())

    def footprint_radius(self) -> float:
        return self.length / 2

    def substitute(self) -> str:
        """What to use on a real table instead of a printed rope."""
        return (
            f"not printed: a soft, limp rope or cord (cotton or polyester, braided) {2000 * self.radius:.1f} mm thick "
            f"and {1000 * self.length:.0f} mm long, ends whipped or taped so they do not fray"
        )


@register_shape
@dataclass(frozen=True)
class RopeMarks(Shape):
    """Two thin round tape marks ``span`` apart along the x axis of the frame, where the rope's ends go.

    Visual-only in simulation (taped down in reality). Parts: ``pad_a`` (root, at x = -span/2) and ``pad_b`` (rigidly
    fixed to it, at x = +span/2), each printed as a separate disc. Sites: ``mark_a``, ``mark_b`` (the pads' top
    centres), ``center`` (midway).
    """

    kind: ClassVar[str] = "rope_marks"
    free: ClassVar[bool] = False
    collides: ClassVar[bool] = False
    span: float = 0.3
    radius: float = 0.025
    thickness: float = 0.002

    def parts(self) -> tuple[Part, ...]:
        s, t = self.span, self.thickness

        def disc(x: float) -> tuple[Primitive, ...]:
            return (Primitive("cylinder", (self.radius, t / 2), (x, 0.0, t / 2)),)

        return (
            Part(name="pad_a", primitives=disc(-s / 2), sites={"mark_a": (-s / 2, 0.0, t), "center": (0.0, 0.0, t)}),
            Part(name="pad_b", primitives=disc(s / 2), parent="pad_a", sites={"mark_b": (s / 2, 0.0, t)}),
        )

    def footprint_radius(self) -> float:
        return self.span / 2 + self.radius
