"""Print the exported function names of a wasm module, one per line (stdlib only; runs inside the sandbox).

A NEAR contract exports one function per public contract method, so this lists what a client can call.
Usage: python3 near_wasm_exports.py contract.wasm
"""

import sys


def _leb(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def exported_functions(data: bytes) -> list[str]:
    if data[:4] != b"\0asm":
        raise ValueError("not a wasm module")
    names, i = [], 8
    while i < len(data):
        section, j = data[i], i + 1
        size, j = _leb(data, j)
        if section == 7:  # export section: vec(name, kind, index)
            count, j = _leb(data, j)
            for _ in range(count):
                length, j = _leb(data, j)
                name = data[j : j + length].decode("utf-8", "replace")
                kind = data[j + length]
                _, j = _leb(data, j + length + 1)
                if kind == 0:
                    names.append(name)
            return names
        i = j + size
    return names


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as fh:
        print("\n".join(exported_functions(fh.read())))
