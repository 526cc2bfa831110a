"""The 20 named colours of THE COLOSSEUM (RGB in [0, 1])."""

from __future__ import annotations

from arena.errors import UnknownNameError

NAMED_COLORS: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.0, 0.0),
    "maroon": (0.5, 0.0, 0.0),
    "lime": (0.0, 1.0, 0.0),
    "green": (0.0, 0.5, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "navy": (0.0, 0.0, 0.5),
    "yellow": (1.0, 1.0, 0.0),
    "cyan": (0.0, 1.0, 1.0),
    "magenta": (1.0, 0.0, 1.0),
    "silver": (0.75, 0.75, 0.75),
    "gray": (0.5, 0.5, 0.5),
    "orange": (1.0, 0.5, 0.0),
    "olive": (0.5, 0.5, 0.0),
    "purple": (0.5, 0.0, 0.5),
    "teal": (0.0, 0.5, 0.5),
    "azure": (0.0, 0.5, 1.0),
    "violet": (0.5, 0.0, 1.0),
    "rose": (1.0, 0.0, 0.5),
    "black": (0.0, 0.0, 0.0),
    "white": (1.0, 1.0, 1.0),
}


def rgba(name: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """RGBA of a named colour; raises ``UnknownNameError`` listing the 20 names."""
    if name not in NAMED_COLORS:
        raise UnknownNameError(f"unknown colour {name!r}; valid colours: {', '.join(NAMED_COLORS)}")
    return (*NAMED_COLORS[name], alpha)
