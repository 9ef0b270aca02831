"""The "check yourself" exercises: a checker core and one module per notebook."""
