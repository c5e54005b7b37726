import sky_rs


def port() -> int:
    return sky_rs.find_free_port(10000)


def memory() -> str:
    return sky_rs.format_float(sky_rs.get_mem_size_gb())
