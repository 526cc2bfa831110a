"""Procedural texture bank: 240 deterministic 64x64 RGB textures in eight families.

Textures are generated with numpy from their index alone (no files, no network), once per process, in about
0.2 s. Which indices form the train and test splits is spec-layer knowledge (:mod:`arena.spec.textures`).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from arena.errors import UnknownNameError
from arena.spec.colors import NAMED_COLORS
from arena.spec.textures import BANK_SIZE, FAMILIES, TEXTURE_SIZE

_BANK_SEED = 20_261_126
_PALETTE = np.array(list(NAMED_COLORS.values()))


def _grid() -> tuple[np.ndarray, np.ndarray]:
    coords = np.arange(TEXTURE_SIZE) / TEXTURE_SIZE
    return np.meshgrid(coords, coords, indexing="ij")


def _value_noise(rng: np.random.Generator, cells: int) -> np.ndarray:
    """Smooth tileable noise in [0, 1]: a random lattice upsampled with cosine interpolation."""
    lattice = rng.random((cells, cells))
    position = np.arange(TEXTURE_SIZE) * cells / TEXTURE_SIZE
    index = np.floor(position).astype(int)
    frac = (1 - np.cos(np.pi * (position - index))) / 2
    i0, i1 = index % cells, (index + 1) % cells
    rows = lattice[i0] * (1 - frac)[:, None] + lattice[i1] * frac[:, None]
    return rows[:, i0] * (1 - frac)[None, :] + rows[:, i1] * frac[None, :]


def _fractal(rng: np.random.Generator, octaves: int = 4) -> np.ndarray:
    total = sum(_value_noise(rng, 2 ** (o + 2)) / 2**o for o in range(octaves))
    return (total - total.min()) / max(np.ptp(total), 1e-9)


def _two_colors(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    first, second = rng.choice(len(_PALETTE), size=2, replace=False)
    jitter = rng.uniform(-0.1, 0.1, size=(2, 3))
    return np.clip(_PALETTE[first] + jitter[0], 0, 1), np.clip(_PALETTE[second] + jitter[1], 0, 1)


def _pattern(family: str, rng: np.random.Generator) -> np.ndarray:
    """Scalar field in [0, 1] of one family."""
    u, v = _grid()
    if family == "noise":
        return _fractal(rng, octaves=int(rng.integers(2, 5)))
    if family == "stripes":
        angle, freq = rng.uniform(0, np.pi), int(rng.integers(2, 9))
        phase = np.cos(angle) * u + np.sin(angle) * v
        return (np.sin(2 * np.pi * freq * phase) > rng.uniform(-0.5, 0.5)).astype(float)
    if family == "checks":
        n = int(rng.integers(2, 9))
        return ((np.floor(u * n) + np.floor(v * n)) % 2).astype(float)
    if family == "wood":
        center = rng.uniform(-0.5, 1.5, size=2)
        radius = np.hypot(u - center[0], (v - center[1]) * rng.uniform(0.1, 0.4))
        rings = np.sin(2 * np.pi * (radius * rng.uniform(8, 20) + 2.0 * _fractal(rng, 3)))
        return (rings + 1) / 2
    if family == "marble":
        turbulence = _fractal(rng, 5)
        return (np.sin(2 * np.pi * (u * rng.uniform(2, 6) + v + 3.0 * turbulence)) + 1) / 2
    if family == "fabric":
        n = int(rng.integers(6, 17))
        warp = (np.sin(2 * np.pi * n * u) + 1) / 2
        weft = (np.sin(2 * np.pi * n * v) + 1) / 2
        return np.where((np.floor(u * n) + np.floor(v * n)) % 2 == 0, warp, weft) * 0.8 + 0.2 * _fractal(rng, 2)
    if family == "speckle":
        field = np.zeros((TEXTURE_SIZE, TEXTURE_SIZE))
        count = int(rng.integers(20, 120))
        rows, cols = rng.integers(0, TEXTURE_SIZE, size=(2, count))
        size = int(rng.integers(1, 4))
        for r, c in zip(rows, cols, strict=True):
            field[np.ix_(np.arange(r, r + size) % TEXTURE_SIZE, np.arange(c, c + size) % TEXTURE_SIZE)] = 1.0
        return field
    angle = rng.uniform(0, 2 * np.pi)  # gradient
    ramp = np.cos(angle) * u + np.sin(angle) * v
    return (ramp - ramp.min()) / max(np.ptp(ramp), 1e-9) * 0.8 + 0.2 * _fractal(rng, 3)


def make_texture(index: int) -> np.ndarray:
    """Texture ``index`` of the bank: uint8 array (64, 64, 3), a pure function of the index."""
    if not 0 <= index < BANK_SIZE:
        raise UnknownNameError(f"texture index {index} out of range; the bank holds 0..{BANK_SIZE - 1}")
    rng = np.random.default_rng([_BANK_SEED, index])
    family = FAMILIES[index % len(FAMILIES)]
    field = _pattern(family, rng)[..., None]
    first, second = _two_colors(rng)
    return np.round((first * (1 - field) + second * field) * 255).astype(np.uint8)


@cache
def texture_bank() -> np.ndarray:
    """All textures, shape (240, 64, 64, 3), generated once per process."""
    return np.stack([make_texture(i) for i in range(BANK_SIZE)])
