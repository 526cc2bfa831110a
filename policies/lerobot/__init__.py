"""LeRobot adapters (installed as ``arena.policies.lerobot``), with no import of ``lerobot``.

``env`` presents an Arena env as LeRobot's evaluation expects gym envs; ``policy`` wraps an object with LeRobot's
policy interface as an Arena policy. Both follow lerobot 0.6.2 (commit 7427f31: ``envs/utils.py``
``preprocess_observation``, ``scripts/lerobot_eval.py`` ``rollout``, ``policies/pretrained.py``).
"""
