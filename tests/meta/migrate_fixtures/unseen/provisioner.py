"""A provisioner-style module: lots of imports, a TYPE_CHECKING block, classes."""
# Standard library first.
import functools
import logging
import os
import typing
from typing import Any, Dict, List, Optional

from sky import exceptions  # error types
from sky import sky_logging
from sky.utils import common_utils  # hashing, formatting
from sky.utils import resources_utils
from sky.utils import subprocess_utils
from sky.utils import ux_utils

if typing.TYPE_CHECKING:
    # Only for annotations.
    from sky import resources as resources_lib

logger = sky_logging.init_logger(__name__)
_DEFAULT_THREADS = subprocess_utils.get_parallel_threads()  # computed at import


class NodeReport:
    """Summarise a node for `sky status`."""

    def __init__(self, name: str, mem_gb: Optional[float] = None) -> None:
        self.name = common_utils.truncate_long_string(name, 30)  # fit the table
        self.mem_gb = (mem_gb if mem_gb is not None else
                       common_utils.get_mem_size_gb())

    def row(self) -> List[str]:
        # format_float keeps one decimal by default.
        return [self.name, common_utils.format_float(self.mem_gb)]

    @functools.lru_cache(maxsize=None)
    def fingerprint(self, path: str) -> str:
        digest = common_utils.hash_file(os.path.expanduser(path),
                                        'sha256')  # large files are fine
        return common_utils.base36_encode(digest.hexdigest())[:8]


def provision(resources: 'resources_lib.Resources',
              nodes: List[str],
              env: Optional[Dict[str, Any]] = None) -> List[str]:
    """Start nodes in parallel; not migrated helpers stay on their modules."""
    del env  # unused
    if not nodes:
        raise exceptions.ResourcesUnavailableError('no nodes')
    with ux_utils.print_exception_no_traceback():
        resources_utils.make_ray_custom_resources_str(resources)
    results = subprocess_utils.run_in_parallel(
        lambda n: common_utils.format_exception(ValueError(n)),
        nodes,
        num_threads=min(_DEFAULT_THREADS, common_utils.get_cpu_count()),
    )
    logging.debug('provisioned %s', common_utils.class_fullname(NodeReport))
    return results
