"""Pure-Python implementations, one module per domain. Import them via ``sky_rs.fallback``."""
