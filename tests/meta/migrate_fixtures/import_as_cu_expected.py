import hashlib

import sky.utils.subprocess_utils as su
import sky_rs


def digest(path: str) -> 'hashlib._Hash':
    return sky_rs.hash_file(path, 'sha1')


def run_all(cmds):
    return su.run_in_parallel(su.run, cmds, num_threads=sky_rs.get_parallel_threads())


def short(s: str) -> str:
    return sky_rs.truncate_long_string(s, 10, truncate_middle=True)
