"""Arena assets (textures and meshes not generated from parametric objects); package data ``arena.asset_files``."""
