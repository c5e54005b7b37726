"""Stand-in for sky.utils.ux_utils."""


def show(*args):
    return args
