"""The leaderboard stage: submission bundles (``arena submit``), their validator (``arena leaderboard validate``) and
the static site (``arena leaderboard build``).

It reads the spec layer and the result schema only: validating a bundle recomputes every episode's seed and
config from :mod:`arena.spec` and never loads MuJoCo, and nothing from a bundle is run, imported or unpickled.
Modules are imported directly (``arena.leaderboard.validator`` ...): ``archive`` (safe zip reading and reproducible
writing), ``checksums``, ``manifest`` (``submission.json`` schema), ``grid`` (protocol checks of each record),
``validator``, ``bundle`` (``arena submit``), ``scoring``, ``figures`` and ``site``.
"""
