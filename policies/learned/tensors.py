"""numpy <-> torch at the edge of adapters that feed torch policies they did not build (LeRobot's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch


def as_tensors(batch: Mapping[str, Any], device: str | None = None) -> dict[str, Any]:
    """Every numpy array of ``batch`` as a torch tensor (on ``device`` when given); other values unchanged."""
    out: dict[str, Any] = {}
    for key, value in batch.items():
        if isinstance(value, np.ndarray):
            tensor = torch.from_numpy(np.ascontiguousarray(value))
            out[key] = tensor.to(device) if device else tensor
        else:
            out[key] = value
    return out


def as_numpy(value: Any) -> np.ndarray:
    """A torch tensor (any device, with or without grad) or array-like as a numpy array."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)
