"""Parametric objects of the ReachAndDrag and Hockey tasks, registered with
:func:`arena.objects.shapes.register_shape`: a hooked stick, a hockey stick and a hockey goal.

Both sticks lie flat on the table and are held from above, the fingers pinching the handle across its width (a
rubber grip sleeve, a fixed black accent part with its own friction). Each has a flat working face whose normal
is the direction it shoves things: sites ``face`` (a point on that face at mid-height) and ``face_normal`` (1 cm
in front of it), so the expert can read the face's pose from the simulation whatever the stick's scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from arena.objects.primitives import Part, Primitive
from arena.objects.shapes import Shape, register_shape

_NORMAL = 0.01  # distance of the ``face_normal`` site in front of ``face``


def _grip_sleeve(x0: float, x1: float, width: float, height: float, proud: float) -> tuple[Primitive, ...]:
    """A U-shaped sleeve over a handle ``width`` x ``height`` lying along x from ``x0`` to ``x1``, its walls
    ``proud`` thick: two side walls down to the table and a top, open at the bottom (the handle rests on the table
    through it). Printed separately and slid over the handle, like a rubber grip."""
    half_x, mid = (x1 - x0) / 2, (x0 + x1) / 2
    side = (half_x, proud / 2, height / 2)
    return (
        Primitive("box", side, (mid, width / 2 + proud / 2, height / 2)),
        Primitive("box", side, (mid, -width / 2 - proud / 2, height / 2)),
        Primitive("box", (half_x, width / 2 + proud, proud / 2), (mid, 0.0, height + proud / 2)),
    )


@register_shape
@dataclass(frozen=True)
class HookStick(Shape):
    """A reaching stick with a hook: a square handle lying along x with a short bar at its far (+x) end sticking out
    sideways (+y), an L seen from above (a boat hook, a grabber stick).

    The hook's inner face (facing -x, back along the handle) is the working face: held level just above the table,
    it is lowered behind a cube and drags it back toward the hand, the cube sliding beside the handle. The rubber
    grip sleeve sits ``grip`` metres from the butt (-x end).

    Parts: ``body`` (handle and hook) and ``grip`` (the sleeve: black, friction ``grip_friction``).
    Sites: ``grip`` (on the handle's axis at the sleeve's middle, half the handle's height up), ``face`` (the inner
    corner of the hook, where its face meets the handle's side, at half height), ``face_normal`` (1 cm from
    ``face`` along -x), ``face_along`` (1 cm from ``face`` along +y, the way the hook points), ``hook_tip``, ``center``.
    """

    kind: ClassVar[str] = "hook_stick"
    unscaled: ClassVar[tuple[str, ...]] = ("grip_friction",)
    length: float = 0.36  # butt to the hook's outer face
    width: float = 0.016  # handle and hook: square section
    hook: float = 0.10  # from the handle's axis to the hook's tip
    grip: float = 0.13  # from the butt to the middle of the grip sleeve
    grip_length: float = 0.06
    grip_proud: float = 0.0016  # sleeve wall (1.28 mm at the smallest scale, 0.8: printable)
    grip_friction: float = 1.2  # rubber

    def parts(self) -> tuple[Part, ...]:
        half, w, h = self.length / 2, self.width, self.width
        handle = Primitive("box", (half, w / 2, h / 2), (0.0, 0.0, h / 2))
        # The hook bar overlaps the handle's far end, so the union is one body.
        hook = Primitive("box", (w / 2, self.hook / 2, h / 2), (half - w / 2, self.hook / 2, h / 2))
        gx = -half + self.grip
        face = (half - w, w / 2, h / 2)
        return (
            Part(
                name="body",
                primitives=(handle, hook),
                sites={
                    "grip": (gx, 0.0, h / 2),
                    "face": face,
                    "face_normal": (face[0] - _NORMAL, face[1], face[2]),
                    "face_along": (face[0], face[1] + _NORMAL, face[2]),
                    "hook_tip": (half - w / 2, self.hook, h / 2),
                    "center": (0.0, 0.0, h / 2),
                },
            ),
            Part(
                name="grip",
                primitives=_grip_sleeve(gx - self.grip_length / 2, gx + self.grip_length / 2, w, h, self.grip_proud),
                parent="body",
                color="black",
                friction=self.grip_friction,
            ),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.length / 2, self.hook)


@register_shape
@dataclass(frozen=True)
class HockeyStick(Shape):
    """A (street) hockey stick lying on the table: a long shaft along x and, at its far end, a blade standing on
    edge, bent ``blade_angle`` radians to the right (-y) of the shaft's line, as the blade of a real stick is bent
    from its shaft.

    The blade's front face (the one facing forward and outward, away from the shaft) is the working face: with the
    stick held level just above the table, the blade is put behind the ball and the ball shoved along that face's
    normal, the shaft trailing back at ``blade_angle`` to the line of the shot.

    Parts: ``body`` (the shaft), ``blade`` (fixed to it; its own low friction ``blade_friction``, a slick plastic
    blade, so the spin of the ball it shoves barely drags it up or sideways) and ``grip`` (rubber sleeve on the shaft:
    black, friction ``grip_friction``).
    Sites: ``grip`` (on the shaft's axis at the sleeve's middle, half the shaft's height up), ``face`` (middle of
    the blade's front face at half the blade's height), ``face_normal`` (1 cm in front of it), ``heel`` (where shaft
    and blade meet), ``toe`` (the blade's free end), ``center``.
    """

    kind: ClassVar[str] = "hockey_stick"
    unscaled: ClassVar[tuple[str, ...]] = ("blade_angle", "grip_friction", "blade_friction")
    shaft_length: float = 0.30  # butt to the heel
    shaft_width: float = 0.014
    shaft_height: float = 0.018
    blade_length: float = 0.08
    blade_height: float = 0.04
    blade_thickness: float = 0.008
    blade_angle: float = 0.8  # radians between the shaft's line and the blade
    grip: float = 0.10  # from the butt to the middle of the grip sleeve
    grip_length: float = 0.06
    grip_proud: float = 0.0016
    grip_friction: float = 1.2
    blade_friction: float = 0.2  # a slick plastic blade: a rolling ball's spin barely drags it up or sideways

    def _frame(self) -> tuple[float, float]:
        """(x of the butt, x of the heel): the shaft is centred on the footprint's centre along x."""
        reach = self.shaft_length + self.blade_length * math.cos(self.blade_angle)
        butt = -reach / 2
        return butt, butt + self.shaft_length

    def parts(self) -> tuple[Part, ...]:
        a, bl, bt, bh = self.blade_angle, self.blade_length, self.blade_thickness, self.blade_height
        butt, heel = self._frame()
        sw, sh = self.shaft_width, self.shaft_height
        # the shaft runs into the blade's heel end by half the blade's thickness, so the union is one body
        shaft = Primitive("box", (self.shaft_length / 2, sw / 2, sh / 2), (butt + self.shaft_length / 2, 0.0, sh / 2))
        direction = (math.cos(a), -math.sin(a))  # along the blade, heel to toe
        normal = (math.sin(a), math.cos(a))  # the front face's outward normal
        start = bt / 2  # the blade starts a little behind the heel point, covering the shaft's end
        centre = (heel + direction[0] * (bl / 2 - start), direction[1] * (bl / 2 - start))
        quat = (math.cos(-a / 2), 0.0, 0.0, math.sin(-a / 2))
        blade = Primitive("box", (bl / 2, bt / 2, bh / 2), (centre[0], centre[1], bh / 2), quat)
        face = (centre[0] + normal[0] * bt / 2, centre[1] + normal[1] * bt / 2, bh / 2)
        toe = (heel + direction[0] * (bl - start), direction[1] * (bl - start), bh / 2)
        gx = butt + self.grip
        return (
            Part(
                name="body",
                primitives=(shaft,),
                sites={
                    "grip": (gx, 0.0, sh / 2),
                    "face": face,
                    "face_normal": (face[0] + _NORMAL * normal[0], face[1] + _NORMAL * normal[1], face[2]),
                    "heel": (heel, 0.0, sh / 2),
                    "toe": toe,
                    "center": (0.0, 0.0, sh / 2),
                },
            ),
            Part(name="blade", primitives=(blade,), parent="body", friction=self.blade_friction),
            Part(
                name="grip",
                primitives=_grip_sleeve(gx - self.grip_length / 2, gx + self.grip_length / 2, sw, sh, self.grip_proud),
                parent="body",
                color="black",
                friction=self.grip_friction,
            ),
        )

    def footprint_radius(self) -> float:
        butt, heel = self._frame()
        side = self.blade_length * math.sin(self.blade_angle) + self.blade_thickness
        return math.hypot(max(-butt, heel + self.blade_length * math.cos(self.blade_angle)), side)


@register_shape
@dataclass(frozen=True)
class HockeyGoal(Shape):
    """A toy hockey goal: a frame of square tubes (two posts and a crossbar at the mouth, back posts, top and bottom
    rails) with a net of thin white cords across the back and both sides, the mouth open toward -x.

    The goal is ``width`` wide between the posts' inner faces, ``depth`` deep from the goal line (the posts' back
    faces) to the back net and ``height`` tall under the crossbar; there is no bar across the mouth at table level,
    so a ball rolls straight in. The back net is a panel of cords in a grid (spacing under any ball's diameter), the
    side nets two cords each.

    Parts: ``body`` (the frame: object colour), ``net`` (the back net), ``net_left`` and ``net_right`` (the side
    nets; all three white, fixed to the frame, each one printed piece).
    Sites: ``inside`` (centre of the goal's floor: halfway between goal line and back net, on the table),
    ``mouth`` (middle of the goal line, on the table), ``center``.
    """

    kind: ClassVar[str] = "hockey_goal"
    free: ClassVar[bool] = False
    width: float = 0.15
    depth: float = 0.10
    height: float = 0.08
    bar: float = 0.008  # side of the frame's square tubes
    cord: float = 0.003  # thickness of a net cord

    def parts(self) -> tuple[Part, ...]:
        w, d, h, t, c = self.width / 2, self.depth / 2, self.height, self.bar, self.cord
        top = h + t / 2
        side_y = w + t / 2
        frame = (
            Primitive("box", (t / 2, t / 2, h / 2), (-d - t / 2, side_y, h / 2)),  # left post
            Primitive("box", (t / 2, t / 2, h / 2), (-d - t / 2, -side_y, h / 2)),  # right post
            Primitive("box", (t / 2, w + t, t / 2), (-d - t / 2, 0.0, top)),  # crossbar
            Primitive("box", (t / 2, t / 2, h / 2), (d + t / 2, side_y, h / 2)),  # back posts
            Primitive("box", (t / 2, t / 2, h / 2), (d + t / 2, -side_y, h / 2)),
            Primitive("box", (t / 2, w + t, t / 2), (d + t / 2, 0.0, top)),  # back top rail
            Primitive("box", (t / 2, w, t / 2), (d + t / 2, 0.0, t / 2)),  # back bottom rail
            Primitive("box", (d, t / 2, t / 2), (0.0, side_y, top)),  # side top rails
            Primitive("box", (d, t / 2, t / 2), (0.0, -side_y, top)),
            Primitive("box", (d, t / 2, t / 2), (0.0, side_y, t / 2)),  # side bottom rails
            Primitive("box", (d, t / 2, t / 2), (0.0, -side_y, t / 2)),
        )
        back_x = d + t / 2  # cords run in the back frame's mid-plane
        net = [
            Primitive("box", (c / 2, w, c / 2), (back_x, 0.0, z))  # horizontal cords across the back
            for z in (h / 3, 2 * h / 3)
        ]
        net += [
            Primitive("box", (c / 2, c / 2, h / 2 - t / 2), (back_x, y, h / 2 + t / 2))  # vertical cords
            for y in (-w / 2, 0.0, w / 2)
        ]
        sides = {
            name: (
                Primitive("box", (d, c / 2, c / 2), (0.0, sy, h / 2)),  # one cord along the side
                Primitive("box", (c / 2, c / 2, h / 2 - t / 2), (0.0, sy, h / 2 + t / 2)),  # one cord up
            )
            for name, sy in (("net_left", side_y), ("net_right", -side_y))
        }
        return (
            Part(
                name="body",
                primitives=frame,
                sites={"inside": (0.0, 0.0, 0.0), "mouth": (-d, 0.0, 0.0), "center": (0.0, 0.0, h / 2)},
            ),
            Part(name="net", primitives=tuple(net), parent="body", color="white"),
            *(Part(name=name, primitives=prims, parent="body", color="white") for name, prims in sides.items()),
        )

    def footprint_radius(self) -> float:
        return math.hypot(self.depth / 2 + self.bar, self.width / 2 + self.bar)
