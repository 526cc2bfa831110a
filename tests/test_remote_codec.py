"""openpi's msgpack-numpy wire format and the observation key mappings (no server needed)."""

from __future__ import annotations

import functools

import msgpack
import numpy as np
import pytest

from arena.policies.remote import codec
from arena.policies.remote.client import parse_remote, with_keys
from arena.policies.remote.errors import KeyMappingError, ProtocolError, RemotePolicyError
from arena.policies.remote.keys import PRESETS, key_mapping, parse_mapping, quat_to_axis_angle, resize_with_pad

DTYPES = [
    "|b1",
    "|i1",
    "<i2",
    "<i4",
    "<i8",
    "|u1",
    "<u2",
    "<u4",
    "<u8",
    "<f2",
    "<f4",
    "<f8",
    ">f4",
    ">i8",
    "<U3",
    "|S3",
]


def _openpi_pack_array(obj):
    """openpi_client.msgpack_numpy.pack_array at openpi commit 15a9616, verbatim."""
    if (isinstance(obj, (np.ndarray, np.generic))) and obj.dtype.kind in ("V", "O", "c"):
        raise ValueError(f"Unsupported dtype: {obj.dtype}")
    if isinstance(obj, np.ndarray):
        return {b"__ndarray__": True, b"data": obj.tobytes(), b"dtype": obj.dtype.str, b"shape": obj.shape}
    if isinstance(obj, np.generic):
        return {b"__npgeneric__": True, b"data": obj.item(), b"dtype": obj.dtype.str}
    return obj


def _openpi_unpack_array(obj):
    if b"__ndarray__" in obj:
        return np.ndarray(buffer=obj[b"data"], dtype=np.dtype(obj[b"dtype"]), shape=obj[b"shape"])
    if b"__npgeneric__" in obj:
        return np.dtype(obj[b"dtype"]).type(obj[b"data"])
    return obj


openpi_packb = functools.partial(msgpack.Packer(default=_openpi_pack_array).pack)
openpi_unpackb = functools.partial(msgpack.unpackb, object_hook=_openpi_unpack_array)


def _sample(dtype: str, shape=(2, 3)) -> np.ndarray:
    kind = np.dtype(dtype).kind
    if kind in "US":
        return np.array(["ab", "c", "xyz", "", "q", "rr"], dtype=dtype).reshape(shape)
    return (
        (np.arange(np.prod(shape)) % 2 if kind == "b" else np.arange(np.prod(shape)) - 2 * (kind in "if"))
        .astype(dtype)
        .reshape(shape)
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_arrays_round_trip_and_match_openpis_bytes(dtype):
    message = {"observation/state": _sample(dtype), "empty": np.zeros((0, 4), dtype), "scalar": _sample(dtype)[0, 0]}
    data = codec.packb(message)
    assert data == openpi_packb(message)
    for decoded in (codec.unpackb(data), openpi_unpackb(data)):
        assert decoded["observation/state"].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(decoded["observation/state"], message["observation/state"])
        assert decoded["empty"].shape == (0, 4)
        assert decoded["scalar"] == message["scalar"]
        # numpy scalars that subclass a Python type (float64, str_, bytes_) travel as plain msgpack, as in openpi
        native = isinstance(message["scalar"], (float, str, bytes))
        assert type(decoded["scalar"]) is (type(message["scalar"].item()) if native else type(message["scalar"]))


def test_golden_bytes_of_a_small_array_follow_openpis_layout():
    # A map of 4: bin "__ndarray__" -> true, bin "data" -> bin bytes, bin "dtype" -> str "<i2", bin "shape" -> [2].
    golden = bytes.fromhex(
        "84" "c40b5f5f6e6461727261795f5f" "c3" "c40464617461" "c40401000200" "c4056474797065" "a33c6932"
        "c4057368617065" "9102"
    )  # fmt: skip
    assert codec.packb(np.array([1, 2], dtype="<i2")) == golden
    np.testing.assert_array_equal(codec.unpackb(golden), [1, 2])
    assert codec.packb(np.float32(1.5)) == bytes.fromhex(
        "83c40d5f5f6e7067656e657269635f5fc3c40464617461cb3ff8000000000000c4056474797065a33c6634"
    )  # noqa: E501


def test_plain_values_and_nesting_travel_as_plain_msgpack():
    message = {"prompt": "open the drawer", "n": 3, "x": 0.5, "flag": True, "none": None, "list": [1, "a"],
               "timing": {"infer_ms": 1.25}}  # fmt: skip
    assert codec.unpackb(codec.packb(message)) == message
    assert codec.packb(message) == msgpack.packb(message)


@pytest.mark.parametrize("value", [np.array([1 + 2j]), np.array([object()], dtype=object), np.zeros(2, "V4")])
def test_object_complex_and_void_dtypes_are_refused(value):
    with pytest.raises(ProtocolError, match="cannot send numpy dtype"):
        codec.packb({"x": value})


@pytest.mark.parametrize(
    "data, match",
    [
        (b"\xc1", "malformed msgpack"),
        (codec.packb({"a": np.arange(4)})[:-3], "malformed msgpack"),
        (
            msgpack.packb({b"__ndarray__": True, b"data": b"\x00" * 3, b"dtype": "<f4", b"shape": [2]}),
            "malformed array",
        ),
        (msgpack.packb({b"__ndarray__": True, b"data": b"", b"dtype": "|O", b"shape": [0]}), "malformed array"),
        (msgpack.packb({b"__ndarray__": True, b"data": b"", b"dtype": "<f4"}), "malformed array"),
        ("a text frame", "expected a binary msgpack frame"),
    ],
)
def test_malformed_messages_raise_protocol_errors(data, match):
    with pytest.raises(ProtocolError, match=match):
        codec.unpackb(data)


def test_messages_over_the_size_limit_are_refused():
    data = codec.packb({"image": np.zeros((64, 64, 3), np.uint8)})
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        codec.unpackb(data, max_bytes=1000)


def _observation(size=128):
    rng = np.random.default_rng(0)
    state = np.array([0.4, 0.0, 0.3, 0.0, 1.0, 0.0, 0.0, 0.06, *np.linspace(-1, 1, 7)], dtype=np.float32)
    return {
        "images/front": rng.integers(0, 255, (size, size, 3), dtype=np.uint8),
        "images/wrist": rng.integers(0, 255, (size, size, 3), dtype=np.uint8),
        "state": state,
        "instruction": "close the box",
    }


def test_arena_preset_passes_arena_keys_through():
    observation = _observation()
    request = PRESETS["arena"].request(observation)
    assert request.keys() == observation.keys()
    assert request["state"] is observation["state"] and request["images/front"] is observation["images/front"]


def test_libero_preset_gives_openpis_libero_keys_state_and_224px_images():
    observation = _observation()
    request = PRESETS["libero"].request(observation)
    assert sorted(request) == ["observation/image", "observation/state", "observation/wrist_image", "prompt"]
    assert request["prompt"] == "close the box"
    assert request["observation/image"].shape == (224, 224, 3) and request["observation/image"].dtype == np.uint8
    # eef position, axis-angle (a half turn about x here), both fingers' joint positions
    np.testing.assert_allclose(request["observation/state"], [0.4, 0.0, 0.3, np.pi, 0, 0, 0.03, -0.03], atol=1e-6)
    already = _observation(224)
    assert PRESETS["libero"].request(already)["observation/image"] is already["images/front"]


def test_droid_preset_gives_joint_and_gripper_keys():
    request = PRESETS["droid"].request(_observation())
    assert sorted(request) == ["observation/exterior_image_1_left", "observation/gripper_position",
                               "observation/joint_position", "observation/wrist_image_left", "prompt"]  # fmt: skip
    np.testing.assert_allclose(request["observation/joint_position"], np.linspace(-1, 1, 7), atol=1e-6)
    np.testing.assert_allclose(request["observation/gripper_position"], [0.25], rtol=1e-6)  # 6 cm of 8 cm open


def test_resize_with_pad_letterboxes_like_openpi():
    image = np.full((64, 128, 3), 200, np.uint8)
    out = resize_with_pad(image, 224, 224)
    assert out.shape == (224, 224, 3)
    assert out[:56].max() == 0 and out[-56:].max() == 0 and out[56:168].min() == 200


def test_axis_angle_of_the_identity_and_a_quarter_turn():
    np.testing.assert_array_equal(quat_to_axis_angle(np.array([1.0, 0, 0, 0])), np.zeros(3))
    half = np.sqrt(0.5)
    np.testing.assert_allclose(quat_to_axis_angle(np.array([half, 0, 0, half])), [0, 0, np.pi / 2], atol=1e-6)


def test_yaml_mapping_files_are_read_safely_and_checked(tmp_path):
    good = tmp_path / "map.yaml"
    good.write_text("image_size: 96\nkeys:\n  cam: images/left_shoulder\n  pos: [state:tcp_pos, state:gripper_gap]\n"
                    "  text: instruction\n")  # fmt: skip
    mapping = key_mapping(str(good))
    assert mapping.cameras == ("left_shoulder",) and mapping.image_size == 96
    observation = _observation() | {"images/left_shoulder": np.zeros((128, 128, 3), np.uint8)}
    request = mapping.request(observation)
    assert request["cam"].shape == (96, 96, 3) and request["pos"].shape == (4,) and request["text"] == "close the box"
    bad = tmp_path / "bad.yaml"
    bad.write_text("keys:\n  cam: images/ceiling\n")
    with pytest.raises(KeyMappingError, match="images/ceiling.*valid sources"):
        key_mapping(str(bad))
    (tmp_path / "evil.yaml").write_text("keys: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(KeyMappingError, match="not valid YAML"):
        key_mapping(str(tmp_path / "evil.yaml"))
    with pytest.raises(KeyMappingError, match="unknown observation key mapping 'nope'; valid: arena, libero, droid"):
        key_mapping("nope")
    with pytest.raises(KeyMappingError, match="only state sources concatenate"):
        parse_mapping({"keys": {"x": ["instruction", "state"]}}, "inline")


def test_remote_policy_names_carry_client_options_after_the_fragment():
    spec = parse_remote("remote:ws://gpu-box:8000#keys=libero&steps=5&timeout=2.5")
    assert (spec.url, spec.keys, spec.steps, spec.timeout) == ("ws://gpu-box:8000", "libero", 5, 2.5)
    assert with_keys("remote:ws://h:1#steps=5", "droid") == "remote:ws://h:1#keys=droid&steps=5"
    bad_names = {"remote:http://h:1": "expected remote:ws://HOST:PORT", "remote:ws://h:1#color=red": "unknown option",
                 "remote:ws://h:99999": "port", "remote:ws://h:1#steps=0": "steps"}  # fmt: skip
    for bad, match in bad_names.items():
        with pytest.raises(RemotePolicyError, match=match):
            parse_remote(bad)
    with pytest.raises(RemotePolicyError, match="--policy-keys applies to remote"):
        with_keys("expert", "libero")
