"""Resource numbers (``_resources``): one counter per emulated PHP process.

PHP's own numbering is proven by compat_tests/cases/resources/numbering.case against
7.4, 8.2 and 8.4 (and every case's records carry the numbers); these tests pin the
parts a case cannot see: separate runtimes, the counter's start, the casts.
"""

from __future__ import annotations

import pytest

import phpstreams.php74 as php74
import phpstreams.php84 as php84
from phpstreams._phpvalues import to_long, to_php_string
from phpstreams._resources import ResourceIds
from phpstreams._stream import MemoryStream


def test_first_number_follows_the_cli_standard_streams() -> None:
    ids = ResourceIds()
    assert [ids.allocate(), ids.allocate()] == [4, 5]


def test_each_release_numbers_its_own_resources() -> None:
    """Two facades are two PHP processes: a context made in one does not move the
    other's count."""
    before = php84.RUNTIME.resources.last
    ctx = php74.stream_context_create()
    assert int(ctx) == php74.RUNTIME.resources.last
    assert php84.RUNTIME.resources.last == before
    assert int(php84.stream_context_create()) == before + 1


def test_get_resource_id_is_php_8_only() -> None:
    assert not hasattr(php74, "get_resource_id")
    ctx = php84.stream_context_create()
    assert php84.get_resource_id(ctx) == int(ctx)
    with pytest.raises(TypeError, match=r"must be of type resource, int given"):
        php84.get_resource_id(5)


def test_php_conversions_of_a_resource() -> None:
    """``zval_get_long`` is the number, ``zval_get_string`` PHP's "Resource id #N"."""
    m = MemoryStream("MEMORY", 8192, "php://memory", resources=ResourceIds(41))
    assert (to_long(m), to_php_string(m)) == (42, "Resource id #42")


def test_temp_spill_takes_one_number_once() -> None:
    ids = ResourceIds()
    t = MemoryStream("TEMP", 8192, "php://temp", resources=ids, max_memory=4)
    assert (int(t), ids.last) == (4, 5)  # the temp stream, then the memory stream inside
    t.write(b"abc")
    assert ids.last == 5
    t.write(b"d")  # 3 + 1 >= 4: PHP moves the data into a temporary file stream
    t.write(b"efgh")
    assert ids.last == 6
    t.select_fileno()  # already a file: no further stream
    assert ids.last == 6
