"""Recurrent layers drawn at random against PyTorch 1.13: RNN, LSTM and GRU with random sizes, layers, directions,
batch-first or unbatched inputs, biases, nonlinearities, projections, initial states, dtypes and input scales (up to
saturating the gates), and the cells stepped over a sequence, in rnn.py's case format.

    /usr/bin/python3 tools/golden/fuzz_rnn.py [--seed S] [--cases N] [--out FILE]

Writes packages/nn/test/fixtures/fuzz_rnn.json (seed 0) by default, replayed by packages/nn/test/fuzz-rnn.test.ts;
`KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzz import Draw, fuzz_args  # noqa: E402
from module_cases import write_cases  # noqa: E402
from rnn import case, cell_case  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'fuzz_rnn.json')


def draw_case(d, index):
    cls = d.pick(['RNN', 'LSTM', 'GRU', 'RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell'])
    input_size, hidden = d.r.randint(1, 5), d.r.randint(1, 5)
    kwargs = {}
    if d.chance(0.2):
        kwargs['bias'] = False
    if cls in ('RNN', 'RNNCell') and d.chance(0.5):
        kwargs['nonlinearity'] = 'relu'
    cell = cls.endswith('Cell')
    if not cell:
        if d.chance(0.5):
            kwargs['num_layers'] = d.r.randint(2, 3)
        if d.chance(0.4):
            kwargs['bidirectional'] = True
        if d.chance(0.3):
            kwargs['batch_first'] = True
        if cls == 'LSTM' and hidden > 1 and d.chance(0.3):
            kwargs['proj_size'] = d.r.randint(1, hidden - 1)
    seq, batch = d.r.randint(1, 6), d.r.randint(1, 3)
    batched = d.chance(0.8)
    if not batched:
        x_shape = (seq, input_size)
    elif kwargs.get('batch_first'):
        x_shape = (batch, seq, input_size)
    else:
        x_shape = (seq, batch, input_size)
    dtype = d.pick([torch.float32, torch.float32, torch.float64])
    # Inputs 30 times the unit scale saturate the gates: there a float32 gradient such as s * (1 - s), with s one ulp
    # from 1, changes by half with the last bit of s, which PyTorch's vectorised exp and Kindling's set differently.
    # That scale is drawn in float64 only.
    scale = d.pick([1.0, 1.0, 0.1, 4.0] + ([30.0] if dtype == torch.float64 else []))
    name = f'{index} {cls} {dict(kwargs)} input {list(x_shape)} x{scale} {str(dtype)[6:]}'
    make = cell_case if cell else case
    return make(name, cls, input_size, hidden, kwargs, x_shape, with_state=d.chance(0.5), dtype=dtype,
                seed=d.r.randrange(2**31), scale=scale)


def main():
    args = fuzz_args(OUT, 80)
    d = Draw(args.seed)
    write_cases(args.out, [draw_case(d, i) for i in range(args.cases)], seed=args.seed)


if __name__ == '__main__':
    main()
