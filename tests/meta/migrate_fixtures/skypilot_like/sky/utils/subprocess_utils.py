"""Process helpers, laid out like SkyPilot's subprocess_utils (stand-in code)."""
import os
import typing

import colorama

from sky.utils import common_utils
from sky.utils import ux_utils


def get_parallel_threads(cloud_str=None):
    del cloud_str
    return max(4, common_utils.get_cpu_count() - 1)


def digest(path, algorithm):
    value = common_utils.hash_file(os.path.join(path, 'x'),
                                   algorithm)
    return ux_utils.show(colorama.Fore.GREEN, value, typing.Any)


def describe(num):
    return ux_utils.show('cpus', common_utils.format_float(num,
                                                           precision=2),
                         common_utils.format_float(
                             num, precision=1))
