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
    def client(address: str) -> dict[str, object]:
        return {"fn": "stream_socket_client", "args": [{"s": address}]}

    assert _unknown_transport(client("foo://127.0.0.1:80"))
    assert not _unknown_transport(client("tcp://127.0.0.1:80"))
    assert not _unknown_transport(client("127.0.0.1:80"))
    assert not _unknown_transport({"fn": "fsockopen", "args": [{"s": "foo://x"}]})
