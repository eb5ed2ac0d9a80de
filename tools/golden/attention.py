"""Golden fixtures for nn.MultiheadAttention: outputs, attention weights and gradients (of the inputs and of every
parameter) from PyTorch 1.13, for packages/nn/test/attention.test.ts; and the state dict a constructor makes.

Run from the repository root:

    /usr/bin/python3 tools/golden/attention.py

Each case seeds the generator, builds the module, draws its inputs, runs forward in training mode (dropout 0) and
backward from sum(out * w_out) (+ sum(weights * w_attn) when the weights are returned). Masks are stored as data.
`init` is a freshly built module's state dict: its keys and shapes (Kindling's generator is its own, so the values
differ).
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from module_cases import enc, write_cases  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'attention.json')




def case(name, embed, heads, module_kwargs, q_shape, kv_shape=None, kv_dim=None, self_attention=True,
         forward_kwargs=None, masks=None, dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    m = nn.MultiheadAttention(embed, heads, dtype=dtype, **module_kwargs)
    q = torch.randn(q_shape, dtype=dtype, requires_grad=True)
    if self_attention:
        k = v = q
    else:
        k = torch.randn(kv_shape, dtype=dtype, requires_grad=True)
        v = k if kv_dim is None else torch.randn(kv_shape[:-1] + (kv_dim,), dtype=dtype, requires_grad=True)
    fkw = dict(forward_kwargs or {})
    for key, mask in (masks or {}).items():
        fkw[key] = mask
    out, weights = m(q, k, v, **fkw)
    w_out = torch.randn(out.shape, dtype=dtype)
    loss = (out * w_out).sum()
    w_attn = None
    if weights is not None:
        w_attn = torch.randn(weights.shape, dtype=dtype)
        loss = loss + (weights * w_attn).sum()
    loss.backward()
    inputs = [q] if self_attention else ([q, k] if v is k else [q, k, v])
    return {
        'name': name, 'embedDim': embed, 'numHeads': heads,
        'options': {snake_to_camel(k): v for k, v in module_kwargs.items()},
        'forward': {snake_to_camel(k): v for k, v in (forward_kwargs or {}).items()},
        'masks': {snake_to_camel(k): enc(v) for k, v in (masks or {}).items()},
        'selfAttention': self_attention, 'valueIsKey': (not self_attention) and v is k,
        'stateDict': {k: enc(t) for k, t in m.state_dict().items()},
        'inputs': [enc(t) for t in inputs],
        'out': enc(out), 'weights': None if weights is None else enc(weights),
        'wOut': enc(w_out), 'wAttn': None if w_attn is None else enc(w_attn),
        'inputGrads': [enc(t.grad) for t in inputs],
        'paramGrads': {n: enc(p.grad) for n, p in m.named_parameters()},
    }


def snake_to_camel(name):
    parts = name.split('_')
    return parts[0] + ''.join(p.title() for p in parts[1:])


def main():
    causal = torch.ones(4, 4, dtype=torch.bool).triu(1)
    padding = torch.tensor([[False, False, False, True], [False, False, True, True], [False, False, False, False]])
    cases = [
        case('self-attention, sequence first', 8, 2, {}, (4, 3, 8)),
        case('batch first with a causal mask and key padding', 8, 2, {'batch_first': True}, (3, 4, 8),
             masks={'attn_mask': causal, 'key_padding_mask': padding}),
        case('cross-attention with a float mask', 8, 4, {}, (5, 2, 8), kv_shape=(4, 2, 8), self_attention=False,
             masks={'attn_mask': torch.randn(5, 4) * 0.5}),
        case('separate key and value sizes, weights per head', 6, 3, {'kdim': 4, 'vdim': 5}, (3, 2, 6),
             kv_shape=(4, 2, 4), kv_dim=5, self_attention=False, forward_kwargs={'average_attn_weights': False}),
        case('bias_k, bias_v and a zero attention row', 8, 2, {'add_bias_kv': True, 'add_zero_attn': True}, (4, 2, 8),
             masks={'key_padding_mask': torch.tensor([[False, False, True, False], [False, False, False, False]])}),
        case('unbatched input', 8, 2, {}, (4, 8)),
        case('no weights returned, no bias', 8, 2, {'bias': False}, (4, 2, 8), forward_kwargs={'need_weights': False}),
        case('float64', 8, 2, {'batch_first': True}, (2, 3, 8), dtype=torch.float64),
    ]
    torch.manual_seed(0)
    init = {k: enc(t) for k, t in nn.MultiheadAttention(8, 2).state_dict().items()}
    write_cases(OUT, cases, init=init)


if __name__ == '__main__':
    main()
