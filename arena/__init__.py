"""Arena: a reproducible robot-manipulation generalisation benchmark on MuJoCo.

``import arena`` registers the gymnasium ids ``Arena-<Task>`` and ``Arena-<Task>-<Axis>``.
"""

from arena.registration import register_all, registered_ids

__version__ = "0.1.0"

register_all()

__all__ = ["__version__", "registered_ids"]
