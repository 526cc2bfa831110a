"""fridge shapes (filled in by the task that needs them)."""
