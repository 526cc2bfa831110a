"""The evaluation layer: the protocol, the episode runner, local and Ray backends, the result schema and files,
the report and contact sheets.

Modules are imported directly (``arena.eval.evaluation``, ``arena.eval.schema`` ...). The protocol, the schema and
the results files import no simulator, so tools that only read results (the leaderboard) stay light.
"""
