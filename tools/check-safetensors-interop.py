"""Reads a Kindling-written safetensors file into PyTorch and checks it against a JSON sidecar.

    python3 tools/check-safetensors-interop.py PATH

PATH.json holds {"tensors": {name: {"dtype", "shape", "values"}}, "metadata": {...}, "header_order": [...]}
(the structure tools/golden/safetensors_fixture.py writes; "metadata" and "header_order" are optional;
non-finite floats are spelled "nan", "inf", "-inf"). The reader is written by hand (numpy.frombuffer then
torch.from_numpy), so the python `safetensors` package is not needed. Exits 1 on any mismatch.
"""

import json
import math
import struct
import sys

import numpy as np
import torch

FILE_DTYPES = {
    "F32": ("float32", np.dtype("<f4"), torch.float32),
    "F64": ("float64", np.dtype("<f8"), torch.float64),
    "I32": ("int32", np.dtype("<i4"), torch.int32),
    "I64": ("int64", np.dtype("<i8"), torch.int64),
    "BOOL": ("bool", np.dtype("u1"), torch.bool),
}


class Mismatch(Exception):
    pass


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise Mismatch(f"file is {len(raw)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise Mismatch(f"header length {n} runs past the end of the file ({len(raw)} bytes)")
    if n % 8 != 0:
        raise Mismatch(f"header length {n} is not padded to a multiple of 8")
    header_text = raw[8 : 8 + n].decode("utf-8")
    if header_text.rstrip(" ") != header_text.rstrip():
        raise Mismatch("header is padded with something other than spaces")
    header = json.loads(header_text)
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", None)
    order = list(header.keys())

    position = 0
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, end = info["data_offsets"]
        if begin != position:
            raise Mismatch(f"invalid offsets: tensor {name!r} starts at {begin}, previous data ends at {position}")
        position = end
    if position != len(data):
        raise Mismatch(f"tensors cover {position} bytes of data but the file holds {len(data)}")

    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in FILE_DTYPES:
            raise Mismatch(f"tensor {name!r} has unexpected dtype {info['dtype']!r}")
        _, np_dtype, torch_dtype = FILE_DTYPES[info["dtype"]]
        shape = tuple(info["shape"])
        begin, end = info["data_offsets"]
        numel = math.prod(shape)
        if end - begin != numel * np_dtype.itemsize:
            raise Mismatch(f"tensor {name!r}: {end - begin} bytes for shape {shape} of {info['dtype']}")
        if numel == 0:
            array = np.empty(shape, dtype=np_dtype)
        else:
            array = np.frombuffer(data, dtype=np_dtype, count=numel, offset=begin).reshape(shape)
        if info["dtype"] == "BOOL":
            if not np.isin(array, [0, 1]).all():
                raise Mismatch(f"bool tensor {name!r} holds bytes other than 0 and 1")
            array = array.astype(np.bool_)
        tensors[name] = torch.from_numpy(array.astype(array.dtype.newbyteorder("="), copy=True)).to(torch_dtype)
    return tensors, metadata, order


def from_json(x):
    if isinstance(x, list):
        return [from_json(v) for v in x]
    if isinstance(x, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[x]
    return x


def same_values(actual, expected):
    if actual.dtype.is_floating_point:
        a, e = actual.numpy(), expected.numpy()
        same_nan = np.array_equal(np.isnan(a), np.isnan(e))
        finite = ~np.isnan(a)
        return same_nan and np.array_equal(a[finite], e[finite]) and np.array_equal(np.signbit(a), np.signbit(e))
    return torch.equal(actual, expected)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    path = sys.argv[1]
    with open(path + ".json", encoding="utf-8") as f:
        expected = json.load(f)
    try:
        tensors, metadata, order = read_safetensors(path)
    except (Mismatch, ValueError, KeyError) as e:
        print(f"FAIL: cannot read {path}: {e}")
        return 1

    problems = []
    for name, t in tensors.items():
        print(f"{name}: {t.dtype} {tuple(t.shape)}\n{t}")
    want = expected["tensors"]
    if set(tensors) != set(want):
        problems.append(f"tensor names {sorted(tensors)} != expected {sorted(want)}")
    for name, spec in want.items():
        if name not in tensors:
            continue
        t = tensors[name]
        torch_dtype = getattr(torch, spec["dtype"])
        if t.dtype != torch_dtype:
            problems.append(f"{name}: dtype {t.dtype} != {torch_dtype}")
            continue
        if list(t.shape) != spec["shape"]:
            problems.append(f"{name}: shape {list(t.shape)} != {spec['shape']}")
            continue
        reference = torch.tensor(from_json(spec["values"]), dtype=torch_dtype).reshape(spec["shape"])
        if not same_values(t, reference):
            problems.append(f"{name}: values differ\n  got      {t.tolist()}\n  expected {reference.tolist()}")
    if "metadata" in expected and (metadata or {}) != expected["metadata"]:
        problems.append(f"metadata {metadata} != {expected['metadata']}")
    if "header_order" in expected and order != expected["header_order"]:
        problems.append(f"header order {order} != {expected['header_order']}")

    if problems:
        print("FAIL:\n" + "\n".join(problems))
        return 1
    print(f"OK: {len(tensors)} tensors match {path}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
