"""Instructions per call of the three string functions, for callgrind (docs/benchmarks.md).

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python bench/callgrind_string.py FUNCTION N

Run it for N = 0 and N = 50000 (and FUNCTION = loop, the empty loop): the difference of the two
totals over N, minus the empty loop's, is one call as Python code makes it. ``sky_rs_string`` is
whichever build comes first on ``sys.path`` (``PYTHONPATH=<dir holding a built sky_rs_string>``).
"""

from __future__ import annotations

import random
import sys
import uuid

import sky_rs_string

name, n = sys.argv[1], int(sys.argv[2])
hex_str = uuid.UUID(int=random.Random(4).getrandbits(128), version=4).hex
sentence = "The quick brown fox jumps over the lazy dog by the big lake."
b36 = sky_rs_string.base36_encode
ff = sky_rs_string.format_float
tls = sky_rs_string.truncate_long_string
calls = range(n)
if name == "base36_encode":
    for _ in calls:
        b36(hex_str)
elif name == "format_float":
    for _ in calls:
        ff(3.14159, 2)
elif name == "truncate_long_string":
    for _ in calls:
        tls(sentence)
else:
    for _ in calls:
        pass
