"""Nothing to migrate: other names, rebound modules, strings and comments."""
from sky.utils.common_utils import format_exception, retry  # hash_file is elsewhere
from sky.utils import common_utils

if common_utils is None:
    common_utils = object()

MESSAGE = 'call common_utils.hash_file(path) to checksum'


def f(path):
    # common_utils.hash_file(path) would be migrated if it were code.
    return common_utils.hash_file(path, 'md5'), format_exception, retry
