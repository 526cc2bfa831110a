"""LeRobot's dataset format, version 3.0, written and read with pyarrow (no ``lerobot`` import).

The layout follows LeRobot's own writer (``lerobot/datasets/dataset_writer.py`` and ``dataset_metadata.py``):

```
meta/info.json                                   codebase_version v3.0, fps, features, path templates, totals
meta/stats.json                                  min, max, mean, std, count, q01..q99 per feature
meta/tasks.parquet                               task (the index: the instruction) -> task_index
meta/episodes/chunk-000/file-000.parquet         one row per episode: length, tasks, offsets, per-episode stats
data/chunk-000/file-000.parquet                  one row per frame
videos/observation.images.<cam>/chunk-000/file-000.mp4   every episode's frames, back to back
```

Episodes are concatenated into shared files; an episode's rows are ``dataset_from_index:dataset_to_index`` of the
data and its frames ``[from_timestamp, to_timestamp)`` of each camera's video. Extra per-episode columns (Arena
puts each episode's ``EpisodeConfig`` in ``arena/episode_config``) ride along in the episodes table, which
LeRobot loads whole; ``docs/datasets.md`` documents every field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from arena.data.video import CODEC, PIX_FMT, read_video
from arena.errors import ArenaError

CODEBASE_VERSION = "v3.0"
CHUNKS_SIZE = 1000
DATA_FILES_SIZE_IN_MB = 100
VIDEO_FILES_SIZE_IN_MB = 200
CHUNK_FILE = "chunk-{chunk_index:03d}/file-{file_index:03d}"
DATA_PATH = "data/" + CHUNK_FILE + ".parquet"
VIDEO_PATH = "videos/{video_key}/" + CHUNK_FILE + ".mp4"
EPISODES_PATH = "meta/episodes/" + CHUNK_FILE + ".parquet"
INFO_PATH = "meta/info.json"
STATS_PATH = "meta/stats.json"
TASKS_PATH = "meta/tasks.parquet"
QUANTILES = (0.01, 0.10, 0.50, 0.90, 0.99)
QUANTILE_KEYS = tuple(f"q{int(q * 100):02d}" for q in QUANTILES)
#: Per-frame bookkeeping columns every LeRobot dataset has.
INDEX_FEATURES: dict[str, dict[str, Any]] = {
    "timestamp": {"dtype": "float32", "shape": [1], "names": None},
    "frame_index": {"dtype": "int64", "shape": [1], "names": None},
    "episode_index": {"dtype": "int64", "shape": [1], "names": None},
    "index": {"dtype": "int64", "shape": [1], "names": None},
    "task_index": {"dtype": "int64", "shape": [1], "names": None},
}


class DatasetFormatError(ArenaError, ValueError):
    """A folder that is not a LeRobot v3.0 dataset Arena can read: the message names the file and the problem."""


def image_key(camera: str) -> str:
    """The feature name of a camera's frames: ``observation.images.<camera>``."""
    return f"observation.images.{camera}"


def video_feature(height: int, width: int, fps: int) -> dict[str, Any]:
    """A ``video`` feature entry as LeRobot's writer fills it in from the first encoded file."""
    info = {
        "video.height": height, "video.width": width, "video.codec": CODEC, "video.pix_fmt": PIX_FMT,
        "video.is_depth_map": False, "video.fps": fps, "video.channels": 3, "has_audio": False,
    }  # fmt: skip
    return {"dtype": "video", "shape": [height, width, 3], "names": ["height", "width", "channels"], "info": info}


def info_json(features: Mapping[str, Any], fps: int, total_episodes: int, total_frames: int, total_tasks: int,
              robot_type: str) -> dict[str, Any]:  # fmt: skip
    """The content of ``meta/info.json``."""
    return {
        "codebase_version": CODEBASE_VERSION,
        "robot_type": robot_type,
        "total_episodes": total_episodes,
        "total_frames": total_frames,
        "total_tasks": total_tasks,
        "chunks_size": CHUNKS_SIZE,
        "data_files_size_in_mb": DATA_FILES_SIZE_IN_MB,
        "video_files_size_in_mb": VIDEO_FILES_SIZE_IN_MB,
        "fps": fps,
        "splits": {"train": f"0:{total_episodes}"},
        "data_path": DATA_PATH,
        "video_path": VIDEO_PATH,
        "features": dict(features),
    }


# ------------------------------------------------------------------------------------------------ statistics
def vector_stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """LeRobot's statistics of a (N, D) feature: per-dimension min, max, mean, std, quantiles, and the count."""
    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    stats = {
        "min": values.min(0), "max": values.max(0), "mean": values.mean(0), "std": values.std(0),
        "count": np.array([len(values)]),
    }  # fmt: skip
    for key, q in zip(QUANTILE_KEYS, np.quantile(values, QUANTILES, axis=0), strict=True):
        stats[key] = q
    return stats


def image_stats(frames: np.ndarray) -> dict[str, np.ndarray]:
    """Per-channel statistics of uint8 (T, H, W, 3) frames scaled to [0, 1], each shaped (3, 1, 1) like LeRobot's."""
    pixels = np.asarray(frames, dtype=np.float64).reshape(-1, 3) / 255.0
    stats = vector_stats(pixels)
    return {k: v if k == "count" else v.reshape(3, 1, 1) for k, v in stats.items()} | {"count": np.array([len(frames)])}


def aggregate_stats(parts: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Combine per-episode statistics the way LeRobot does: exact min/max/mean/std, count-weighted quantiles."""
    counts = np.array([float(p["count"][0]) for p in parts])
    weights = counts / counts.sum()
    shape = np.asarray(parts[0]["mean"]).shape
    w = weights.reshape(-1, *([1] * len(shape)))
    means = np.stack([p["mean"] for p in parts])
    mean = (w * means).sum(0)
    variance = (w * (np.stack([p["std"] for p in parts]) ** 2 + (means - mean) ** 2)).sum(0)
    out = {
        "min": np.min(np.stack([p["min"] for p in parts]), 0),
        "max": np.max(np.stack([p["max"] for p in parts]), 0),
        "mean": mean,
        "std": np.sqrt(variance),
        "count": np.array([int(counts.sum())]),
    }
    for key in QUANTILE_KEYS:
        out[key] = (w * np.stack([p[key] for p in parts])).sum(0)
    return out


def stats_to_json(stats: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, dict[str, Any]]:
    """Statistics as nested lists (``meta/stats.json``)."""
    return {feature: {k: np.asarray(v).tolist() for k, v in s.items()} for feature, s in stats.items()}


# ------------------------------------------------------------------------------------------------ tables
def _arrow_type(feature: Mapping[str, Any]) -> pa.DataType:
    scalar = pa.from_numpy_dtype(np.dtype(feature["dtype"]))
    shape = list(feature["shape"])
    return scalar if shape == [1] else pa.list_(scalar, shape[0])


def _hf_feature(feature: Mapping[str, Any]) -> dict[str, Any]:
    """The ``datasets`` feature LeRobot builds for a column (``get_hf_features_from_features``)."""
    value = {"dtype": feature["dtype"], "_type": "Value"}
    if list(feature["shape"]) == [1]:
        return value
    return {"feature": value, "length": feature["shape"][0], "_type": "List"}


def write_frames_table(path: Path, columns: Mapping[str, np.ndarray], features: Mapping[str, Any]) -> None:
    """The per-frame parquet file: fixed-size lists for vectors, plain columns for scalars, with the Hugging Face
    ``datasets`` schema metadata LeRobot's own files carry."""
    names = [name for name, f in features.items() if f["dtype"] != "video"]
    arrays = []
    for name in names:
        values = np.asarray(columns[name], dtype=features[name]["dtype"])
        if list(features[name]["shape"]) == [1]:
            arrays.append(pa.array(values.reshape(-1)))
        else:
            flat = pa.array(values.reshape(-1))
            arrays.append(pa.FixedSizeListArray.from_arrays(flat, type=_arrow_type(features[name])))
    schema = pa.schema([pa.field(n, _arrow_type(features[n])) for n in names])
    hf = {"info": {"features": {n: _hf_feature(features[n]) for n in names}}}
    table = pa.Table.from_arrays(arrays, schema=schema.with_metadata({"huggingface": json.dumps(hf)}))
    _write_parquet(table, path)


def write_tasks_table(path: Path, tasks: Sequence[str]) -> None:
    """``meta/tasks.parquet``: the pandas frame LeRobot writes, indexed by ``task`` with a ``task_index`` column."""
    pandas_meta = {
        "index_columns": ["task"],
        "column_indexes": [{"name": None, "field_name": None, "pandas_type": "unicode", "numpy_type": "object",
                            "metadata": {"encoding": "UTF-8"}}],
        "columns": [
            {"name": "task_index", "field_name": "task_index", "pandas_type": "int64", "numpy_type": "int64",
             "metadata": None},
            {"name": "task", "field_name": "task", "pandas_type": "unicode", "numpy_type": "object", "metadata": None},
        ],
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": "2.2.0",
    }  # fmt: skip
    schema = pa.schema([("task_index", pa.int64()), ("task", pa.string())])
    table = pa.Table.from_arrays(
        [pa.array(range(len(tasks)), pa.int64()), pa.array(list(tasks), pa.string())],
        schema=schema.with_metadata({"pandas": json.dumps(pandas_meta)}),
    )
    _write_parquet(table, path)


def write_rows_table(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """A parquet table from a list of same-keyed rows (the episodes metadata), types inferred by pyarrow."""
    table = pa.Table.from_pylist([dict(row) for row in rows])
    _write_parquet(table, path)


def _write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    pq.write_table(table, temporary, compression="snappy")
    temporary.replace(path)


def write_json(path: Path, content: Any) -> None:
    """Indented JSON, replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(json.dumps(content, indent=4) + "\n")
    temporary.replace(path)


# ------------------------------------------------------------------------------------------------ reading
@dataclass
class LeRobotDataset:
    """A LeRobot v3.0 dataset on disk, read with pyarrow: metadata, per-frame columns and decoded video frames.

    This is the reading side Arena's training needs (the whole table in memory, frames decoded per episode), not a
    replacement for LeRobot's ``LeRobotDataset``; the files are the same either way.
    """

    root: Path
    info: dict[str, Any] = field(init=False)
    stats: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        info_path = self.root / INFO_PATH
        if not info_path.is_file():
            raise DatasetFormatError(f"{self.root} is not a LeRobot dataset: {INFO_PATH} is missing")
        self.info = json.loads(info_path.read_text())
        version = self.info.get("codebase_version")
        if version != CODEBASE_VERSION:
            raise DatasetFormatError(
                f"{info_path}: codebase_version {version!r}; Arena reads LeRobot datasets of {CODEBASE_VERSION!r}"
            )
        self.stats = json.loads((self.root / STATS_PATH).read_text())

    @property
    def fps(self) -> int:
        return int(self.info["fps"])

    @property
    def features(self) -> dict[str, Any]:
        return self.info["features"]

    @property
    def cameras(self) -> list[str]:
        """Cameras with video features, in the dataset's order."""
        prefix = "observation.images."
        return [k[len(prefix) :] for k, f in self.features.items() if k.startswith(prefix) and f["dtype"] == "video"]

    @cached_property
    def episodes(self) -> list[dict[str, Any]]:
        """One dict per episode, in episode order (every column of ``meta/episodes``)."""
        files = sorted((self.root / "meta" / "episodes").glob("*/*.parquet"))
        if not files:
            raise DatasetFormatError(f"{self.root}: no episode metadata under meta/episodes/")
        rows = [row for f in files for row in pq.read_table(f).to_pylist()]
        return sorted(rows, key=lambda row: row["episode_index"])

    @cached_property
    def tasks(self) -> list[str]:
        """Task strings (instructions) by ``task_index``."""
        table = pq.read_table(self.root / TASKS_PATH).to_pydict()
        order = np.argsort(table["task_index"])
        return [table["task"][i] for i in order]

    @cached_property
    def frames(self) -> dict[str, np.ndarray]:
        """Every non-video column of ``data/`` as numpy arrays, in global frame order."""
        files = sorted((self.root / "data").glob("*/*.parquet"))
        if not files:
            raise DatasetFormatError(f"{self.root}: no frame data under data/")
        table = pa.concat_tables([pq.read_table(f) for f in files])
        columns = {}
        for name in table.column_names:
            column = table.column(name).combine_chunks()
            if pa.types.is_fixed_size_list(column.type):
                columns[name] = column.flatten().to_numpy().reshape(len(column), column.type.list_size)
            else:
                columns[name] = column.to_numpy()
        order = np.argsort(columns["index"], kind="stable")
        return {name: values[order] for name, values in columns.items()}

    def episode_frames(self, episode: Mapping[str, Any], camera: str) -> np.ndarray:
        """The decoded frames (T, H, W, 3) of one episode from one camera, located by its timestamps."""
        key = image_key(camera)
        path = self.root / self.info["video_path"].format(
            video_key=key,
            chunk_index=episode[f"videos/{key}/chunk_index"],
            file_index=episode[f"videos/{key}/file_index"],
        )
        start = float(episode[f"videos/{key}/from_timestamp"])
        frames = read_video(path, start, episode["length"])
        if len(frames) != episode["length"]:
            raise DatasetFormatError(
                f"{path}: episode {episode['episode_index']} has {episode['length']} frames from {start:.3f} s, "
                f"the file gave {len(frames)}"
            )
        return frames
