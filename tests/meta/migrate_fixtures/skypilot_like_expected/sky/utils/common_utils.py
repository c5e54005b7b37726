"""Stand-ins with the names of SkyPilot's helpers (not SkyPilot's code)."""


def get_cpu_count():
    return 1


def get_mem_size_gb():
    return 1.0


def hash_file(path, algorithm):
    del path, algorithm


def format_float(num, precision=1):
    return f'{num:.{precision}f}'
