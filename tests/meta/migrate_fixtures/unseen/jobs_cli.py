# -*- coding: utf-8 -*-
"""A CLI-ish module mixing every import style (and names that only look alike)."""
import argparse
import sys

import sky.utils.subprocess_utils
from sky.utils import common_utils as utils
from sky.utils.common_utils import (  # the fast bits move; the rest stays
    check_cluster_name_is_valid,
    find_free_port,
    get_cpu_count as cpus,  # aliased on purpose
    make_decorator,
)


def get_max_workers_for_file_mounts(mounts):  # our own, NOT SkyPilot's
    return len(mounts)


def parse(argv=None, *, default_port=find_free_port(46580)):
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=default_port)
    parser.add_argument('--workers', type=int,
                        default=sky.utils.subprocess_utils.get_max_workers_for_file_mounts(
                            {}, None))
    parser.add_argument('--threads', type=int, default=cpus())
    return parser.parse_args(argv)


def tail(path, n=10, *, utils=None):
    if utils is not None:  # an injected fake wins
        return utils.read_last_n_lines(path, n)
    proc = sky.utils.subprocess_utils.run(f'tail -n {n} {path}', capture_output=True)
    return [line.rstrip() for line in proc.stdout.decode().splitlines()]


def main() -> int:
    args = parse()
    check_cluster_name_is_valid('sky-jobs')
    workers = get_max_workers_for_file_mounts({'a': 'b'})  # local function
    threads = sky.utils.subprocess_utils.get_parallel_threads('kubernetes')
    print(f'port={args.port} workers={workers}/{args.workers} '
          f'threads={threads} '
          f'alive={sky.utils.subprocess_utils.is_process_alive(1)} '
          f'mem={utils.format_float(utils.get_mem_size_gb(), precision=0)}',
          file=sys.stderr)
    return 0


deco = make_decorator


if __name__ == '__main__':
    sys.exit(main())
