"""Print-only features: what a printed object needs that the simulation does not (hinge pin, clearances, stand).

This is the printing adapter of ``arena/objects/shapes.py``: it reads only a shape's own parameters and its
parts, never a second copy of a shape. A shape either prints its simulated parts as they are or has an
adapter here:

- ``cabinet``: a hollow stand for a plinth. The simulated plinth is a solid block under the carcass
  (OpenDrawer's is 150 mm tall: kilograms of PLA printed as it is); it prints as a separate part ``plinth``, a
  frame of :data:`PLINTH_WALL_MM` walls with the simulated outline, open at the top (the carcass bottom closes
  it) and at the bottom, glued under the carcass. The carcass and each drawer print as separate parts; the
  simulated drawers already keep the shape's ``gap`` (2 mm at scale 1) to the carcass on every side, which is
  the print's sliding clearance. There is no end stop: a printed drawer pulls all the way out.
- ``hinged_box``: a five-knuckle barrel hinge on the simulator's hinge axis (the back top edge of the box), so
  the printed lid swings exactly like the simulated one, up to the same fully open angle. Knuckle radius =
  the wall thickness; the body carries knuckles 1, 3 and 5 (the ends), the lid knuckles 2 and 4; the wall under
  the lid's knuckles and the lid over the body's knuckles are cut back by the knuckle radius plus
  :data:`KNUCKLE_CLEARANCE_MM`. A separate pin (radius half the wall, the box's width long) runs through all
  knuckles: snug in the body's (:data:`PIN_PRESS_CLEARANCE_MM`, a drop of glue if it slides), free in the
  lid's (:data:`PIN_RUNNING_CLEARANCE_MM`). The barrel itself is part of the simulated shape (a cylinder of
  radius ``wall`` along the hinge axis, on the body), so the printed outline equals the simulated one.
  The pin prints lying down, in one piece (a pin in glued pieces would not hold): it has a flat on its
  underside (a D section) where the round would overhang more than :data:`~arena.printing.bed.OVERHANG_DEG`,
  so it stands on the flat with no support; the flat faces down in the assembly, where nothing bears on it.

Clearances and the plinth's walls are absolute (a printer's tolerance and perimeters do not scale with the
object); everything else scales.
A shape with a hinge joint and no adapter here cannot be exported (:class:`PrintabilityError` says so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import manifold3d
import numpy as np

from arena.objects import Cabinet, HingedBox, Shape
from arena.objects.fridge import Fridge
from arena.objects.laptop import Laptop
from arena.objects.oven import KNOBS, OvenKnobs
from arena.objects.safe import Safe
from arena.objects.spatula import Spatula
from arena.printing.bed import OVERHANG_DEG
from arena.printing.errors import PrintabilityError
from arena.printing.mesh import CIRCULAR_SEGMENTS, MM_PER_M, Solid, bounds, object_part_solids, union

#: Radial and axial play between knuckles of the body and of the lid (millimetres).
KNUCKLE_CLEARANCE_MM = 0.4
#: Radial play between the pin and the lid's knuckles, which turn on it (millimetres).
PIN_RUNNING_CLEARANCE_MM = 0.25
#: Radial play between the pin and the body's knuckles, which hold it (millimetres).
PIN_PRESS_CLEARANCE_MM = 0.05
#: Knuckles along the hinge (odd: the body holds both ends).
KNUCKLES = 5
#: Walls of the cabinet's hollow plinth (millimetres; absolute, like the clearances: a printer's perimeters).
PLINTH_WALL_MM = 4.0


@dataclass(frozen=True)
class PrintablePart:
    """One separately printed part, placed in the object frame with every joint at zero (millimetres).

    Attributes:
        name: Part name (a simulated part's name, or a print-only part such as ``pin``).
        solid: The part's solid.
        source: Name of the simulated part it is made from; None for a print-only part.
        note: Print-only changes, in words (empty when the part is the simulated part as is).
        whole: Whether the part must print in one piece (never cut to fit the bed).
    """

    name: str
    solid: Solid
    source: str | None
    note: str = ""
    whole: bool = False


@dataclass(frozen=True)
class PrintableObject:
    """The printable parts of one object (their outline is the simulated object's).

    Attributes:
        parts: Parts, root first.
        features: One line per print-only feature.
    """

    parts: tuple[PrintablePart, ...]
    features: tuple[str, ...] = ()


def _barrel(y0: float, y1: float, radius: float, x: float, z: float) -> Solid:
    """A cylinder along y from ``y0`` to ``y1`` with its axis through (x, z)."""
    cylinder = Solid.cylinder(y1 - y0, radius, -1.0, CIRCULAR_SEGMENTS, center=True).rotate((90.0, 0.0, 0.0))
    return cylinder.translate((x, (y0 + y1) / 2, z))


def pin_flat_deg() -> float:
    """Half the arc (degrees either side of straight down) that the pin's flat replaces: the overhanging round."""
    return 90.0 - OVERHANG_DEG


def _d_pin(y0: float, y1: float, radius: float, x: float, z: float) -> Solid:
    """A pin along y from ``y0`` to ``y1``, axis through (x, z), with a flat on its underside (a D section).

    The round runs from :func:`pin_flat_deg` either side of straight down all the way over the top, in facets as
    fine as a :data:`CIRCULAR_SEGMENTS`-sided cylinder's, so every facet faces down less steeply than the overhang
    limit; the flat is the chord closing it.
    """
    start = math.radians(pin_flat_deg())
    segments = max(3, round(CIRCULAR_SEGMENTS * (2 * math.pi - 2 * start) / (2 * math.pi)))
    angles = np.linspace(start, 2 * math.pi - start, segments + 1)  # from straight down, turning toward +x
    section = manifold3d.CrossSection([np.stack([radius * np.sin(angles), -radius * np.cos(angles)], axis=1)])
    pin = Solid.extrude(section, y1 - y0).rotate((90.0, 0.0, 0.0))  # section y -> object z, extrusion -> -y
    return pin.translate((x, y1, z))


def _block(lo: tuple[float, float, float], hi: tuple[float, float, float]) -> Solid:
    return Solid.cube(tuple(b - a for a, b in zip(lo, hi, strict=True))).translate(lo)


#: How far cutters reach past the faces they cut (mm).
_CUT_MARGIN_MM = 1.0


def _split_barrel(
    body: Solid,
    lid: Solid,
    width: float,
    radius: float,
    lid_thickness: float,
    ax: float,
    az: float,
    notch_from: float,
) -> tuple[Solid, Solid, float]:
    """Split a hinge barrel of ``radius`` along y through (``ax``, ``az``), ``width`` long, into
    :data:`KNUCKLES` knuckles: the body keeps 1, 3, 5 and is cut back (from x = ``notch_from``) under the lid's, the
    lid gets 2, 4 and is cut back over the body's, with :data:`KNUCKLE_CLEARANCE_MM` between them; both are bored for
    a pin of half the radius (snug in the body, free in the lid). Returns the body, the lid and the pin radius (mm)."""
    c, margin, w, lt = KNUCKLE_CLEARANCE_MM, _CUT_MARGIN_MM, width, lid_thickness
    pin = radius / 2
    edges = [-w / 2 + k * w / KNUCKLES for k in range(KNUCKLES + 1)]
    spans = [(edges[k], edges[k + 1]) for k in range(KNUCKLES)]
    body_spans, lid_spans = spans[0::2], spans[1::2]
    notches = [
        _block((notch_from, y0, az - radius - c), (ax + radius + margin, y1, az + radius + margin))
        for y0, y1 in lid_spans
    ]
    body = body - union(notches) - _barrel(-w / 2 - margin, w / 2 + margin, pin + PIN_PRESS_CLEARANCE_MM, ax, az)
    lid = union([lid, *(_barrel(y0 + c, y1 - c, radius, ax, az) for y0, y1 in lid_spans)])
    lid_notches = [
        _block(
            (ax - radius - c, max(y0 - c, -w / 2 - margin), az - radius - margin),
            (ax + radius + margin, min(y1 + c, w / 2 + margin), az + lt + margin),
        )
        for y0, y1 in body_spans
    ]
    lid = lid - union(lid_notches) - _barrel(-w / 2 - margin, w / 2 + margin, pin + PIN_RUNNING_CLEARANCE_MM, ax, az)
    return body, lid, pin


def hinged_box_parts(shape: HingedBox) -> PrintableObject:
    """Body with knuckles 1, 3, 5; lid with knuckles 2, 4; a separate pin (see the module docstring)."""
    solids = object_part_solids(shape.parts())
    d, w, h, t, lt = (v * MM_PER_M for v in (shape.depth, shape.width, shape.height, shape.wall, shape.lid_thickness))
    radius, c = t, KNUCKLE_CLEARANCE_MM  # knuckle radius = wall
    ax, az = d / 2, h  # the simulated hinge axis: along y through the back top edge
    # the body already carries the full hinge barrel (shapes.HingedBox); the lid's spans are cut out of its back wall
    body, lid, pin = _split_barrel(solids["body"], solids["lid"], w, radius, lt, ax, az, ax - t - _CUT_MARGIN_MM)
    pin_solid = _d_pin(-w / 2, w / 2, pin, ax, az)
    flat = 2 * pin * math.sin(math.radians(pin_flat_deg()))
    knuckle = f"knuckle radius {radius:.1f} mm, pin radius {pin:.1f} mm"
    return PrintableObject(
        parts=(
            PrintablePart("body", body, "body", f"hinge knuckles 1, 3, 5 ({knuckle}); wall cut back under the lid's"),
            PrintablePart("lid", lid, "lid", f"hinge knuckles 2, 4 ({knuckle}); cut back over the body's"),
            PrintablePart(
                "pin",
                pin_solid,
                None,
                f"hinge pin, {w:.1f} mm long, radius {pin:.2f} mm, printed lying on a {flat:.1f} mm wide flat "
                "(D section, flat down in the assembly)",
                whole=True,
            ),
        ),
        features=(
            f"barrel hinge on the simulated axis: {KNUCKLES} knuckles, {knuckle}; "
            f"knuckle clearance {c} mm, pin clearance {PIN_PRESS_CLEARANCE_MM} mm (body) / "
            f"{PIN_RUNNING_CLEARANCE_MM} mm (lid)",
        ),
    )


def cabinet_parts(shape: Cabinet) -> PrintableObject:
    """The simulated carcass and drawers, the plinth split off as a hollow stand (see the module docstring).

    The plinth is what lies below the carcass bottom (``shape.plinth`` above the table); the stand keeps its
    outline and :data:`PLINTH_WALL_MM` of it on every side, open at the top (the carcass bottom closes it) and at
    the bottom. A plinth too small to hollow stays solid.
    """
    parts = shape.parts()
    solids = object_part_solids(parts)
    top = shape.plinth * MM_PER_M
    carcass, plinth = solids["body"].split_by_plane((0.0, 0.0, 1.0), top) if top > 0 else (solids["body"], Solid())
    printed = [PrintablePart("body", carcass, "body")]
    features_text: tuple[str, ...] = ()
    if not plinth.is_empty():
        (x0, y0, z0), (x1, y1, z1) = bounds(plinth)
        p, margin = PLINTH_WALL_MM, 1.0  # the cutter reaches past the top and bottom faces (mm)
        size = f"{x1 - x0:.1f} x {y1 - y0:.1f} x {z1 - z0:.1f} mm"
        if min(x1 - x0, y1 - y0) > 4 * p:
            plinth = plinth - _block((x0 + p, y0 + p, z0 - margin), (x1 - p, y1 - p, z1 + margin))
            note = f"hollow stand: the simulated plinth's outline ({size}) in {p:g} mm walls, open top and bottom"
            features_text = (f"plinth printed as a hollow stand ({size}, {p:g} mm walls; solid in simulation)",)
        else:
            note = f"the simulated plinth ({size}), solid"
        printed[0] = PrintablePart("body", carcass, "body", "the carcass above the plinth (part 'plinth')")
        printed.append(PrintablePart("plinth", plinth, "body", note + "; glue it under the carcass bottom"))
    printed += [PrintablePart(part.name, solids[part.name], part.name) for part in parts if part.name != "body"]
    return PrintableObject(parts=tuple(printed), features=features_text)


def safe_parts(shape: Safe) -> PrintableObject:
    """The safe's door hinge: a vertical five-knuckle barrel hinge on the simulated axis (the front outer corner of
    the -y side wall), like :func:`hinged_box_parts` turned upright.

    The simulated barrel (radius ``shape.barrel``, the safe's full height, on the body) is split into five knuckles:
    the body keeps 1, 3 and 5 (bottom, middle, top) and is cut back round the door's by the knuckle radius plus
    :data:`KNUCKLE_CLEARANCE_MM`; the door gets knuckles 2 and 4, each joined to the door leaf by a small web in
    front of the carcass (it swings round the outside of the side wall, so the door still opens flat). A separate
    pin (radius half the barrel's, the safe's height long) runs through all knuckles, snug in the body's
    (:data:`PIN_PRESS_CLEARANCE_MM`) and free in the door's (:data:`PIN_RUNNING_CLEARANCE_MM`); it prints lying on a
    flat (D section). The dial prints as its own part, glued on the door.
    """
    solids = object_part_solids(shape.parts())
    h, radius, gap = (v * MM_PER_M for v in (shape.height, shape.barrel, shape.door_gap))
    ax, ay = -shape.depth / 2 * MM_PER_M, -shape.width / 2 * MM_PER_M  # the hinge axis, vertical
    pin, c = radius / 2, KNUCKLE_CLEARANCE_MM
    edges = [k * h / KNUCKLES for k in range(KNUCKLES + 1)]
    spans = [(edges[k], edges[k + 1]) for k in range(KNUCKLES)]
    door_spans = spans[1::2]
    margin = 1.0

    def upright(z0: float, z1: float, r: float) -> Solid:
        return Solid.cylinder(z1 - z0, r, -1.0, CIRCULAR_SEGMENTS).translate((ax, ay, z0))

    notches = [upright(z0, z1, radius + c) for z0, z1 in door_spans]
    body = solids["body"] - union(notches) - upright(-margin, h + margin, pin + PIN_PRESS_CLEARANCE_MM)
    webs = [_block((ax - radius, ay, z0 + c), (ax, ay + radius + gap + 1.0, z1 - c)) for z0, z1 in door_spans]
    knuckles = [upright(z0 + c, z1 - c, radius) for z0, z1 in door_spans]
    door = union([solids["door"], *knuckles, *webs]) - upright(-margin, h + margin, pin + PIN_RUNNING_CLEARANCE_MM)
    pin_solid = _d_pin(0.0, h, pin, 0.0, 0.0).rotate((90.0, 0.0, 0.0)).translate((ax, ay, 0.0))
    (x0, y0, z0), _ = bounds(pin_solid)
    pin_solid = pin_solid.translate((0.0, 0.0, -z0))
    knuckle = f"knuckle radius {radius:.1f} mm, pin radius {pin:.1f} mm"
    return PrintableObject(
        parts=(
            PrintablePart("body", body, "body", f"hinge knuckles 1, 3, 5 ({knuckle}); cut back round the door's"),
            PrintablePart("door", door, "door", f"hinge knuckles 2, 4 ({knuckle}) on webs to the door leaf"),
            PrintablePart("dial", solids["dial"], "dial", "glue it on the door"),
            PrintablePart(
                "pin",
                pin_solid,
                None,
                f"hinge pin, {h:.1f} mm long, radius {pin:.2f} mm, printed lying on a flat (D section)",
                whole=True,
            ),
        ),
        features=(
            f"vertical barrel hinge on the simulated door axis: {KNUCKLES} knuckles, {knuckle}; knuckle clearance "
            f"{c} mm, pin clearance {PIN_PRESS_CLEARANCE_MM} mm (body) / {PIN_RUNNING_CLEARANCE_MM} mm (door)",
        ),
    )


def fridge_parts(shape: Fridge) -> PrintableObject:
    """The dispenser lever's pivot: a pin along the simulated hinge axis through the two brackets on the body and the
    paddle's barrel.

    The body's brackets get a hole snug on the pin (:data:`PIN_PRESS_CLEARANCE_MM`), the paddle's barrel (radius =
    the paddle's thickness) a hole it turns on (:data:`PIN_RUNNING_CLEARANCE_MM`); the pin (radius half the paddle's
    thickness, as long as the two brackets and the barrel together) prints lying on a flat (D section). The barrel
    keeps the simulated 1 mm (at scale 1) of play to each bracket. The trim (door handle, seam, spout) prints as its
    own part, glued on.
    """
    solids = object_part_solids(shape.parts())
    hx, hz = (v * MM_PER_M for v in shape.hinge())
    lt, half = shape.lever_thickness * MM_PER_M, (shape.bracket_y() + shape.bracket / 2) * MM_PER_M
    pin = lt / 2
    margin = 1.0
    body = solids["body"] - _barrel(-half - margin, half + margin, pin + PIN_PRESS_CLEARANCE_MM, hx, hz)
    lever = solids["lever"] - _barrel(-half - margin, half + margin, pin + PIN_RUNNING_CLEARANCE_MM, hx, hz)
    pin_solid = _d_pin(-half, half, pin, hx, hz)
    pivot = f"barrel radius {lt:.1f} mm, pin radius {pin:.2f} mm, {2 * half:.1f} mm long"
    return PrintableObject(
        parts=(
            PrintablePart("body", body, "body", f"lever brackets with the pin's hole ({pivot})"),
            PrintablePart("trim", solids["trim"], "trim", "door handle, freezer seam and spout: glue them on"),
            PrintablePart("lever", lever, "lever", f"paddle; its barrel turns on the pin ({pivot})"),
            PrintablePart(
                "pin",
                pin_solid,
                None,
                f"lever pin ({pivot}), printed lying on a flat (D section, flat down in the assembly)",
                whole=True,
            ),
        ),
        features=(
            f"lever pivot on the simulated hinge axis: {pivot}; pin clearance {PIN_PRESS_CLEARANCE_MM} mm (brackets) / "
            f"{PIN_RUNNING_CLEARANCE_MM} mm (paddle)",
        ),
    )


#: Thinnest edge a printer lays down (millimetres): the spatula's knife edge prints this thick.
MIN_EDGE_MM = 1.2


def spatula_parts(shape: Spatula) -> PrintableObject:
    """The spatula's bevel runs to a knife edge in simulation (a blunt edge shoves the cube instead of sliding under
    it); a printer cannot lay down a knife edge, so the printed bevel ends in a :data:`MIN_EDGE_MM` tall flat (file
    or sand it to an edge). Handle and blade print as separate parts, the blade glued to the handle's front face."""
    solids = object_part_solids(shape.parts())
    x1 = shape.front + shape.blade_length
    x0 = x1 - shape.bevel
    lo = (x0 * MM_PER_M, -shape.blade_width / 2 * MM_PER_M, 0.0)
    blade = union([solids["blade"], _block(lo, (x1 * MM_PER_M, shape.blade_width / 2 * MM_PER_M, MIN_EDGE_MM))])
    return PrintableObject(
        parts=(
            PrintablePart("handle", solids["handle"], "handle"),
            PrintablePart("blade", blade, "blade", f"knife edge printed {MIN_EDGE_MM} mm thick; glue to the handle"),
        ),
        features=(f"bevelled blade, its knife edge printed {MIN_EDGE_MM} mm thick (file it to an edge)",),
    )


def laptop_parts(shape: Laptop) -> PrintableObject:
    """The laptop's lid hinge: a five-knuckle barrel hinge on the simulated axis (the base's back top edge), as
    :func:`hinged_box_parts` builds the box's, so the printed lid swings like the simulated one up to its stop.

    The simulated barrel (radius ``shape.barrel``, on the body) is split into five knuckles: the base keeps 1, 3 and
    5 and is cut back under the lid's (2 and 4) by the knuckle radius plus :data:`KNUCKLE_CLEARANCE_MM`; the lid is cut
    back over the base's. A separate pin (radius half the barrel's, a D section lying on its flat) runs through all
    knuckles: snug in the base's (:data:`PIN_PRESS_CLEARANCE_MM`), free in the lid's
    (:data:`PIN_RUNNING_CLEARANCE_MM`). The pin is two halves, each from one end into the middle knuckle (a whole
    one would not fit the bed); a real laptop hinge's stiffness comes from a drop of glue or a rubber sleeve
    on the pin. The keyboard, trackpad and screen inlays print as their own parts (their colours), glued into their
    pockets.
    """
    solids = object_part_solids(shape.parts())
    d, w, h, r, lt = (
        v * MM_PER_M for v in (shape.depth, shape.width, shape.base_height, shape.barrel, shape.lid_thickness)
    )
    c = KNUCKLE_CLEARANCE_MM
    ax, az = d / 2, h
    body, lid, pin = _split_barrel(solids["body"], solids["lid"], w, r, lt, ax, az, ax - r - c)
    knuckle = f"knuckle radius {r:.1f} mm, pin radius {pin:.2f} mm"
    return PrintableObject(
        parts=(
            PrintablePart("body", body, "body", f"hinge knuckles 1, 3, 5 ({knuckle}); cut back under the lid's"),
            PrintablePart("keyboard", solids["keyboard"], "keyboard", "inlay: glue it into the base's back pocket"),
            PrintablePart("trackpad", solids["trackpad"], "trackpad", "inlay: glue it into the base's front pocket"),
            PrintablePart("lid", lid, "lid", f"hinge knuckles 2, 4 ({knuckle}); cut back over the base's"),
            PrintablePart("screen", solids["screen"], "screen", "inlay: glue it into the lid's pocket"),
            *(
                PrintablePart(
                    f"pin_{k + 1}",
                    _d_pin(y0, y1, pin, ax, az),
                    None,
                    f"hinge pin {k + 1} of 2, {w / 2:.1f} mm long, radius {pin:.2f} mm, from the {side} end to the "
                    "middle knuckle; printed lying on a flat (D section)",
                    whole=True,
                )
                for k, (y0, y1, side) in enumerate(((-w / 2, 0.0, "right"), (0.0, w / 2, "left")))
            ),
        ),
        features=(
            f"barrel hinge on the simulated lid axis: {KNUCKLES} knuckles, {knuckle}; knuckle clearance {c} mm, pin "
            f"clearance {PIN_PRESS_CLEARANCE_MM} mm (base) / {PIN_RUNNING_CLEARANCE_MM} mm (lid)",
        ),
    )


#: A knob's pivot peg: its radius as a fraction of the knob's, its height as a fraction of the skirt's.
KNOB_PEG_RADIUS, KNOB_PEG_HEIGHT = 0.25, 0.5


def oven_knobs_parts(shape: OvenKnobs) -> PrintableObject:
    """The knobs' pivots: a round peg on the strip on each knob's simulated axis, and a blind hole in the knob's
    underside that turns on it.

    The peg is :data:`KNOB_PEG_RADIUS` of the knob's radius and :data:`KNOB_PEG_HEIGHT` of its skirt's height; the
    hole has :data:`PIN_RUNNING_CLEARANCE_MM` of radial play and as much above the peg's top (the knob stands on the
    strip exactly where the simulated one does) and a 45-degree conical roof, so the knob prints standing on its
    skirt without supports. The pointers print as their own parts (white), glued on the fins.
    """
    parts = shape.parts()
    solids = object_part_solids(parts)
    top, skirt, radius = (v * MM_PER_M for v in (shape.strip_thickness, shape.skirt_height, shape.knob_radius))
    peg_r, peg_h, c = KNOB_PEG_RADIUS * radius, KNOB_PEG_HEIGHT * skirt, PIN_RUNNING_CLEARANCE_MM
    margin = 1.0

    def upright(y: float, z0: float, z1: float, r: float) -> Solid:
        return Solid.cylinder(z1 - z0, r, -1.0, CIRCULAR_SEGMENTS).translate((0.0, y, z0))

    ys = {name: shape.knob_y(name) * MM_PER_M for name in KNOBS}
    strip = union([solids["body"], *(upright(y, top - margin, top + peg_h, peg_r) for y in ys.values())])
    pivot = f"peg radius {peg_r:.2f} mm, {peg_h:.1f} mm tall; hole {peg_r + c:.2f} mm, {peg_h + c:.1f} mm deep"
    printed = [PrintablePart("body", strip, "body", f"strip with a pivot peg under each knob ({pivot})")]
    for name in KNOBS:
        roof = Solid.cylinder(peg_r + c, peg_r + c, 0.0, CIRCULAR_SEGMENTS).translate((0.0, ys[name], top + peg_h + c))
        knob = solids[f"knob_{name}"] - union([upright(ys[name], top - margin, top + peg_h + c, peg_r + c), roof])
        printed.append(PrintablePart(f"knob_{name}", knob, f"knob_{name}", f"turns on its peg ({pivot})"))
        printed.append(
            PrintablePart(f"pointer_{name}", solids[f"pointer_{name}"], f"pointer_{name}", "glue it on the fin")
        )
    return PrintableObject(parts=tuple(printed), features=(f"knob pivots: {pivot}",))


#: Shape kind -> adapter for shapes whose printed parts differ from the simulated ones.
ADAPTERS: dict[str, Callable[[Shape], PrintableObject]] = {
    HingedBox.kind: hinged_box_parts,
    Cabinet.kind: cabinet_parts,
    Safe.kind: safe_parts,
    Laptop.kind: laptop_parts,
    OvenKnobs.kind: oven_knobs_parts,
    Fridge.kind: fridge_parts,
    Spatula.kind: spatula_parts,
}


def printable_object(shape: Shape, name: str = "") -> PrintableObject:
    """The printable parts of ``shape`` (already scaled), each in the object frame (millimetres).

    Shapes without an adapter print their simulated parts as they are. Raises ``PrintabilityError`` for a
    shape with a hinge joint and no adapter (a hinge needs a printable pin or knuckles).
    """
    if shape.kind in ADAPTERS:
        return ADAPTERS[shape.kind](shape)
    parts = shape.parts()
    hinged = [part.name for part in parts if part.joint is not None and part.joint.kind == "hinge"]
    if hinged:
        raise PrintabilityError(
            f"{name or shape.kind}: check 'hinge' failed: part(s) {hinged} turn on a hinge and shape "
            f"{shape.kind!r} has no printable hinge; add an adapter to arena/printing/features.py"
        )
    solids = object_part_solids(parts)
    return PrintableObject(parts=tuple(PrintablePart(part.name, solids[part.name], part.name) for part in parts))
