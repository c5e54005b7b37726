import sky.utils.common_utils


def port() -> int:
    return sky.utils.common_utils.find_free_port(10000)


def memory() -> str:
    return sky.utils.common_utils.format_float(sky.utils.common_utils.get_mem_size_gb())
