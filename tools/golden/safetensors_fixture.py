"""Writes a safetensors file from real PyTorch tensors, laid out as the reference writer lays it out.

    python3 tools/golden/safetensors_fixture.py

produces packages/core/test/fixtures/torch-written.safetensors and, beside it, torch-written.json with each
tensor's dtype, shape and values (tolist()). The python `safetensors` package is not needed: the writer
below follows the reference layout by hand:

  - tensors sorted by dtype alignment, descending, then by name;
  - compact JSON header, `__metadata__` first, padded with spaces to a multiple of 8 bytes;
  - 8-byte little-endian header length, header, then the little-endian data back to back.

Non-finite floats are not JSON, so the sidecar spells them "nan", "inf" and "-inf".
"""

import json
import math
import os
import struct

import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from safetensors_py import TO_FILE, write_safetensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "packages", "core", "test", "fixtures")

def json_value(x):
    """tolist() values with non-finite floats spelled as strings."""
    if isinstance(x, list):
        return [json_value(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def main():
    torch.manual_seed(0)
    tensors = {
        "weight": torch.randn(2, 3),
        "double": torch.tensor([0.1, -2.5, 1e300, 5e-324, -0.0], dtype=torch.float64),
        "int32": torch.tensor([-(2**31), -1, 0, 7, 2**31 - 1], dtype=torch.int32),
        "int64": torch.tensor([[-3, 0, 2**40], [-(2**53), 2**53, 12345678901]], dtype=torch.int64),
        "mask": torch.tensor([[True, False, True], [False, False, True]]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "specials": torch.tensor([float("nan"), float("inf"), float("-inf"), -0.0, 1e-45], dtype=torch.float32),
        "näme.ünïcode": torch.tensor([1.0, 2.0]),
    }
    metadata = {"format": "pt", "source": "torch " + torch.__version__}
    os.makedirs(OUT_DIR, exist_ok=True)
    order = write_safetensors(os.path.join(OUT_DIR, "torch-written.safetensors"), tensors, metadata)
    expected = {
        "metadata": metadata,
        "header_order": order,
        "tensors": {
            name: {"dtype": TO_FILE[t.dtype][1], "shape": list(t.shape), "values": json_value(t.tolist())}
            for name, t in tensors.items()
        },
    }
    with open(os.path.join(OUT_DIR, "torch-written.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", len(tensors), "tensors in order", order)


if __name__ == "__main__":
    main()
