import sys

import colorama

from sky.utils import common_utils
from sky.utils import ux_utils

logger = None


def show_usage(path: str) -> None:
    lines = common_utils.read_last_n_lines(path, 5)
    print(common_utils.remove_color(''.join(lines)))
    print(colorama.Style.RESET_ALL, file=sys.stderr)


def validate(name: str) -> None:
    with ux_utils.print_exception_no_traceback():
        common_utils.check_cluster_name_is_valid(name)


PORT_FINDER = common_utils.find_free_port
