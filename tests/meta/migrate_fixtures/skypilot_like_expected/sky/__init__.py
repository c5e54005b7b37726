"""Stand-in for SkyPilot\x27s package root."""
