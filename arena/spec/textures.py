"""The texture bank's index space and its train/test split (the pixels are made in
:mod:`arena.perturbations.texture_bank`).

Every fifth texture (index % 5 == 4) is held out as the ``test`` split, so a policy trained with texture
randomisation on ``train`` is evaluated on textures it has never seen.
"""

from __future__ import annotations

from arena.errors import UnknownNameError

TEXTURE_SIZE = 64
BANK_SIZE = 240
FAMILIES = ("noise", "stripes", "checks", "wood", "marble", "fabric", "speckle", "gradient")
SPLITS = ("train", "test", "all")


def split_indices(split: str) -> tuple[int, ...]:
    """Texture indices of a split: ``train`` (192), ``test`` (48, held out) or ``all``."""
    if split not in SPLITS:
        raise UnknownNameError(f"unknown texture split {split!r}; valid: {', '.join(SPLITS)}")
    if split == "all":
        return tuple(range(BANK_SIZE))
    held_out = split == "test"
    return tuple(i for i in range(BANK_SIZE) if (i % 5 == 4) == held_out)


def texture_family(index: int) -> str:
    """Family name of texture ``index``."""
    return FAMILIES[index % len(FAMILIES)]
