"""MP4 video for datasets: deterministic H.264 encoding, lossless concatenation, decoding.

Uses the ffmpeg binary the ``imageio-ffmpeg`` wheel ships (the project's video writer), driven directly so every
flag is ours: H.264 (``libx264``, yuv420p) with a keyframe every 2 frames, as LeRobot encodes for fast random
access, and bit-exact muxing, so the same frames give the same bytes on every run.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from arena.errors import ArenaError

CODEC = "h264"
PIX_FMT = "yuv420p"
#: Constant rate factor: 18 is visually lossless for 128 px renders (the encoders see what the renderer drew).
CRF = 18
#: Keyframe interval (frames): LeRobot's default, so any frame decodes after at most one other.
GOP = 2


class VideoError(ArenaError, RuntimeError):
    """ffmpeg could not write or read a video: the message names the file and ffmpeg's reason."""


def ffmpeg_exe() -> str:
    """The ffmpeg binary inside the ``imageio-ffmpeg`` wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str], path: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", *args], input=stdin, capture_output=True)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise VideoError(f"ffmpeg failed on {path}: {message[-1] if message else 'no message'}")
    return result


def encode_video(frames: np.ndarray, path: str | Path, fps: int) -> Path:
    """Write ``frames`` (T, H, W, 3 uint8 RGB; H and W even) to ``path`` as H.264 MP4, byte-for-byte reproducibly."""
    frames = np.ascontiguousarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise VideoError(f"{path}: frames must be a (T, H, W, 3) uint8 array, got {frames.dtype} {frames.shape}")
    _, height, width, _ = frames.shape
    if height % 2 or width % 2:
        raise VideoError(f"{path}: {PIX_FMT} needs even image sides, got {height}x{width}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [
        "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps),
        "-i", "-", "-c:v", "libx264", "-pix_fmt", PIX_FMT, "-preset", "medium", "-crf", str(CRF), "-g", str(GOP),
        "-threads", "1", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", str(path),
    ]  # fmt: skip
    _run(args, path, frames.tobytes())
    return path


def concat_videos(parts: Sequence[str | Path], path: str | Path) -> Path:
    """Join MP4 files encoded alike into ``path`` without re-encoding (their frames and timestamps run on)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        for part in parts:
            listing.write(f"file '{Path(part).resolve()}'\n")
    try:
        args = ["-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", listing.name, "-c", "copy"]
        _run([*args, "-map_metadata", "-1", "-fflags", "+bitexact", str(path)], path)
    finally:
        Path(listing.name).unlink()
    return path


def read_video(path: str | Path, start: float | None = None, frames: int | None = None) -> np.ndarray:
    """The frames of ``path`` as a (T, H, W, 3) uint8 RGB array: all of them, or ``frames`` frames from the one
    shown at ``start`` seconds (an exact seek: decoding restarts at the keyframe before it)."""
    path = Path(path)
    if not path.is_file():
        raise VideoError(f"no video at {path}")
    probe = _run(["-i", str(path), "-frames:v", "1", "-f", "null", "-"], path)
    size = re.search(r"Stream .*Video: .*?, (\d+)x(\d+)", probe.stderr.decode(errors="replace"))
    if size is None:
        raise VideoError(f"{path} has no video stream")
    width, height = int(size.group(1)), int(size.group(2))
    seek = ["-ss", f"{start:.6f}"] if start else []
    count = ["-frames:v", str(frames)] if frames is not None else []
    args = ["-loglevel", "error", *seek, "-i", str(path), *count, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = _run(args, path).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 3)


def frame_times(path: str | Path) -> np.ndarray:
    """Presentation time (seconds) of every frame of ``path``, as a decoder that seeks by timestamp sees them."""
    path = Path(path)
    result = _run(["-i", str(path), "-vf", "showinfo", "-f", "null", "-"], path)
    times = re.findall(r"pts_time:\s*([0-9.]+)", result.stderr.decode(errors="replace"))
    return np.array([float(t) for t in times])
