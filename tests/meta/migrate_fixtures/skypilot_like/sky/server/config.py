"""Server configuration: no third-party imports, so sky_rs gets a section of its own."""
import os

from sky.utils import common_utils


def workers():
    cpus = common_utils.get_cpu_count()
    label = common_utils.format_float(common_utils.get_mem_size_gb(),
                                      precision=0)
    return os.environ.get('WORKERS', cpus), label
