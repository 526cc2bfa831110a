"""The sim layer: the scene builder (MjSpec), scene queries, cameras, rendering and episode set-up.

Modules are imported directly (``arena.sim.scene``, ``arena.sim.simulation`` ...): this package file stays empty so
that importing one of them never drags in the rest.
"""
