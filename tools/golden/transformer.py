"""Golden fixtures for nn.TransformerEncoderLayer and nn.TransformerEncoder: reprs, state-dict keys, outputs and the
gradients of the input and of every parameter from PyTorch 1.13, for packages/nn/test/transformer.test.ts.

Run from the repository root:

    /usr/bin/python3 tools/golden/transformer.py

Dropout is 0 (training mode, so no fast path); the loss is sum(out * w).
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from module_cases import enc, write_cases  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'transformer.json')




def run(name, build, nhead, options, x_shape, masks=None, layers=None):
    torch.manual_seed(0)
    m = build()
    x = torch.randn(x_shape, requires_grad=True)
    fkw = {k: v for k, v in (masks or {}).items()}
    out = m(x, **fkw)
    w = torch.randn(out.shape)
    (out * w).sum().backward()
    return {
        'name': name, 'nhead': nhead, 'options': options, 'layers': layers, 'repr': repr(m),
        'masks': {{'src_mask': 'srcMask', 'mask': 'mask', 'src_key_padding_mask': 'srcKeyPaddingMask'}[k]: enc(v.float() if v.dtype == torch.bool else v)
                  | {'dtype': 'bool' if v.dtype == torch.bool else 'float32'} for k, v in (masks or {}).items()},
        'stateDict': {k: enc(t) for k, t in m.state_dict().items()},
        'input': enc(x), 'out': enc(out), 'w': enc(w), 'inputGrad': enc(x.grad),
        'paramGrads': {n: enc(p.grad) for n, p in m.named_parameters()},
    }


def main():
    causal = torch.ones(5, 5, dtype=torch.bool).triu(1)
    padding = torch.tensor([[False, False, False, False, True], [False, False, False, True, True]])
    cases = [
        run('post-norm relu, sequence first, causal mask and key padding',
            lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
            {'dimFeedforward': 16, 'dropout': 0.0}, (5, 2, 8),
            masks={'src_mask': causal, 'src_key_padding_mask': padding}),
        run('norm first, gelu, batch first',
            lambda: nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation='gelu',
                                               batch_first=True, norm_first=True, layer_norm_eps=1e-6), 4,
            {'dimFeedforward': 12, 'dropout': 0.0, 'activation': 'gelu', 'batchFirst': True, 'normFirst': True,
             'layerNormEps': 1e-6}, (2, 5, 8)),
        run('encoder of 2 layers and a final norm',
            lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
                                          norm=nn.LayerNorm(8), enable_nested_tensor=False), 2,
            {'dimFeedforward': 16, 'dropout': 0.0}, (5, 2, 8), masks={'mask': causal, 'src_key_padding_mask': padding},
            layers=2),
    ]
    write_cases(OUT, cases)


if __name__ == '__main__':
    main()
