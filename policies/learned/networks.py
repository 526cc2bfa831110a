"""The trainable networks: ``vla`` (frozen-feature tokens + instruction + state -> transformer -> action chunk) and
``bc`` (a per-task CNN from raw pixels + state -> action chunk, trained from scratch).

Both take normalised proprioception (:func:`state_features`) and predict a chunk of normalised actions; the policy
(:mod:`arena.policies.learned.policy`) undoes the normalisation and hands the chunk to the harness.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias
from torch import nn

#: Proprioceptive features fed to the networks: TCP position 3, TCP rotation as the first two columns of its matrix 6
#: (continuous, unlike the quaternion, whose sign flips between q and -q), gripper gap 1, joint angles 7.
STATE_FEATURE_DIM = 17
#: The sizes of the two networks (besides cameras, grid and chunk, which come from the data).
DEFAULT_ARCHITECTURES: dict[str, dict[str, Any]] = {
    "vla": {"width": 128, "depth": 3, "heads": 4, "dropout": 0.1},
    "bc": {"channels": 32, "hidden": 256, "pool": 2},
}


def state_features(state: np.ndarray) -> np.ndarray:
    """(N, 15) Arena states (``arena.env.STATE_LAYOUT``) -> (N, 17) network inputs (rotation as a 6-D matrix part)."""
    state = np.asarray(state, dtype=np.float64).reshape(-1, 15)
    w, x, y, z = (state[:, 3 + i] for i in range(4))
    first = np.stack([1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)], axis=1)
    second = np.stack([2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)], axis=1)
    return np.concatenate([state[:, :3], first, second, state[:, 7:]], axis=1).astype(np.float32)


class VLANet(nn.Module):
    """A small vision-language-action transformer over frozen encoder features.

    Tokens: each camera's EfficientNet-Lite0 feature map cell (projected from 1280 channels, with a learned camera and
    position embedding), one instruction token (all-MiniLM-L6-v2), one state token and ``chunk`` action queries. A
    pre-norm transformer encoder mixes them; each query's output is one step of the action chunk.
    """

    def __init__(self, cameras: int, grid: int, chunk: int, action_dim: int = 7, image_dim: int = 1280,
                 text_dim: int = 384, state_dim: int = STATE_FEATURE_DIM, width: int = 128, depth: int = 3,
                 heads: int = 4, dropout: float = 0.1) -> None:  # fmt: skip
        super().__init__()
        self.chunk = chunk
        self.image_norm = nn.LayerNorm(image_dim)
        self.image_proj = nn.Linear(image_dim, width)
        self.image_pos = nn.Parameter(torch.randn(cameras * grid * grid, width) * 0.02)
        self.text_proj = nn.Linear(text_dim, width)
        self.state_proj = nn.Linear(state_dim, width)
        self.queries = nn.Parameter(torch.randn(chunk, width) * 0.02)
        layer = nn.TransformerEncoderLayer(
            width, heads, dim_feedforward=2 * width, dropout=dropout, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, action_dim))

    def forward(self, images: torch.Tensor, text: torch.Tensor, state: torch.Tensor) -> torch.Tensor:
        """``images`` (B, cameras, 1280, grid, grid), ``text`` (B, 384), ``state`` (B, 17) -> (B, chunk, action_dim)."""
        batch = images.shape[0]
        tokens = images.float().permute(0, 1, 3, 4, 2).reshape(batch, -1, images.shape[2])
        tokens = self.image_proj(self.image_norm(tokens)) + self.image_pos
        context = torch.stack([self.text_proj(text), self.state_proj(state)], dim=1)
        queries = self.queries.expand(batch, -1, -1)
        out = self.encoder(torch.cat([context, tokens, queries], dim=1))
        return self.head(out[:, -self.chunk :])


class SpatialSoftmax(nn.Module):
    """Expected image coordinates of each feature channel (Levine et al.'s keypoints): (B, C, H, W) -> (B, 2C)."""

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = features.shape
        weights = F.softmax(features.reshape(batch, channels, -1), dim=-1).reshape(batch, channels, height, width)
        ys = torch.linspace(-1, 1, height, device=features.device)
        xs = torch.linspace(-1, 1, width, device=features.device)
        return torch.cat([(weights.sum(3) * ys).sum(2), (weights.sum(2) * xs).sum(2)], dim=1)


class BCNet(nn.Module):
    """A behaviour-cloning baseline learned from scratch: a shared 3-layer CNN per camera with spatial-softmax
    keypoints, concatenated with the state, into an MLP that outputs an action chunk."""

    def __init__(self, cameras: int, chunk: int, action_dim: int = 7, state_dim: int = STATE_FEATURE_DIM,
                 channels: int = 32, hidden: int = 256, pool: int = 2) -> None:  # fmt: skip
        super().__init__()
        self.chunk, self.action_dim, self.pool = chunk, action_dim, pool
        self.trunk = nn.Sequential(
            nn.Conv2d(3, channels, 5, stride=2, padding=2), nn.GroupNorm(8, channels), nn.ReLU(),
            nn.Conv2d(channels, channels * 2, 3, stride=2, padding=1), nn.GroupNorm(8, channels * 2), nn.ReLU(),
            nn.Conv2d(channels * 2, channels * 2, 3, stride=1, padding=1), SpatialSoftmax(),
        )  # fmt: skip
        self.mlp = nn.Sequential(
            nn.Linear(cameras * channels * 4 + state_dim, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, chunk * action_dim),
        )  # fmt: skip

    def forward(self, images: torch.Tensor, text: torch.Tensor | None, state: torch.Tensor) -> torch.Tensor:
        """``images`` uint8 (B, cameras, H, W, 3), ``state`` (B, 17) -> (B, chunk, action_dim); ``text`` is unused
        (one network per task)."""
        batch, cameras = images.shape[:2]
        x = images.reshape(batch * cameras, *images.shape[2:]).permute(0, 3, 1, 2).float() / 255.0
        if self.pool > 1:
            x = F.avg_pool2d(x, self.pool)
        keypoints = self.trunk(x).reshape(batch, -1)
        return self.mlp(torch.cat([keypoints, state], dim=1)).reshape(batch, self.chunk, self.action_dim)


def build_network(kind: str, architecture: dict[str, Any]) -> nn.Module:
    """The network a checkpoint's ``policy`` and ``architecture`` describe."""
    return {"vla": VLANet, "bc": BCNet}[kind](**architecture)
