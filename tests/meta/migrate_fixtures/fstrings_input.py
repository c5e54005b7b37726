from sky.utils import common_utils


def status_line(name: str, cpus: int, mem: float) -> str:
    # Every use below is inside an f-string.
    return (f'{common_utils.truncate_long_string(name, 20):<20} '
            f'cpus={common_utils.get_cpu_count() if cpus < 0 else cpus} '
            f"mem={common_utils.format_float(mem or common_utils.get_mem_size_gb())}GB "
            f'{"ok"!r}')


def nested(x: float) -> str:
    return f'{f"{common_utils.format_float(x, precision=3)}"!s:>{10}}'
