"""Stand-in for sky.utils."""
