"""The 1:1 placement mat: the table region drawn at true scale, with every object's and distractor's outline and
heading, four ArUco markers (fixed positions, for ``arena real calibrate``), a 50 mm grid, a 100 mm ruler per page
and registration marks where the pages meet. Saved as one PNG (at ``dpi``) and as a PDF tiled onto A4 or Letter
pages whose size is exact, so printing at 100% reproduces the table.

Mat pixels map to the table as ``row = (x - X0) * ppm`` and ``col = (y - Y0) * ppm`` (``ppm``: pixels per metre):
laid face up, the page's top edge faces the robot and its right is the robot's left (+y), as an operator standing
across the table from the robot sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from arena.spec.colors import NAMED_COLORS
from arena.spec.episode import EpisodeConfig
from arena.spec.layout import yaw_of_quat
from arena.spec.task import load_task

#: Table region the mat covers (metres, base frame): every task's spawn area.
X0, X1, Y0, Y1 = 0.20, 0.80, -0.45, 0.45
#: ArUco markers (DICT_4X4_50): id -> centre (x, y) in metres; side MARKER_SIDE.
MARKER_DICT = "DICT_4X4_50"
MARKER_SIDE = 0.06
MARKERS = {0: (0.25, 0.40), 1: (0.25, -0.40), 2: (0.75, 0.40), 3: (0.75, -0.40)}
PAPERS_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
PAGE_MARGIN_MM = 12.0
DEFAULT_DPI = 150


@dataclass(frozen=True)
class MatGeometry:
    """Pixel scale of a mat image."""

    dpi: int = DEFAULT_DPI

    @property
    def ppm(self) -> float:
        """Pixels per metre."""
        return self.dpi / 0.0254

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return round((Y1 - Y0) * self.ppm), round((X1 - X0) * self.ppm)

    def to_pixels(self, x: float, y: float) -> tuple[float, float]:
        """Table point (metres) -> (col, row) pixel."""
        return (y - Y0) * self.ppm, (x - X0) * self.ppm

    def to_table(self, col: float, row: float) -> tuple[float, float]:
        """(col, row) pixel -> table point (metres)."""
        return X0 + row / self.ppm, Y0 + col / self.ppm

    def table_from_pixel_matrix(self) -> np.ndarray:
        """3x3 matrix taking homogeneous (col, row, 1) to homogeneous table (x, y, 1)."""
        s = 1.0 / self.ppm
        return np.array([[0.0, s, X0], [s, 0.0, Y0], [0.0, 0.0, 1.0]])


def marker_corners(marker: int) -> np.ndarray:
    """The 4 table-frame corners (x, y, 0) of a marker in OpenCV's order (top-left, top-right, bottom-right,
    bottom-left as drawn on the page)."""
    cx, cy = MARKERS[marker]
    h = MARKER_SIDE / 2
    # page top-left is (small x, small y); page right is +y, page down is +x
    return np.array([[cx - h, cy - h, 0.0], [cx - h, cy + h, 0.0], [cx + h, cy + h, 0.0], [cx + h, cy - h, 0.0]])


def _marker_image(marker: int, side_px: int) -> Image.Image:
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICT))
    return Image.fromarray(cv2.aruco.generateImageMarker(dictionary, marker, side_px)).convert("RGB")


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # an old Pillow
        return ImageFont.load_default()


def _primitive_outline(primitive, part_pos, part_quat, pose) -> list[tuple[float, float]]:
    """Top-view outline (table x, y) of one primitive of a part placed at ``pose``."""
    from arena.geometry import quat_to_mat

    object_rot = quat_to_mat(np.array(pose[3:7]))
    part_rot = quat_to_mat(np.array(part_quat))
    prim_rot = quat_to_mat(np.array(primitive.quat))
    if primitive.kind in ("box", "wedge"):
        hx, hy, hz = primitive.size
        local = np.array([[sx * hx, sy * hy, sz * hz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
    else:  # round in the primitive's z axis: a polygon around its circle (and both ends of a capsule/cylinder)
        radius = primitive.size[0]
        half = primitive.size[1] if len(primitive.size) > 1 else 0.0
        ring = [(radius * math.cos(a), radius * math.sin(a)) for a in np.linspace(0, 2 * math.pi, 24, endpoint=False)]
        local = np.array([[u, v, w] for u, v in ring for w in (-half, half)])
        if primitive.kind == "sphere":
            local = np.array([[u, v, 0.0] for u, v in ring] + [[0, 0, radius], [0, 0, -radius]])
    points = (
        object_rot @ (part_rot @ (prim_rot @ local.T + np.array(primitive.pos)[:, None]) + np.array(part_pos)[:, None])
    ).T
    points += np.array(pose[:3])
    return _hull(points[:, :2])


def _hull(points: np.ndarray) -> list[tuple[float, float]]:
    """Convex hull (monotone chain) of 2-D points."""
    pts = sorted({(round(float(x), 6), round(float(y), 6)) for x, y in points})
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def object_outlines(config: EpisodeConfig) -> list[tuple[str, str, list[list[tuple[float, float]]], tuple]]:
    """(label, colour name, outlines (table x, y), pose) of every task object and distractor of an episode."""
    task = load_task(config.task)
    sizes = {}
    for axis in ("ObjectSize", "ReceiverSize"):
        sizes.update(config.perturbations.get(axis, {}))
    colors = {}
    for axis in ("ObjectColor", "ReceiverColor"):
        colors.update(config.perturbations.get(axis, {}))
    found = []
    for obj in task.objects:
        pose = config.object_poses[obj.name]
        shape = obj.shape.scaled(float(sizes.get(obj.name, 1.0)))
        outlines = [_primitive_outline(p, part.pos, part.quat, pose) for part in shape.parts() for p in part.primitives]
        found.append((obj.name, colors.get(obj.name, obj.color), outlines, pose))
    for number, toy in enumerate(config.perturbations.get("Distractors", {}).get("toys", [])):
        from arena.spec.layout import quat_from_yaw

        pose = (toy["x"], toy["y"], 0.0, *quat_from_yaw(toy["yaw"]))
        outlines = []
        for primitive in toy["primitives"]:
            from arena.objects.primitives import Primitive

            prim = Primitive(
                primitive["kind"], tuple(primitive["size"]), tuple(primitive["pos"]), tuple(primitive["quat"])
            )
            outlines.append(_primitive_outline(prim, (0, 0, 0), (1, 0, 0, 0), pose))
        found.append((f"distractor {number + 1}", toy["color"], outlines, pose))
    return found


def draw_mat(config: EpisodeConfig | None, geometry: MatGeometry = MatGeometry()) -> Image.Image:
    """The whole mat as one image at ``geometry.dpi`` (``config`` None: markers, grid and ruler only)."""
    width, height = geometry.size
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    px = geometry.ppm
    font = _font(max(12, int(0.008 * px)))
    for x in np.arange(X0, X1 + 1e-9, 0.05):  # 50 mm grid with labels in millimetres
        _, row = geometry.to_pixels(x, 0)
        draw.line([(0, row), (width, row)], fill=(225, 225, 225), width=1)
        draw.text((4, row + 2), f"x {x * 1000:.0f}", fill=(170, 170, 170), font=font)
    for y in np.arange(Y0, Y1 + 1e-9, 0.05):
        col, _ = geometry.to_pixels(0, y)
        draw.line([(col, 0), (col, height)], fill=(225, 225, 225), width=1)
        draw.text((col + 2, 4), f"y {y * 1000:.0f}", fill=(170, 170, 170), font=font)
    side = round(MARKER_SIDE * px)
    for marker, (mx, my) in MARKERS.items():
        col, row = geometry.to_pixels(mx, my)
        image.paste(_marker_image(marker, side), (round(col - side / 2), round(row - side / 2)))
        draw.text((col - side / 2, row + side / 2 + 2), f"ArUco {marker}", fill="black", font=font)
    if config is not None:
        for label, color, outlines, pose in object_outlines(config):
            rgb = tuple(int(255 * c) for c in NAMED_COLORS.get(color, (0.3, 0.3, 0.3))[:3])
            rgb = rgb if sum(rgb) < 600 else (110, 110, 110)  # white on white paper: draw it grey
            for outline in outlines:
                points = [geometry.to_pixels(x, y) for x, y in outline]
                draw.polygon(points, outline=rgb, width=max(2, int(0.0015 * px)))
            cx, cy = geometry.to_pixels(pose[0], pose[1])
            yaw = yaw_of_quat(pose[3:7])
            tip = geometry.to_pixels(pose[0] + 0.04 * math.cos(yaw), pose[1] + 0.04 * math.sin(yaw))
            draw.line([(cx, cy), tip], fill="black", width=max(2, int(0.001 * px)))
            draw.ellipse([cx - 4, cy - 4, cx + 4, cy + 4], fill="black")
            draw.text((cx + 6, cy + 6), f"{label} ({color})", fill="black", font=font)
    col, row = geometry.to_pixels(X0, 0.0)
    draw.text((col - 60, row + 2), "robot base: 200 mm this way ^", fill="black", font=font)
    return image


def _ruler(draw: ImageDraw.ImageDraw, left: float, top: float, ppmm: float, font) -> None:
    """A 100 mm ruler with millimetre ticks (check the print scale against a real ruler)."""
    draw.line([(left, top), (left + 100 * ppmm, top)], fill="black", width=2)
    for mm in range(0, 101):
        length = 6 if mm % 10 == 0 else 4 if mm % 5 == 0 else 2
        x = left + mm * ppmm
        draw.line([(x, top), (x, top + length * ppmm / 2)], fill="black", width=1)
        if mm % 10 == 0:
            draw.text((x - 4, top + 3.5 * ppmm), str(mm), fill="black", font=font)
    draw.text(
        (left, top - 4 * ppmm), "100 mm: check with a ruler, print at 100% (no fit to page)", fill="black", font=font
    )


def tile_pages(mat: Image.Image, geometry: MatGeometry, paper: str = "a4") -> list[Image.Image]:
    """The mat cut into paper-sized pages at true scale, each with its place (row, column), registration marks
    at the tile's corners and a 100 mm ruler."""
    if paper not in PAPERS_MM:
        raise ValueError(f"unknown paper {paper!r}; valid: {', '.join(PAPERS_MM)}")
    ppmm = geometry.dpi / 25.4
    page_w, page_h = (round(v * ppmm) for v in PAPERS_MM[paper])
    margin = round(PAGE_MARGIN_MM * ppmm)
    tile_w, tile_h = page_w - 2 * margin, page_h - 2 * margin - round(14 * ppmm)  # room for the ruler
    columns, rows = math.ceil(mat.width / tile_w), math.ceil(mat.height / tile_h)
    font = _font(max(10, int(2.5 * ppmm)))
    pages = []
    for r in range(rows):
        for c in range(columns):
            page = Image.new("RGB", (page_w, page_h), "white")
            tile = mat.crop((c * tile_w, r * tile_h, (c + 1) * tile_w, (r + 1) * tile_h))
            page.paste(tile, (margin, margin))
            draw = ImageDraw.Draw(page)
            draw.rectangle([margin, margin, margin + tile_w, margin + tile_h], outline=(120, 120, 120), width=1)
            for x, y in (
                (margin, margin),
                (margin + tile_w, margin),
                (margin, margin + tile_h),
                (margin + tile_w, margin + tile_h),
            ):
                arm = round(5 * ppmm)
                draw.line([(x - arm, y), (x + arm, y)], fill="black", width=2)
                draw.line([(x, y - arm), (x, y + arm)], fill="black", width=2)
                draw.ellipse([x - arm / 2, y - arm / 2, x + arm / 2, y + arm / 2], outline="black", width=1)
            draw.text((margin, 2), f"page row {r + 1}/{rows}, column {c + 1}/{columns}: butt the crosses of neighbours",
                      fill="black", font=font)  # fmt: skip
            _ruler(draw, margin, margin + tile_h + round(8 * ppmm), ppmm, font)
            pages.append(page)
    return pages


def write_mat(
    config: EpisodeConfig | None, folder: Path, paper: str = "a4", dpi: int = DEFAULT_DPI
) -> tuple[Path, Path]:
    """Write ``mat.png`` (whole, at ``dpi``) and ``mat.pdf`` (tiled pages, exact paper size) into ``folder``."""
    geometry = MatGeometry(dpi)
    folder.mkdir(parents=True, exist_ok=True)
    mat = draw_mat(config, geometry)
    png, pdf = folder / "mat.png", folder / "mat.pdf"
    mat.save(png, dpi=(dpi, dpi))
    pages = tile_pages(mat, geometry, paper)
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=float(dpi))
    return png, pdf
