"""nn.MultiheadAttention drawn at random against PyTorch 1.13: sizes and heads, batch-first or unbatched inputs,
self- and cross-attention with separate key and value sizes, biases, bias_k/bias_v and the zero row, attention masks
(2-D or per head, bool or float) and key padding masks (bool or float, rows wholly masked among them), returned or
skipped weights, averaged or per head, in attention.py's case format.

    /usr/bin/python3 tools/golden/fuzz_attention.py [--seed S] [--cases N] [--out FILE]

Writes packages/nn/test/fixtures/fuzz_attention.json (seed 0) by default, replayed by
packages/nn/test/fuzz-attention.test.ts; `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from attention import case  # noqa: E402
from fuzz import Draw, fuzz_args  # noqa: E402
from module_cases import write_cases  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'fuzz_attention.json')


def mask(d, shape, kind, dtype):
    """A mask of `shape`: bool (True hides) or float (added to the scores, -inf hiding)."""
    hidden = torch.rand(shape, generator=d.gen) < d.pick([0.0, 0.2, 0.5])
    if kind == 'bool':
        return hidden
    values = torch.randn(shape, generator=d.gen, dtype=dtype) * 0.5
    return values.masked_fill(hidden, float('-inf')) if d.chance(0.5) else values


def draw_case(d, index):
    heads = d.pick([1, 2, 3, 4])
    embed = heads * d.r.randint(1, 3)
    module_kwargs = {}
    for key, p in (('batch_first', 0.4), ('add_bias_kv', 0.2), ('add_zero_attn', 0.2)):
        if d.chance(p):
            module_kwargs[key] = True
    if d.chance(0.15):
        module_kwargs['bias'] = False
    self_attention = d.chance(0.5)
    kv_dim = None
    if not self_attention and d.chance(0.4):
        module_kwargs['kdim'] = d.r.randint(1, 5)
        module_kwargs['vdim'] = d.r.randint(1, 5)
        kv_dim = module_kwargs['vdim']
    batched = d.chance(0.8)
    n, target, source = d.r.randint(1, 3), d.r.randint(1, 5), d.r.randint(1, 5)
    if self_attention:
        source = target

    def shape(length, features):
        if not batched:
            return (length, features)
        return (n, length, features) if module_kwargs.get('batch_first') else (length, n, features)

    q_shape = shape(target, embed)
    kv_shape = None if self_attention else shape(source, module_kwargs.get('kdim', embed))
    forward_kwargs = {}
    if d.chance(0.2):
        forward_kwargs['need_weights'] = False
    elif d.chance(0.3):
        forward_kwargs['average_attn_weights'] = False
    masks = {}
    dtype = d.pick([torch.float32, torch.float32, torch.float64])
    kind = d.pick(['bool', 'float'])  # 1.13 refuses a bool mask beside a float one
    if d.chance(0.5):
        masks['attn_mask'] = mask(d, (target, source) if d.chance(0.6) or not batched else (n * heads, target, source),
                                  kind, dtype)
    # A float key padding mask beside a float attention mask goes through masked_fill in 1.13, which reads a float
    # mask's bytes (1.0 fills nothing; most values raise "Mask tensor can take 0 and 1 values only"); Kindling refuses
    # a non-bool mask there, with PyTorch 2's message. So a float padding mask comes alone.
    if batched and d.chance(0.4) and (kind == 'bool' or 'attn_mask' not in masks):
        masks['key_padding_mask'] = mask(d, (n, source), kind, dtype)
    name = f'{index} {embed}/{heads} heads {module_kwargs} q {list(q_shape)} masks {sorted(masks)} {str(dtype)[6:]}'
    return case(name, embed, heads, module_kwargs, q_shape, kv_shape=kv_shape, kv_dim=kv_dim,
                self_attention=self_attention, forward_kwargs=forward_kwargs, masks=masks, dtype=dtype,
                seed=d.r.randrange(2**31))


def main():
    args = fuzz_args(OUT, 60)
    d = Draw(args.seed)
    cases, refused = [], 0
    while len(cases) < args.cases:
        try:
            cases.append(draw_case(d, len(cases)))
        except (RuntimeError, AssertionError):
            refused += 1
    write_cases(args.out, cases, seed=args.seed)
    if refused:
        print(f'({refused} draws refused by PyTorch and drawn again)')


if __name__ == '__main__':
    main()
