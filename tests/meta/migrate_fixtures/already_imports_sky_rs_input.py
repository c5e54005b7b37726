import os

import sky_rs as srs
from sky.utils import common_utils

# Already migrated by hand.
PORT = srs.find_free_port(8000)


def cpus() -> int:
    return common_utils.get_cpu_count()


def key(path: str) -> str:
    return common_utils.hash_file(os.path.expanduser(path), 'md5').hexdigest()
