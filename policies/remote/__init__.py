"""Remote policies over openpi's wire protocol (installed as ``arena.policies.remote``).

``codec`` packs observations and actions as msgpack with numpy arrays (byte-compatible with openpi-client),
``keys`` maps Arena observations to a server's keys (presets ``arena``, ``libero``, ``droid`` or a YAML file),
``client`` is the ``remote:ws://HOST:PORT`` policy, ``server`` is ``arena serve`` (batched inference), and
``transport`` is the one module that imports ``websockets``. Needs the ``remote`` extra (websockets, msgpack).
"""
