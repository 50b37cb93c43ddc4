"""What the Autobahn|Python interop peers send and expect; runtime/tests/interop_autobahn.rs
holds the same values on the Rust side."""

ARGS = [
    None,
    True,
    0,
    -1,
    1000,
    2**53,
    -(2**53),
    2**32,
    1.5,
    -0.25,
    "",
    "ünïcödé ✓",
    b"",
    bytes(range(256)),
    [1, "two", None, False, [b"\x07", {"deep": -3}]],
    {"list": [1, "two"], "bytes": b"\x00\x01\x02\xfe\xff", "empty_list": [], "empty_dict": {}},
]

KWARGS = {
    "name": "rust",
    "count": 42,
    "blob": b"\xde\xad\xbe\xef",
    "nested": {"ids": [1, 2, 3], "flags": {"on": True, "off": False}},
}

# The Python type of each positional arg as a callee sees it.
ARG_TYPES = [type(arg).__name__ for arg in ARGS]


def transport(url: str, serializer: str) -> dict:
    """An autobahn Component transport for a ws:// or rs:// URL and one serializer."""
    if url.startswith("rs://"):
        return {"type": "rawsocket", "url": url, "serializer": serializer, "max_retries": 0}
    return {"type": "websocket", "url": url, "serializers": [serializer], "max_retries": 0}
