"""Process helpers, laid out like SkyPilot's subprocess_utils (stand-in code)."""
import os
import typing

import colorama
import sky_rs

from sky.utils import common_utils
from sky.utils import ux_utils


def get_parallel_threads(cloud_str=None):
    del cloud_str
    return max(4, sky_rs.get_cpu_count() - 1)


def digest(path, algorithm):
    value = sky_rs.hash_file(os.path.join(path, 'x'),
                             algorithm)
    return ux_utils.show(colorama.Fore.GREEN, value, typing.Any)


def describe(num):
    return ux_utils.show('cpus', sky_rs.format_float(num,
                                                     precision=2),
                         sky_rs.format_float(
                             num, precision=1))
