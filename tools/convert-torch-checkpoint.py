#!/usr/bin/env python3
"""Converts a PyTorch checkpoint (.pth/.pt state dict) to safetensors, so `model.loadStateDict(torch.load(path))`
reads it in Kindling. Needs PyTorch (Debian: apt-get install python3-torch).

    /usr/bin/python3 tools/convert-torch-checkpoint.py resnet18.pth resnet18.safetensors

A checkpoint that wraps its weights (`{'state_dict': ...}` or `{'model': ...}`) is unwrapped, and a
`module.` prefix left by DataParallel is removed. float16/bfloat16 tensors become float32, and 8/16-bit
integer tensors become int64, the nearest dtypes Kindling has. Keys keep the checkpoint's order.
"""
import argparse
import os
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_py import TO_FILE, write_safetensors  # noqa: E402

WIDEN = {torch.float16: torch.float32, torch.bfloat16: torch.float32, torch.uint8: torch.int64, torch.int8: torch.int64, torch.int16: torch.int64}


def state_dict_of(obj):
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ("state_dict", "model", "model_state_dict"):
            if key in obj and isinstance(obj[key], dict):
                return obj[key]
        if all(isinstance(v, torch.Tensor) for v in obj.values()):
            return obj
    raise SystemExit("error: the file holds no state dict (expected a dict of tensors, or one under 'state_dict'/'model')")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="PyTorch .pth/.pt file")
    parser.add_argument("output", help="safetensors file to write")
    args = parser.parse_args()
    if not os.path.exists(args.input):
        raise SystemExit(f"error: No such file or directory: '{args.input}'")
    sd = state_dict_of(torch.load(args.input, map_location="cpu"))
    out = OrderedDict()
    for name, t in sd.items():
        if not isinstance(t, torch.Tensor):
            continue
        key = name[len("module."):] if name.startswith("module.") else name
        t = t.detach()
        if t.dtype in WIDEN:
            t = t.to(WIDEN[t.dtype])
        if t.dtype not in TO_FILE:
            raise SystemExit(f"error: tensor '{name}' has dtype {t.dtype}, which Kindling does not read")
        out[key] = t
    write_safetensors(args.output, out, metadata={"format": "pt", "source": os.path.basename(args.input)}, keep_order=True)
    print(f"wrote {args.output}: {len(out)} tensors")


if __name__ == "__main__":
    main()
