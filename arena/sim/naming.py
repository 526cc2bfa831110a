"""Names in the compiled scene: the one place that says what a body, geom, site, joint, material or texture of
a task object (or of the scene) is called. The scene builder writes these names; scene queries, perturbation
effects and the expert read them.
"""

from __future__ import annotations

TABLE_GEOM = "table_top"
TABLE_MATERIAL = "table"
TABLE_TEXTURE = "table_texture"
WALL_MATERIAL = "wall"
FLOOR_MATERIAL = "floor"
BACKGROUND_MATERIALS: tuple[str, ...] = (WALL_MATERIAL, FLOOR_MATERIAL)
BACKGROUND_TEXTURE = "background_texture"


def object_body(obj: str, part: str) -> str:
    """Body of one part of a task object."""
    return f"{obj}/{part}"


def object_geom(obj: str, part: str, index: int) -> str:
    """The ``index``-th primitive geom of one part."""
    return f"{obj}/{part}/{index}"


def object_geom_prefix(obj: str) -> str:
    """Every geom of a task object starts with this."""
    return f"{obj}/"


def object_site(obj: str, site: str) -> str:
    """A named point of a task object (``center``, ``top``, ``handle_top`` ...)."""
    return f"{obj}/{site}"


def object_joint(obj: str, part: str) -> str:
    """The joint that moves a part relative to its parent part."""
    return f"{obj}/{part}"


def free_joint(obj: str) -> str:
    """The free joint of a loose task object or toy."""
    return f"{obj}/free"


def object_material(obj: str) -> str:
    """Material of a task object (one per object, shared by its parts)."""
    return f"{obj}/material"


def accent_material(obj: str, color: str) -> str:
    """Material of a task object's parts drawn in a fixed accent colour (untouched by the colour axes)."""
    return f"{obj}/accent_{color}"


def object_texture(obj: str) -> str:
    """Texture slot of a task object, filled by the texture axes."""
    return f"{obj}/texture"


def distractor(index: int) -> str:
    """Name of the ``index``-th distractor toy (its body is ``<name>/body``)."""
    return f"distractor_{index}"
