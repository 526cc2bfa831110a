"""The spec layer: what an episode *is*, before any simulator exists.

Task specs (``tasks/<Name>.yaml``), success predicates, the expert-plan language, axis names, the perturbation
axes' value sampling and :class:`EpisodeConfig`. Nothing in this package imports MuJoCo: a test imports it in a
fresh interpreter and checks ``sys.modules``.
"""

from arena.spec.axis_names import ALL_AXIS, AXIS_NAMES, NONE_AXIS, PERTURBATION_AXES
from arena.spec.episode import PROTOCOL_VERSION, EpisodeConfig
from arena.spec.sampling import coerce_config, parse_perturbations, sample_episode
from arena.spec.task import ObjectSpec, TaskSpec, load_task, task_names

__all__ = [
    "ALL_AXIS",
    "AXIS_NAMES",
    "NONE_AXIS",
    "PERTURBATION_AXES",
    "PROTOCOL_VERSION",
    "EpisodeConfig",
    "ObjectSpec",
    "TaskSpec",
    "coerce_config",
    "load_task",
    "parse_perturbations",
    "sample_episode",
    "task_names",
]
