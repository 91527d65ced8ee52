#!/usr/bin/env python3
"""Writes the large hostile files of issue 16 into a folder given on the command line.

They are megabytes each, so they are made when needed (tests/cli, the memory figures in the
report) rather than kept in tests/data. Each one targets a cost that must stay linear in the
file and in proportion to it:
  onnx_many_empty.onnx   1,000,000 empty initializers in a 6 MB file (memory per tensor)
  onnx_same_name.onnx    80,000 initializers that share one name (unique names, linear time)
  onnx_long_name.onnx    an If node with a 1 MB name whose subgraph holds 20,000 initializers
                         (the name must not be copied into each tensor's note)
  st_big_array.safetensors  a 20 MB header holding a shape of 10,000,000 dimensions (refused
                         while parsing, before the array costs memory)
"""
import os
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, payload):
    return varint((number << 3) | 2) + varint(len(payload)) + payload


def empty_tensor(name=b""):
    # dims [0], data_type FLOAT, optional name
    body = field_varint(1, 0) + field_varint(2, 1)
    if name:
        body += field_bytes(8, name)
    return body


def model(graph):
    return field_varint(1, 8) + field_bytes(7, graph)


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)

    def write(name, data):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)

    write("onnx_many_empty.onnx",
          model(b"".join(field_bytes(5, empty_tensor()) for _ in range(1_000_000))))
    write("onnx_same_name.onnx",
          model(b"".join(field_bytes(5, empty_tensor(b"w")) for _ in range(80_000))))
    body = b"".join(field_bytes(5, empty_tensor(b"t%d" % i)) for i in range(20_000))
    attribute = field_bytes(1, b"then_branch") + field_bytes(6, body)
    node = field_bytes(3, b"n" * (1 << 20)) + field_bytes(4, b"If") + field_bytes(5, attribute)
    write("onnx_long_name.onnx", model(field_bytes(1, node)))
    header = b'{"a":{"dtype":"F32","shape":[' + b",".join([b"0"] * 10_000_000) + \
        b'],"data_offsets":[0,0]}}'
    write("st_big_array.safetensors", len(header).to_bytes(8, "little") + header)


if __name__ == "__main__":
    main()
