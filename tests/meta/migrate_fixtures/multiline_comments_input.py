import logging

from sky.utils.common_utils import (  # pylint: disable=unused-import
    # Naming helpers.
    base36_encode,
    check_cluster_name_is_valid,
    # Read the tail of the run log; used by `sky logs`.
    read_last_n_lines,  # hot path
    truncate_long_string,
    make_cluster_name_on_cloud,  # keep: cloud naming
)

logger = logging.getLogger(__name__)


def cluster_suffix(user_hash: str) -> str:
    check_cluster_name_is_valid('sky-' + user_hash[:4])
    return base36_encode(user_hash)[:4]


def last_line(path: str) -> str:
    lines = read_last_n_lines(path, 1)
    return truncate_long_string(lines[-1] if lines else '', 80)


def cloud_name(name: str) -> str:
    return make_cluster_name_on_cloud(name, max_length=35)
