"""The fuzzer's own logic: reproducible inputs, and the comparison's exclusions (which
must explain a difference exactly, never hide another one)."""

from __future__ import annotations

import json

from compat_tests.fuzz.__main__ import _unknown_transport
from compat_tests.fuzz.inputs import generate


def test_a_seed_reproduces_its_inputs() -> None:
    first = generate(7, 300)
    assert first == generate(7, 300)
    assert first != generate(8, 300)
    assert [item["id"] for item in first] == list(range(300))
    json.dumps(first)  # every input is plain JSON for both runners


def test_inputs_cover_every_kind() -> None:
    fns = {item["fn"] for item in generate(1, 2000)}
    assert {"stream_socket_client", "stream_socket_server", "fsockopen", "@accept",
            "@context", "fread"} <= fns  # fmt: skip


def test_unknown_transport_is_recognised_from_the_address() -> None:
    """Only an unknown scheme with ``$errno`` passed (the first by-reference argument,
    where the exclusion drops ``refs[0]``)."""

    def client(address: str, errno: bool = True) -> dict[str, object]:
        return {"fn": "stream_socket_client", "args": [{"s": address}, *[{"ref": None}] * errno]}

    assert _unknown_transport(client("foo://127.0.0.1:80"))
    assert not _unknown_transport(client("foo://127.0.0.1:80", errno=False))
    assert not _unknown_transport(client("tcp://127.0.0.1:80"))
    assert not _unknown_transport(client("127.0.0.1:80"))
    fsock = {"fn": "fsockopen", "args": [{"s": "foo://x"}, {"i": "80"}, {"ref": None}]}
    assert _unknown_transport(fsock)
    assert not _unknown_transport({"fn": "fsockopen", "args": [{"s": "foo://x"}]})
