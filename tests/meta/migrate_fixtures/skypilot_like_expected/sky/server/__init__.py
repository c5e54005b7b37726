"""Stand-in for sky.server."""
