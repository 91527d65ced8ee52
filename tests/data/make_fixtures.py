#!/usr/bin/python3
"""Makes the loader fixtures in tests/data/io/ and the hostile corpus in tests/data/hostile/.

Real tools write what they can: NumPy (python3-numpy) the .npy/.npz files, the onnx package
(python3-onnx) the ONNX models, Python's wave module the PCM WAV files. What no tool on a Debian
machine writes is built here byte by byte from the format specs: safetensors, GGUF, float and
EXTENSIBLE WAV, and every hostile file. The outputs are checked in; CI never runs this script.
Run it with Debian's interpreter: /usr/bin/python3 tests/data/make_fixtures.py

tests/data/hostile/expected.txt lists each hostile file with a substring of the error it must
give, including the byte offset ("offset N: ..."); tests/core/io/hostile_test.cpp checks them.
"""
import io
import json
import os
import struct
import wave
import zipfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
IO = os.path.join(HERE, "io")
HOSTILE = os.path.join(HERE, "hostile")


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array)
    else:
        np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


# ---------------------------------------------------------------- NumPy (real tool)
def ramp(n, dtype):
    """(i - 3) * 0.5 for floats, i - 3 for signed, i for unsigned: easy to check in C++."""
    i = np.arange(n)
    if np.dtype(dtype).kind == "f":
        return ((i - 3) * 0.5).astype(dtype)
    if np.dtype(dtype).kind == "i":
        return (i - 3).astype(dtype)
    return i.astype(dtype)


def make_numpy():
    write(IO, "f32_2x3.npy", npy_bytes(ramp(6, "<f4").reshape(2, 3)))
    write(IO, "f64_be.npy", npy_bytes(ramp(5, ">f8")))
    write(IO, "f16.npy", npy_bytes(np.array([0, 1, -2, 65504, 2.0**-24, np.inf], dtype="<f2")))
    for dtype in ["i1", "u1", "<i2", ">i2", "<u2", "<i4", ">u4", "<i8", "<u8"]:
        name = dtype.replace("<", "le_").replace(">", "be_")
        write(IO, "int_%s.npy" % name, npy_bytes(ramp(7, dtype)))
    write(IO, "bool.npy", npy_bytes(np.array([True, False, True])))
    write(IO, "fortran.npy",
          npy_bytes(np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4))))
    write(IO, "v2.npy", npy_bytes(ramp(4, "<f4"), version=(2, 0)))
    write(IO, "v3.npy", npy_bytes(ramp(4, "<f4"), version=(3, 0)))
    write(IO, "scalar.npy", npy_bytes(np.array(3.5, dtype="<f4")))
    write(IO, "empty.npy", npy_bytes(np.zeros((0, 3), dtype="<f4")))
    write(IO, "complex.npy", npy_bytes(np.array([1 + 2j, 3 - 4j], dtype="<c8")))
    for name, save in [("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)]:
        buffer = io.BytesIO()
        save(buffer, weights=ramp(6, "<f4").reshape(3, 2), bias=ramp(3, "<i2"),
             half=np.array([1.5, -0.25], dtype="<f2"))
        write(IO, name, buffer.getvalue())
    # A member larger than the header prefix read at open: its inflation and CRC-32 check come
    # at read time (tests/core/common/cancel_test.cpp).
    buffer = io.BytesIO()
    np.savez_compressed(buffer, ramp=(np.arange(1 << 20) % 1000).astype("<f4"))
    write(IO, "deflated_ramp.npz", buffer.getvalue())


# ---------------------------------------------------------------- WAV
def make_wav():
    rate = 8000
    # wave writes PCM only: 8-bit unsigned, 16/24/32-bit signed little-endian.
    samples = {1: bytes([0, 64, 128, 192, 255]),
               2: struct.pack("<6h", -32768, -16384, 0, 16384, 32767, 1),
               3: b"".join(v.to_bytes(3, "little", signed=True)
                           for v in [-8388608, -4194304, 0, 4194304, 8388607]),
               4: struct.pack("<5i", -2**31, -2**30, 0, 2**30, 2**31 - 1)}
    for width, data in samples.items():
        channels = 2 if width == 2 else 1
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(width)
            w.setframerate(rate)
            w.writeframes(data)
        write(IO, "pcm%d.wav" % (8 * width), buffer.getvalue())
    # IEEE float and WAVE_FORMAT_EXTENSIBLE: no Debian tool writes them without sox; by hand.
    floats = struct.pack("<4f", 0.5, -0.25, 1.0, -1.0)
    fmt = struct.pack("<HHIIHH", 3, 1, 44100, 44100 * 4, 4, 32)
    write(IO, "float32.wav", riff([(b"fmt ", fmt), (b"LIST", b"INFOjunk"), (b"data", floats)]))
    guid_pcm = struct.pack("<H", 1) + bytes([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
    ext = struct.pack("<HHIIHHHHI", 0xFFFE, 3, 48000, 48000 * 6, 6, 16, 22, 16, 0x7) + guid_pcm
    pcm = struct.pack("<6h", 0, 16384, -16384, 32767, -32768, 8192)
    write(IO, "extensible.wav", riff([(b"fmt ", ext), (b"data", pcm)]))


def riff(chunks):
    body = b"WAVE"
    for cid, data in chunks:
        body += cid + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")
    return b"RIFF" + struct.pack("<I", len(body)) + body


# ---------------------------------------------------------------- safetensors (by hand)
def safetensors(entries, metadata=None, pad=True, extra=b""):
    """entries: list of (name, dtype, shape, bytes), laid out in order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    data = b""
    for name, dtype, shape, raw in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        data += raw
    text = json.dumps(header).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data + extra


def bf16(values):
    return np.array(values, dtype="<f4").view("<u4").__rshift__(16).astype("<u2").tobytes()


def make_safetensors():
    entries = [
        ("f32", "F32", [2, 2], np.array([1, -2, 3.5, 0], dtype="<f4").tobytes()),
        ("bf16", "BF16", [3], bf16([1.0, -0.5, 3.0e38])),
        ("f16", "F16", [2], np.array([0.25, -65504], dtype="<f2").tobytes()),
        ("f64", "F64", [1], np.array([1e-3], dtype="<f8").tobytes()),
        # E4M3: 1.0, 2.0, -1.0, 448 (max), NaN (0x7F), 2^-9 (smallest subnormal)
        ("e4m3", "F8_E4M3", [6], bytes([0x38, 0x40, 0xB8, 0x7E, 0x7F, 0x01])),
        # E5M2: 1.0, +inf, 57344 (max), 2^-16
        ("e5m2", "F8_E5M2", [4], bytes([0x3C, 0x7C, 0x7B, 0x01])),
        ("i8", "I8", [3], struct.pack("<3b", -128, 0, 127)),
        ("u8", "U8", [2], bytes([0, 255])),
        ("i16", "I16", [2], struct.pack("<2h", -300, 300)),
        ("u16", "U16", [1], struct.pack("<H", 65535)),
        ("i32", "I32", [2], struct.pack("<2i", -70000, 70000)),
        ("u32", "U32", [1], struct.pack("<I", 4000000000)),
        ("i64", "I64", [1], struct.pack("<q", -5)),
        ("u64", "U64", [1], struct.pack("<Q", 7)),
        ("flag", "BOOL", [3], bytes([1, 0, 1])),
        # FP4 E2M1, two per byte, low nibble first: codes 2 (1.0), 7 (6.0), 9 (-0.5), 0
        ("fp4", "F4", [4], bytes([0x72, 0x09])),
        # FP6 E2M3, little-endian bit stream: codes 8 (1.0), 0, 0, 8
        ("fp6", "F6_E2M3", [4], bytes([8, 0, 32])),
        ("empty", "F32", [0, 4], b""),
        ("cplx", "C64", [1], struct.pack("<2f", 1, 2)),
    ]
    write(IO, "model.safetensors",
          safetensors(entries, metadata={"format": "pt", "note": "made by make_fixtures.py"}))


# ---------------------------------------------------------------- GGUF (by hand)
def gstr(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf(kvs, tensors, alignment=32, version=3, data=None):
    """kvs: list of raw kv bytes; tensors: list of (name, ne, type, blob)."""
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs)) + b"".join(kvs)
    offset = 0
    blobs = b""
    for name, ne, ggml_type, blob in tensors:
        out += gstr(name) + struct.pack("<I", len(ne)) + struct.pack("<%dQ" % len(ne), *ne)
        out += struct.pack("<IQ", ggml_type, offset)
        padded = blob + b"\0" * ((alignment - len(blob) % alignment) % alignment)
        blobs += padded
        offset += len(padded)
    out += b"\0" * ((alignment - len(out) % alignment) % alignment)
    return out + (blobs if data is None else data)


def kv(key, vtype, payload):
    return gstr(key) + struct.pack("<I", vtype) + payload


def make_gguf():
    q8 = np.float16(0.5).tobytes() + struct.pack("<32b", *range(-16, 16))
    q4 = np.float16(0.25).tobytes() + bytes([j | ((15 - j) << 4) for j in range(16)])
    kvs = [
        kv("general.architecture", 8, gstr("test")),
        kv("general.alignment", 4, struct.pack("<I", 32)),
        kv("test.count", 10, struct.pack("<Q", 12345678901)),
        kv("test.flag", 7, b"\x01"),
        kv("tokenizer.tokens", 9, struct.pack("<IQ", 8, 3) + gstr("a") + gstr("bc") + gstr("d")),
        kv("test.scores", 9, struct.pack("<IQ", 6, 20) + struct.pack("<20f", *range(20))),
    ]
    tensors = [
        ("f32", [3, 2], 0, np.array([1, 2, 3, 4, 5, 6], dtype="<f4").tobytes()),  # shape [2, 3]
        ("f16", [2], 1, np.array([0.5, -1.5], dtype="<f2").tobytes()),
        ("bf16", [2], 30, bf16([2.0, -4.0])),
        ("q8", [32, 2], 8, q8 + q8),  # shape [2, 32]
        ("q4", [32], 2, q4),
        ("q4k", [256], 12, bytes(144)),  # listed only
    ]
    write(IO, "model.gguf", gguf(kvs, tensors))
    # Text no output may pass on raw (issue 16): a key given twice, a 4,097-byte string whose
    # cut at 4,096 bytes would split an "é", bytes that are not UTF-8, terminal escapes.
    kvs = [
        kv("general.alignment", 4, struct.pack("<I", 32)),
        kv("dup", 8, gstr("first")),
        kv("dup", 8, gstr("second")),
        kv("long", 8, gstr("a" * 4095 + "\u00e9")),
        struct.pack("<Q", 4) + b"bad\xff" + struct.pack("<IQ", 8, 3) + b"v\xfe\x1b",
    ]
    name = b"t\x1b[31m\x07\xff"
    out = b"GGUF" + struct.pack("<IQQ", 3, 1, len(kvs)) + b"".join(kvs)
    out += struct.pack("<Q", len(name)) + name + struct.pack("<IQIQ", 1, 2, 0, 0)
    out += b"\0" * ((32 - len(out) % 32) % 32)
    write(IO, "names.gguf", out + np.array([1.5, -2], dtype="<f4").tobytes())


# ggml's block types (issue 19): id, name, elements and bytes per block (ggml.h, ggml-common.h).
GGML_BLOCK_TYPES = [
    (2, "q4_0", 32, 18), (3, "q4_1", 32, 20), (6, "q5_0", 32, 22), (7, "q5_1", 32, 24),
    (8, "q8_0", 32, 34), (9, "q8_1", 32, 36), (10, "q2_K", 256, 84), (11, "q3_K", 256, 110),
    (12, "q4_K", 256, 144), (13, "q5_K", 256, 176), (14, "q6_K", 256, 210),
    (15, "q8_K", 256, 292), (16, "iq2_xxs", 256, 66), (17, "iq2_xs", 256, 74),
    (18, "iq3_xxs", 256, 98), (19, "iq1_s", 256, 50), (20, "iq4_nl", 32, 18),
    (21, "iq3_s", 256, 110), (22, "iq2_s", 256, 82), (23, "iq4_xs", 256, 136),
    (29, "iq1_m", 256, 56), (34, "tq1_0", 256, 54), (35, "tq2_0", 256, 66), (39, "mxfp4", 32, 17),
]


def make_gguf_types():
    """ggml_types.gguf: a [2, block] tensor of every block type, named as the type, byte i of
    its data (i * 37 + id * 11) mod 256; no metadata. A fuzzing seed for every type's decoder,
    and the file write_gguf must reproduce byte for byte (gguf_types_test.cpp)."""
    tensors = []
    for ggml_id, name, elements, size in GGML_BLOCK_TYPES:
        blob = bytes((i * 37 + ggml_id * 11) % 256 for i in range(2 * size))
        tensors.append((name, [elements, 2], ggml_id, blob))
    write(IO, "ggml_types.gguf", gguf([], tensors))


# ---------------------------------------------------------------- ONNX (real tool)
def make_onnx():
    w_raw = numpy_helper.from_array(ramp(6, "<f4").reshape(2, 3), "w_raw")
    w_int8 = helper.make_tensor("w_int8", TensorProto.INT8, [4], [-128, -1, 0, 127])
    w_f16 = helper.make_tensor("w_f16", TensorProto.FLOAT16, [3], np.array([1.5, -2, 65504], dtype=np.float16))
    w_bf16 = helper.make_tensor("w_bf16", TensorProto.BFLOAT16, [2], [1.0, -3.0])
    w_double = helper.make_tensor("w_double", TensorProto.DOUBLE, [2], [0.25, -8.0])
    w_i64 = helper.make_tensor("w_i64", TensorProto.INT64, [2], [-9, 10])
    w_float = helper.make_tensor("w_float", TensorProto.FLOAT, [2], [4.5, -1.25])
    w_ext = numpy_helper.from_array(np.array([10, 20, 30, 40], dtype="<f4"), "w_ext")
    external = w_ext.raw_data
    onnx.external_data_helper.set_external_data(w_ext, "onnx_external.bin", offset=16, length=16)
    w_ext.ClearField("raw_data")
    w_ext.data_location = TensorProto.EXTERNAL
    write(IO, "onnx_external.bin", b"\0" * 16 + external)

    constant = helper.make_node("Constant", [], ["c0"], name="const0",
                                value=helper.make_tensor("unused", TensorProto.FLOAT, [3], [7, 8, 9]))
    then_graph = helper.make_graph(
        [helper.make_node("Identity", ["then_w"], ["then_out"])], "then_body", [],
        [helper.make_tensor_value_info("then_out", TensorProto.FLOAT, [2])],
        [numpy_helper.from_array(np.array([1, 2], dtype="<f4"), "then_w")])
    else_graph = helper.make_graph(
        [helper.make_node("Identity", ["else_w"], ["else_out"])], "else_body", [],
        [helper.make_tensor_value_info("else_out", TensorProto.FLOAT, [2])],
        [numpy_helper.from_array(np.array([3, 4], dtype="<f4"), "else_w")])
    if_node = helper.make_node("If", ["cond"], ["if_out"], name="if0",
                               then_branch=then_graph, else_branch=else_graph)
    loop_constant = helper.make_node("Constant", [], ["loop_c"], name="loop_const",
                                     value=numpy_helper.from_array(np.array([5.5], dtype="<f4"), "x"))
    body = helper.make_graph(
        [loop_constant,
         helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["v_in", "loop_w"], ["v_out"])],
        "loop_body",
        [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [2])],
        [numpy_helper.from_array(np.array([-1, -2], dtype="<f4"), "loop_w")])
    loop_node = helper.make_node("Loop", ["trip", "cond", "if_out"], ["loop_out"], name="loop0",
                                 body=body)
    graph = helper.make_graph(
        [constant, if_node, loop_node], "main",
        [helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("trip", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("loop_out", TensorProto.FLOAT, [2])],
        [w_raw, w_int8, w_f16, w_bf16, w_double, w_i64, w_float, w_ext])
    model = helper.make_model(graph, producer_name="make_fixtures.py",
                              opset_imports=[helper.make_opsetid("", 17)])
    write(IO, "model.onnx", model.SerializeToString())


# ---------------------------------------------------------------- text and raw
def make_text():
    write(IO, "table.csv", b"# a comment\na,b,c\n1,2,3\n4.5, -5e-1 ,6\n")
    write(IO, "column.txt", b"1\n2\n\n3\n")
    write(IO, "raw_be_i16.bin", struct.pack(">12h", *range(-6, 6)))
    # Valid files at the edges (issue 16): an empty tensor whose other axis is 2^62 (per channel
    # it would take 2^62 groups), and a safetensors file that holds no tensor.
    write(IO, "empty_huge_axis.npy", npy_raw(npy_header("<f4", (0, 1 << 62))))
    write(IO, "no_tensors.safetensors", struct.pack("<Q", 2) + b"{}")


# ---------------------------------------------------------------- hostile corpus
EXPECTED = []


def hostile(name, data, message):
    write(HOSTILE, name, data)
    EXPECTED.append((name, message))


def npy_raw(header_text, version=1, data=b""):
    text = header_text.encode()
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(text)) + text + data


def npy_header(descr, shape, fortran=False):
    text = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    text += " " * ((64 - (10 + len(text) + 1) % 64) % 64) + "\n"
    return text


def zip_stored(members):
    """A minimal stored zip: members = [(name, data)]; returns bytes and local offsets."""
    out = b""
    central = b""
    for name, data in members:
        local = len(out)
        crc = zlib.crc32(data)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(data), len(data),
                           len(name), 0) + name.encode() + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc,
                               len(data), len(data), len(name), 0, 0, 0, 0, 0, local) + name.encode()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(out), 0)
    return out + central + end


def make_hostile():
    good = npy_bytes(ramp(4, "<f4"))
    hostile("npy_bad_magic.npy", b"\x93NUMPX" + good[6:], "offset 0: wrong magic")
    hostile("npy_truncated_header.npy", good[:9], "offset 8: truncated")
    hostile("npy_header_past_eof.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", 5000) + b"{" * 50,
            "offset 8: header length 5000 passes the end of the file")
    hostile("npy_header_too_big.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 20000) + b" " * 20000,
            "offset 8: header length 20000 exceeds NumPy's limit")
    hostile("npy_bad_version.npy", b"\x93NUMPY\x04\x00" + good[8:], "offset 6: unsupported .npy version 4.0")
    text = npy_header("|O", "(2,)")
    hostile("npy_object.npy", npy_raw(text, data=b"\0" * 16),
            "offset %d: bad .npy header: object arrays" % (10 + text.index("descr")))
    text = npy_header("<f4", "(1099511627776, 1099511627776)")
    hostile("npy_shape_overflow.npy", npy_raw(text),
            "offset %d: bad .npy header: shape [1099511627776, 1099511627776] overflows" % (10 + text.index("shape")))
    text = npy_header("<f4", "(100,)")
    hostile("npy_truncated_data.npy", npy_raw(text, data=b"\0" * 10),
            "offset %d: truncated data: shape [100] of float32 needs 400 bytes, only 10 left" % (10 + len(text)))
    text = npy_header("<x4", "(2,)")
    hostile("npy_unknown_dtype.npy", npy_raw(text, data=b"\0" * 8),
            "offset %d: bad .npy header: unknown dtype '<x4'" % (10 + text.index("descr")))
    text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4) junk}\n"
    hostile("npy_bad_dict.npy", npy_raw(text),
            "offset %d: bad .npy header: expected ',' or '}'" % (10 + text.index("junk")))
    text = npy_header("<f4", "(2,)").replace("'shape'", "'shapes'")
    hostile("npy_extra_key.npy", npy_raw(text, data=b"\0" * 8),
            "offset %d: bad .npy header: unexpected key 'shapes'" % (10 + text.index("'shapes'")))

    # npz: a member that inflates past its declared size (a zip bomb's trick).
    header = npy_header("<f4", "(16,)").encode()
    member = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\0" * 64
    payload = member + b"\0" * 1000000
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(payload) + compressor.flush()
    name = b"x.npy"
    crc = zlib.crc32(member)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), len(member),
                        len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(deflated),
                          len(member), len(name), 0, 0, 0, 0, 0, 0) + name
    body = local + deflated
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(body), 0)
    hostile("npz_inflates_past.npz", body + central + end,
            "offset %d: member 'x.npy' inflates past its declared size of %d bytes"
            % (len(local), len(member)))
    # A member claiming 10 GB from a few compressed bytes.
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(deflated),
                          0xFFFFFFF0, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(body), 0)
    hostile("npz_ratio_bomb.npz", body + central + end,
            "offset %d: member 'x.npy' claims 4294967280 bytes from %d compressed bytes, more than "
            "deflate can produce (zip bomb)" % (len(body) + 24, len(deflated)))
    # Two entries sharing one local header.
    archive = zip_stored([("a.npy", good)])
    cd_at = struct.unpack("<I", archive[-6:-2])[0]
    cd = archive[cd_at:-22]
    cd2 = cd[:46] + b"b.npy"
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(cd) + len(cd2), cd_at, 0)
    hostile("npz_overlap.npz", archive[:cd_at] + cd + cd2 + end,
            "offset 0: member 'b.npy' overlaps member 'a.npy'")
    hostile("npz_truncated.npz", archive[:cd_at + 10], "no end-of-central-directory record")
    corrupt = bytearray(zip_stored([("a.npy", good)]))
    corrupt[30 + 5 + len(good) - 1] ^= 0xFF  # last data byte of the member
    hostile("npz_bad_crc.npz", bytes(corrupt), "offset 35: member 'a.npy' fails its CRC-32 check")

    # safetensors
    f32 = np.array([1, 2], dtype="<f4").tobytes()
    hostile("st_header_too_big.safetensors", struct.pack("<Q", 200000000) + b"{}",
            "offset 0: header size 200000000 exceeds the 100 MB limit")
    hostile("st_header_past_eof.safetensors", struct.pack("<Q", 1000) + b"{" + b" " * 40,
            "offset 0: header size 1000 passes the end of the file (41 bytes left)")
    hostile("st_truncated.safetensors", b"\x10\x00\x00", "offset 0: truncated")
    text = b'{"a": [1, 2,]}'
    hostile("st_bad_json.safetensors", struct.pack("<Q", len(text)) + text,
            "offset %d: invalid JSON" % (8 + text.index(b"]")))
    text = b'{"a": ' + b"[" * 200 + b"]" * 200 + b"}"
    hostile("st_deep_json.safetensors", struct.pack("<Q", len(text)) + text,
            "offset %d: invalid JSON: nested deeper than 64 levels" % (8 + 6 + 63))
    data = safetensors([("a", "F32", [2], f32)])
    hostile("st_trailing.safetensors", data + b"\0" * 4,
            "the data buffer holds 12 bytes but the tensors cover 8")

    def st_header(header):
        text = json.dumps(header).encode()
        return struct.pack("<Q", len(text)) + text

    head = st_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                      "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})
    hostile("st_gap.safetensors", head + b"\0" * 12,
            "offset %d: gap: tensor \"b\" starts at 8 but the previous data ends at 4"
            % (8 + head[8:].index(b"[8, 12]")))
    head = st_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})
    hostile("st_overlap.safetensors", head + b"\0" * 12,
            "offset %d: tensor \"b\" at [4, 12) overlaps the previous tensor, which ends at 8"
            % (8 + head[8:].index(b"[4, 12]")))
    head = st_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})
    hostile("st_size_mismatch.safetensors", head + b"\0" * 4,
            "offset %d: entry \"a\": data_offsets span 4 bytes, but shape [2] of F32 needs 8"
            % (8 + head[8:].index(b"[0, 4]")))
    head = st_header({"a": {"dtype": "F12", "shape": [2], "data_offsets": [0, 4]}})
    hostile("st_unknown_dtype.safetensors", head + b"\0" * 4,
            "offset %d: entry \"a\": unknown dtype \"F12\"" % (8 + head[8:].index(b'"F12"')))
    head = st_header({"a": {"dtype": "F32", "shape": [4611686018427387904, 8], "data_offsets": [0, 4]}})
    hostile("st_shape_overflow.safetensors", head + b"\0" * 4,
            "offset %d: entry \"a\": shape [4611686018427387904, 8] overflows 64 bits"
            % (8 + head[8:].index(b"[4611686018427387904")))
    head = st_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                      "__metadata__": {"k": 5}})
    hostile("st_metadata_not_string.safetensors", head + b"\0" * 4,
            "offset %d: __metadata__ value of \"k\" is not a string" % (8 + head[8:].index(b"5}")))

    # GGUF
    def gguf_head(version=3, tensors=0, kvs=0):
        return b"GGUF" + struct.pack("<IQQ", version, tensors, kvs)

    hostile("gguf_bad_magic.gguf", b"GGUX" + gguf_head()[4:], "offset 0: wrong magic")
    hostile("gguf_version1.gguf", gguf_head(version=1), "offset 4: unsupported GGUF version 1")
    hostile("gguf_huge_tensor_count.gguf", gguf_head(tensors=1 << 60) + b"\0" * 64,
            "offset 8: tensor count 1152921504606846976 cannot fit")
    hostile("gguf_huge_kv_count.gguf", gguf_head(kvs=1 << 61) + b"\0" * 64,
            "offset 16: key-value count 2305843009213693952 cannot fit")
    hostile("gguf_key_past_eof.gguf", gguf_head(kvs=1) + struct.pack("<Q", 1 << 40) + b"abc" + b"\0" * 10,
            "offset 24: key string length 1099511627776 passes the end of the file")
    arr = kv("a", 9, struct.pack("<IQ", 8, 1 << 50))
    hostile("gguf_array_count.gguf", gguf_head(kvs=1) + arr + b"\0" * 32,
            "offset %d: array count 1125899906842624 cannot fit" % (24 + 9 + 4 + 4))
    hostile("gguf_bad_value_type.gguf", gguf_head(kvs=1) + kv("a", 99, b"\0" * 8),
            "offset %d: unknown value type 99" % (24 + 9))

    def info(name, ne, ggml_type, offset):
        return gstr(name) + struct.pack("<I", len(ne)) + struct.pack("<%dQ" % len(ne), *ne) + \
            struct.pack("<IQ", ggml_type, offset)

    def gguf_file(infos, data_bytes):
        out = gguf_head(tensors=len(infos)) + b"".join(infos)
        out += b"\0" * ((32 - len(out) % 32) % 32)
        return out + b"\0" * data_bytes

    hostile("gguf_dims_overflow.gguf", gguf_file([info("t", [1 << 40, 1 << 40], 0, 0)], 32),
            "offset %d: tensor 't': shape [1099511627776, 1099511627776] overflows 64 bits" % (24 + 9))
    hostile("gguf_too_many_dims.gguf", gguf_file([info("t", [1] * 7, 0, 0)], 32),
            "offset %d: tensor 't' has 7 dimensions (at most 4)" % (24 + 9))
    hostile("gguf_offset_out_of_range.gguf", gguf_file([info("t", [4], 0, 64)], 32),
            "offset 24: tensor 't': data [64, +16) passes the end of the data section (32 bytes")
    t2_at = 24 + len(info("a", [8], 0, 0))
    hostile("gguf_overlap.gguf", gguf_file([info("a", [8], 0, 0), info("b", [8], 0, 0)], 64),
            "offset %d: tensor 'b' overlaps tensor 'a'" % t2_at)
    hostile("gguf_misaligned.gguf", gguf_file([info("t", [4], 0, 4)], 64),
            "offset 24: tensor 't': data offset 4 is not a multiple of 32")
    hostile("gguf_q8_row.gguf", gguf_file([info("t", [33], 8, 0)], 64),
            "offset 33: tensor 't': q8_0 needs ne[0] (33) to be a multiple of 32")
    # Block types (issue 19): a row that is not whole q4_K blocks, iq2_xxs data cut short, an
    # mxfp4 shape claiming 2^50 rows (checked against the file, never allocated). A type id
    # newer than the loader is no longer hostile: that tensor is listed (gguf_types_test.cpp).
    hostile("gguf_q4k_row.gguf", gguf_file([info("t", [255], 12, 0)], 160),
            "offset %d: tensor 't': q4_K needs ne[0] (255) to be a multiple of 256" % (24 + 9))
    hostile("gguf_iq2xxs_short.gguf", gguf_file([info("t", [256, 2], 16, 0)], 128),
            "offset 24: tensor 't': data [0, +132) passes the end of the data section (128 bytes")
    hostile("gguf_mxfp4_huge_rows.gguf", gguf_file([info("t", [32, 1 << 50], 39, 0)], 32),
            "offset 24: tensor 't': data [0, +19140298416324608) passes the end of the data "
            "section (32 bytes")
    hostile("gguf_duplicate.gguf", gguf_file([info("a", [1], 0, 0), info("a", [1], 0, 32)], 64),
            "offset %d: duplicate tensor name 'a'" % t2_at)

    # ONNX: protobuf by hand. A tag is (field << 3 | wire type).
    def varint(value):
        out = b""
        while True:
            byte = value & 0x7F
            value >>= 7
            if value:
                out += bytes([byte | 0x80])
            else:
                return out + bytes([byte])

    def field_len(number, payload):
        return varint(number << 3 | 2) + varint(len(payload)) + payload

    def field_varint(number, value):
        return varint(number << 3) + varint(value)

    def tensor(name, dims, data_type, rest=b""):
        out = b"".join(field_varint(1, d) for d in dims) + field_varint(2, data_type)
        return out + field_len(8, name.encode()) + rest

    def model(graph_payload):
        return field_varint(1, 8) + field_len(7, graph_payload)

    t = tensor("w", [2], 1, field_len(9, b"\0\0\0"))
    graph = field_len(5, t)
    data = model(graph)
    hostile("onnx_raw_size.onnx", data,
            "offset %d: tensor 'w': raw_data holds 3 bytes, shape [2] of float32 needs 8"
            % (2 + 2 + 2))
    data = model(field_len(5, tensor("w", [4], 1)))
    hostile("onnx_truncated.onnx", data[:-3], "offset 3: invalid protobuf: field 7 length 9 passes the end")
    hostile("onnx_group.onnx", field_varint(1, 8) + varint(7 << 3 | 3),
            "offset 2: invalid protobuf: wire type 3 of field 7 (groups) is not supported")
    hostile("onnx_long_varint.onnx", varint(1 << 3) + b"\xff" * 11,
            "offset 1: invalid protobuf: varint longer than 64 bits")
    ext = field_len(13, field_len(1, b"location") + field_len(2, b"../../secret.bin"))
    t = tensor("w", [2], 1, ext + field_varint(14, 1))
    data = model(field_len(5, t))
    location_at = data.index(b"../../secret.bin")
    hostile("onnx_external_escape.onnx", data,
            "offset %d: tensor 'w': external data path '../../secret.bin' leaves the model folder"
            % location_at)
    ext = field_len(13, field_len(1, b"location") + field_len(2, b"/etc/passwd"))
    data = model(field_len(5, tensor("w", [2], 1, ext + field_varint(14, 1))))
    hostile("onnx_external_absolute.onnx", data,
            "offset %d: tensor 'w': external data path '/etc/passwd' leaves the model folder"
            % data.index(b"/etc/passwd"))
    data = model(field_len(5, tensor("w", [2], 99)))
    hostile("onnx_unknown_type.onnx", data, "offset 6: tensor 'w': unknown data_type 99")
    t = tensor("w", [3], 1, field_len(4, struct.pack("<2f", 1, 2)))
    data = model(field_len(5, t))
    hostile("onnx_typed_count.onnx", data,
            "offset 6: tensor 'w': typed field 4 holds 2 values, shape [3] needs 3")
    hostile("onnx_no_graph.onnx", field_varint(1, 8), "offset 0: invalid protobuf: no graph")
    # Subgraphs nested 40 deep: If nodes whose then_branch holds the next If.
    g = b""
    for _ in range(40):
        attribute = field_len(1, b"then_branch") + field_len(6, g)
        node = field_len(4, b"If") + field_len(5, attribute)
        g = field_len(1, node)
    hostile("onnx_deep.onnx", model(g), "graphs nested deeper than 32")

    # WAV
    fmt16 = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    data = riff([(b"fmt ", fmt16), (b"data", b"\0" * 8)])
    lie = bytearray(data)
    lie[40:44] = struct.pack("<I", 1000000)
    hostile("wav_chunk_lies.wav", bytes(lie), "offset 40: chunk 'data' size 1000000 passes the end of the file")
    lie = bytearray(data)
    lie[4:8] = struct.pack("<I", 999999)
    hostile("wav_riff_size_lies.wav", bytes(lie), "offset 4: RIFF size 999999 disagrees with the file size")
    hostile("wav_no_fmt.wav", riff([(b"data", b"\0" * 4)]), "offset 12: no 'fmt ' chunk")
    hostile("wav_12bit.wav", riff([(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 12)), (b"data", b"")]),
            "offset 34: 12-bit PCM samples are not supported")
    hostile("wav_block_align.wav", riff([(b"fmt ", struct.pack("<HHIIHH", 1, 2, 8000, 16000, 2, 16)), (b"data", b"")]),
            "offset 32: block align 2 is not 2 channels x 2 bytes")
    hostile("wav_partial_frame.wav", riff([(b"fmt ", fmt16), (b"data", b"\0" * 3)]),
            "offset 40: data size 3 is not a whole number of 2-byte frames")
    hostile("wav_truncated.wav", b"RIFF\x04\x00", "offset 0: truncated")
    ext = struct.pack("<HHIIHHHHI", 0xFFFE, 1, 8000, 16000, 2, 16, 22, 16, 4) + b"\x01\x00" + b"\xAA" * 14
    hostile("wav_bad_guid.wav", riff([(b"fmt ", ext), (b"data", b"")]),
            "offset 44: EXTENSIBLE sub-format GUID is not a PCM or float one")

    # CSV and unknown files
    hostile("csv_ragged.csv", b"1,2,3\n4,5\n", "offset 6: row 2 has 2 values, row 1 (at offset 0) has 3")
    hostile("csv_not_number.csv", b"1,2\n3,x\n", "offset 6: 'x' is not a number")
    hostile("csv_empty_field.csv", b"1,,2\n", "offset 2: empty field")
    hostile("unknown.bin", bytes(range(7, 64)), "offset 0: unrecognised format")

    # Issue 16: NumPy's type codes, a Constant with two values, shapes past 64 items, text with
    # a byte-order mark and CR line ends whose bad value is found at its true offset.
    text = npy_header("|b2", (2,))
    hostile("npy_bool_b2.npy", npy_raw(text, data=b"\0" * 4),
            "offset 12: bad .npy header: unknown dtype '|b2'")
    tensor = b"\x08\x00\x10\x01"  # dims [0], FLOAT
    attribute = b"\x0a\x05value" + b"\x2a\x04" + tensor + b"\x2a\x04" + tensor
    node = b"\x12\x01c" + b"\x22\x08Constant" + b"\x2a" + bytes([len(attribute)]) + attribute
    graph = b"\x0a" + bytes([len(node)]) + node
    hostile("onnx_constant_two_values.onnx", b"\x08\x08\x3a" + bytes([len(graph)]) + graph,
            "offset %d: Constant node c (Constant) has a second tensor value" % (3 + 1 + 2 + 3 + 10 + 2 + 7 + 6))
    shape = ",".join(["1"] * 65)
    text = ('{"a":{"dtype":"F32","shape":[%s],"data_offsets":[0,4]}}' % shape).encode()
    hostile("st_long_shape.safetensors", struct.pack("<Q", len(text)) + text + b"\0" * 4,
            "offset %d: an array of more than 64 items" % (8 + text.index(b"[") + 1 + 64 * 2))
    hostile("csv_bom_cr_not_number.csv", b"\xef\xbb\xbf1,2\r3,x\r",
            "offset 9: 'x' is not a number")

    with open(os.path.join(HOSTILE, "expected.txt"), "w") as f:
        f.write("# file<TAB>substring of the LoadError message it must give (made by make_fixtures.py)\n")
        for name, message in EXPECTED:
            f.write("%s\t%s\n" % (name, message))


if __name__ == "__main__":
    make_numpy()
    make_wav()
    make_safetensors()
    make_gguf()
    make_gguf_types()
    make_onnx()
    make_text()
    make_hostile()
