"""A test module: mock.patch strings and object patches are left alone on purpose."""
import os
import tempfile
from unittest import mock

import pytest

from sky.utils import common_utils
from sky.utils import subprocess_utils


class TestTail:
    from sky.utils.common_utils import read_last_n_lines  # class-level import

    def test_tail(self, tmp_path):
        path = tmp_path / 'log.txt'
        path.write_text('a\nb\nc\n')
        # A direct call and an attribute call.
        assert self.read_last_n_lines(str(path), 2) == ['b\n', 'c\n']
        assert common_utils.read_last_n_lines(str(path), 1) == ['c\n']

    @mock.patch('sky.utils.common_utils.get_cpu_count', return_value=3)
    def test_threads(self, _):
        # The string above stays: rewriting strings is out of scope.
        assert subprocess_utils.get_parallel_threads() >= 1

    def test_patch_object(self):
        with mock.patch.object(common_utils, 'format_float') as fake:
            fake.return_value = '1'
            assert common_utils.format_float(1.0) in ('1', '1.0')


@pytest.mark.parametrize('value', [1.0, 2.5])
def test_format(value):
    assert common_utils.format_float(value) == f'{value:.1f}'.rstrip('0').rstrip('.')


def test_fds():
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, 'x'))
        assert subprocess_utils.estimate_fd_for_directory(d) >= 1
        assert common_utils.remove_color('\x1b[31mred\x1b[0m') == 'red'
