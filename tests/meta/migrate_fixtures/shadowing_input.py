"""Names that look like SkyPilot's but are not."""
from sky.utils import common_utils


def hash_file(path, alg='md5'):
    """Our own hash_file: never touched."""
    return (path, alg)


def with_param(common_utils):
    # `common_utils` here is the argument, not the module.
    return common_utils.hash_file('x')


def with_local():
    common_utils = FakeUtils()
    return common_utils.get_cpu_count()


class FakeUtils:
    def get_cpu_count(self):
        return 1

    def find_free_port(self, start):
        return self.get_cpu_count() + start


def real():
    return hash_file('y'), common_utils.find_free_port(9000)


def comprehension(paths):
    return [common_utils.hash_file(p, 'md5') for p in paths], [
        c.hash_file(p) for c, p in zip(paths, paths)]
