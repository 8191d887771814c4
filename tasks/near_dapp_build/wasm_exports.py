"""The exported function names of a wasm module, read on the host from the built file (one linear pass).

A NEAR contract exports one function per public contract method, so this lists what a client can call. The
file comes out of a sandbox step that only compiles, and is parsed here with bounds checks: a malformed module
raises ``ValueError``, never hangs or reads past the end.
"""

from __future__ import annotations


def _leb(data: bytes, i: int) -> tuple[int, int]:
    """An unsigned LEB128 (at most 5 bytes, as wasm's u32) at ``i``; the value and the next index."""
    result = 0
    for shift in range(0, 35, 7):
        if i >= len(data):
            raise ValueError("truncated LEB128")
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, i
    raise ValueError("LEB128 longer than 5 bytes")


def exported_functions(data: bytes) -> list[str]:
    """Names of the function exports (kind 0) of the module's export section, in order."""
    if data[:4] != b"\0asm" or len(data) < 8:
        raise ValueError("not a wasm module")
    names, i = [], 8
    while i < len(data):
        section = data[i]
        size, j = _leb(data, i + 1)
        end = j + size
        if end > len(data):
            raise ValueError("section runs past the end of the module")
        if section == 7:  # export section: vec(name, kind, index)
            count, j = _leb(data, j)
            for _ in range(count):
                length, j = _leb(data, j)
                if j + length + 1 > end:
                    raise ValueError("export entry runs past its section")
                name = data[j : j + length].decode("utf-8", "replace")
                kind = data[j + length]
                _, j = _leb(data, j + length + 1)
                if kind == 0:
                    names.append(name)
            return names
        i = end
    return names
