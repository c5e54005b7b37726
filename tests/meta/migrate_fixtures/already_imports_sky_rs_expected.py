import os

import sky_rs as srs

# Already migrated by hand.
PORT = srs.find_free_port(8000)


def cpus() -> int:
    return srs.get_cpu_count()


def key(path: str) -> str:
    return srs.hash_file(os.path.expanduser(path), 'md5').hexdigest()
