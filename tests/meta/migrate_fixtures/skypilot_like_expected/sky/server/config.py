"""Server configuration: no third-party imports, so sky_rs gets a section of its own."""
import os

import sky_rs


def workers():
    cpus = sky_rs.get_cpu_count()
    label = sky_rs.format_float(sky_rs.get_mem_size_gb(),
                                precision=0)
    return os.environ.get('WORKERS', cpus), label
