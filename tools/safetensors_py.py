"""A dependency-free safetensors writer for PyTorch tensors (the `safetensors` package is not needed).

Layout as the reference writer: tensors sorted by dtype alignment (descending) then name, unless `keep_order`;
compact JSON header with `__metadata__` first, padded with spaces to a multiple of 8 bytes; an 8-byte
little-endian header length, the header, then the little-endian data back to back.
"""
import json
import os
import struct

import torch

# The reference Dtype enum, in increasing alignment order; the writer sorts by it, descending.
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]

TO_FILE = {
    torch.float32: ("F32", "float32", "<f4"),
    torch.float64: ("F64", "float64", "<f8"),
    torch.int32: ("I32", "int32", "<i4"),
    torch.int64: ("I64", "int64", "<i8"),
    torch.bool: ("BOOL", "bool", "|b1"),
}


def write_safetensors(path, tensors, metadata=None, keep_order=False):
    """Writes `tensors` (name -> tensor of a TO_FILE dtype); returns the names in file order."""
    items = list(tensors.items())
    if not keep_order:
        items.sort(key=lambda kv: (-DTYPE_ORDER.index(TO_FILE[kv[1].dtype][0]), kv[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    chunks = []
    offset = 0
    for name, t in items:
        file_dtype, _, np_dtype = TO_FILE[t.dtype]
        data = t.detach().cpu().contiguous().numpy().astype(np_dtype, copy=False).tobytes()
        header[name] = {"dtype": file_dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(header_bytes)))
            f.write(header_bytes)
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return [name for name, _ in items]
