"""Procedural texture bank and distractor toys."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from arena.errors import UnknownNameError
from arena.objects.toys import make_toy, primitives_from_json, primitives_to_json
from arena.perturbations.texture_bank import make_texture, texture_bank
from arena.spec.textures import BANK_SIZE, FAMILIES, split_indices, texture_family


def test_bank_has_at_least_200_distinct_textures_of_every_family():
    bank = texture_bank()
    assert bank.shape == (BANK_SIZE, 64, 64, 3) and BANK_SIZE >= 200 and bank.dtype == np.uint8
    assert len({texture.tobytes() for texture in bank}) == BANK_SIZE
    assert {texture_family(i) for i in range(BANK_SIZE)} == set(FAMILIES)
    assert all(texture.std() > 5 for texture in bank[:: len(FAMILIES)])  # patterned, not flat


def test_textures_are_a_pure_function_of_their_index():
    np.testing.assert_array_equal(make_texture(17), texture_bank()[17])
    assert (
        hashlib.sha256(make_texture(0).tobytes()).hexdigest() == hashlib.sha256(make_texture(0).tobytes()).hexdigest()
    )
    assert not np.array_equal(make_texture(0), make_texture(8))


def test_train_and_test_splits_are_disjoint_and_cover_the_bank():
    train, test = set(split_indices("train")), set(split_indices("test"))
    assert not train & test and train | test == set(range(BANK_SIZE))
    assert len(test) == BANK_SIZE // 5
    assert {texture_family(i) for i in test} == set(FAMILIES)
    with pytest.raises(UnknownNameError, match="valid: train, test, all"):
        split_indices("validation")


def test_toys_rest_on_the_table_and_round_trip_through_json():
    rng = np.random.default_rng(3)
    for _ in range(30):
        primitives, radius = make_toy(rng)
        assert 1 <= len(primitives) <= 12 and 0.01 < radius < 0.05
        lowest = min(
            p.pos[2] - (p.size[2] if p.kind == "box" else p.size[-1] if p.kind == "cylinder" else p.size[0])
            for p in primitives
        )
        assert lowest == pytest.approx(0.0, abs=1e-9)
        assert primitives_from_json(primitives_to_json(primitives)) == tuple(primitives)
