import sky_rs


def status_line(name: str, cpus: int, mem: float) -> str:
    # Every use below is inside an f-string.
    return (f'{sky_rs.truncate_long_string(name, 20):<20} '
            f'cpus={sky_rs.get_cpu_count() if cpus < 0 else cpus} '
            f"mem={sky_rs.format_float(mem or sky_rs.get_mem_size_gb())}GB "
            f'{"ok"!r}')


def nested(x: float) -> str:
    return f'{f"{sky_rs.format_float(x, precision=3)}"!s:>{10}}'
