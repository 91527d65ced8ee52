#!/usr/bin/env python3
"""Valid .npy tensors that the engine once crashed or hung on (issue 16); the CLI tests analyze
each and expect a result, its notes and no crash. Pure Python (no NumPy): run from this folder."""
import struct


def save(name, values, shape):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % dims
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(name, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%df" % len(values), *values))


save("zeros_and_subnormals.npy", [1e-40 if i % 2 else 0.0 for i in range(64)], [64])
save("near_float_max.npy", [3.4028234663852886e38, -3.4028234663852886e38, 3.3e38, 1.0] * 16, [64])
save("empty_16385x0.npy", [], [16385, 0])
save("empty_4097x0.npy", [], [4097, 0])
save("empty_0x2e62.npy", [], [0, 2**62])
save("empty_2e40x0.npy", [], [2**40, 0])
