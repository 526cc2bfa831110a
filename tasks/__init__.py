"""Task definitions (one YAML file per task); installed as package data ``arena.task_files``."""
