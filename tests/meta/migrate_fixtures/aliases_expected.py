from sky.utils.common_utils import retry as retry_fn
from sky_rs import hash_file as _hash, format_float as ff
from sky_rs import get_max_workers_for_file_mounts as max_workers


def checksum(path):
    return _hash(path, 'sha256').hexdigest()


@retry_fn
def describe(mounts, size):
    return f'{ff(size, precision=2)} GB with {max_workers(mounts, {})} workers'
