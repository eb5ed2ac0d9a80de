"""Golden fixtures for nn.TransformerEncoderLayer, nn.TransformerEncoder, nn.TransformerDecoderLayer,
nn.TransformerDecoder and nn.Transformer: reprs, state-dict keys, outputs and the gradients of the inputs and of every
parameter from PyTorch 1.13, for packages/nn/test/transformer.test.ts.

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

# PyTorch's keyword names of the masks, as Kindling spells them.
MASK_NAMES = {'src_mask': 'srcMask', 'mask': 'mask', 'src_key_padding_mask': 'srcKeyPaddingMask', 'tgt_mask': 'tgtMask',
              'memory_mask': 'memoryMask', 'tgt_key_padding_mask': 'tgtKeyPaddingMask',
              'memory_key_padding_mask': 'memoryKeyPaddingMask'}


def run(name, build, nhead, options, x_shape, masks=None, layers=None, kind='encoder', second_shape=None):
    """One case: the module's output for x (and, for a decoder, the memory; for a Transformer, the target), the
    loss sum(out * w), and the gradients of the inputs and of every parameter."""
    torch.manual_seed(0)
    m = build()
    x = torch.randn(x_shape, requires_grad=True)
    second = torch.randn(second_shape, requires_grad=True) if second_shape else None
    fkw = {k: v for k, v in (masks or {}).items()}
    out = m(x, **fkw) if second is None else m(x, second, **fkw)
    w = torch.randn(out.shape)
    (out * w).sum().backward()
    case = {
        'name': name, 'kind': kind, 'nhead': nhead, 'options': options, 'layers': layers, 'repr': repr(m),
        'masks': {MASK_NAMES[k]: enc(v.float() if v.dtype == torch.bool else v)
                  | {'dtype': 'bool' if v.dtype == torch.bool else 'float32'} for k, v in (masks or {}).items()},
        'stateDict': {k: enc(t) for k, t in m.state_dict().items()},
        'input': enc(x), 'out': enc(out), 'w': enc(w), 'inputGrad': enc(x.grad),
        'paramGrads': {n: enc(p.grad) for n, p in m.named_parameters()},
    }
    if second is not None:
        case['second'] = enc(second)
        case['secondGrad'] = enc(second.grad)
    return case


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
        # The decoder: tgt (T=4) attends over a memory (S=5).
        run('decoder layer: post-norm relu, causal target mask, memory key padding',
            lambda: nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
            {'dimFeedforward': 16, 'dropout': 0.0}, (4, 2, 8), kind='decoder', second_shape=(5, 2, 8),
            masks={'tgt_mask': causal[:4, :4], 'memory_key_padding_mask': padding}),
        run('decoder layer: norm first, gelu, batch first, float memory mask and target key padding',
            lambda: nn.TransformerDecoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation='gelu',
                                               batch_first=True, norm_first=True, layer_norm_eps=1e-6), 4,
            {'dimFeedforward': 12, 'dropout': 0.0, 'activation': 'gelu', 'batchFirst': True, 'normFirst': True,
             'layerNormEps': 1e-6}, (2, 4, 8), kind='decoder', second_shape=(2, 5, 8),
            masks={'memory_mask': torch.tensor([[0.0, -1.0, 0.5, float('-inf'), 0.0]] * 4),
                   'tgt_key_padding_mask': padding[:, 1:]}),
        run('decoder of 2 layers and a final norm',
            lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
                                          norm=nn.LayerNorm(8)), 2,
            {'dimFeedforward': 16, 'dropout': 0.0}, (4, 2, 8), layers=2, kind='decoder', second_shape=(5, 2, 8),
            masks={'tgt_mask': nn.Transformer.generate_square_subsequent_mask(4)}),
        # The whole model: src (S=5) through the encoder, tgt (T=4) through the decoder.
        run('transformer of 2 + 1 layers, causal target mask, source key padding',
            lambda: nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
                                   dim_feedforward=16, dropout=0.0), 2,
            {'dModel': 8, 'nhead': 2, 'numEncoderLayers': 2, 'numDecoderLayers': 1, 'dimFeedforward': 16,
             'dropout': 0.0}, (5, 2, 8), kind='transformer', second_shape=(4, 2, 8),
            masks={'tgt_mask': nn.Transformer.generate_square_subsequent_mask(4), 'src_key_padding_mask': padding,
                   'memory_key_padding_mask': padding}),
        run('transformer, batch first, norm first',
            lambda: nn.Transformer(d_model=8, nhead=4, num_encoder_layers=1, num_decoder_layers=2,
                                   dim_feedforward=12, dropout=0.0, batch_first=True, norm_first=True), 4,
            {'dModel': 8, 'nhead': 4, 'numEncoderLayers': 1, 'numDecoderLayers': 2, 'dimFeedforward': 12,
             'dropout': 0.0, 'batchFirst': True, 'normFirst': True}, (2, 5, 8), kind='transformer',
            second_shape=(2, 3, 8)),
    ]
    write_cases(OUT, cases, squareSubsequentMask=enc(nn.Transformer.generate_square_subsequent_mask(3)))


if __name__ == '__main__':
    main()
