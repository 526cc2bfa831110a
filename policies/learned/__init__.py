"""Learned policies: frozen pretrained encoders, the ``vla`` and ``bc`` networks, training and checkpoints.

Importing this package loads no torch: the heavy modules below it (encoders, networks, training, the checkpoint
policy) import torch themselves and are imported only when a learned policy is trained or loaded. Install them
with the ``learning`` extra.
"""
