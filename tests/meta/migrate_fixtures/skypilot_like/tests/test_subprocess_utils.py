"""Patches as SkyPilot's unit tests write them (stand-in tests)."""
from unittest import mock

from sky.utils import common_utils
from sky.utils import subprocess_utils


def test_threads():
    with mock.patch('sky.utils.subprocess_utils.common_utils.get_cpu_count',
                    return_value=16):
        assert subprocess_utils.get_parallel_threads() == 15


@mock.patch('sky.utils.common_utils.get_cpu_count', return_value=4)
def test_module_patch(cpu_count):
    del cpu_count


def test_object_patch(monkeypatch):
    with mock.patch.object(common_utils, 'get_mem_size_gb', return_value=2):
        pass
    monkeypatch.setattr(subprocess_utils.common_utils, 'hash_file', None)
    monkeypatch.setattr('sky.utils.common_utils.format_float', str)
