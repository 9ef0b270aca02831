"""Training: a recipe, one runner, and what the notebooks measure (being reshaped)."""
