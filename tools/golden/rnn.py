"""Golden fixtures for nn.RNN, nn.LSTM and nn.GRU, and for the cells nn.RNNCell, nn.LSTMCell and nn.GRUCell run over a
sequence step by step: outputs, final states and the gradients of the input, of the initial states and of every
parameter from PyTorch 1.13 (CPU), for packages/nn/test/rnn.test.ts; and their reprs and state-dict keys.

Run from the repository root:

    /usr/bin/python3 tools/golden/rnn.py

The loss is the sum of every output times random weights (the output, and the final states).
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from module_cases import enc, write_cases  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'rnn.json')




def camel(name):
    parts = name.split('_')
    return parts[0] + ''.join(p.title() for p in parts[1:])


def recorded(name, cls, input_size, hidden, kwargs, m, x, states, out, finals):
    """The case: the loss sum(t * w) over the output and the final states backward, and everything recorded."""
    weights = [torch.randn(t.shape, dtype=x.dtype) for t in [out] + finals]
    sum((t * w).sum() for t, w in zip([out] + finals, weights)).backward()
    return {
        'name': name, 'cls': cls, 'inputSize': input_size, 'hiddenSize': hidden,
        'options': {camel(k): v for k, v in kwargs.items()}, 'repr': repr(m),
        'stateDict': {k: enc(t) for k, t in m.state_dict().items()},
        'input': enc(x), 'states': [enc(t) for t in states],
        'out': enc(out), 'finals': [enc(t) for t in finals], 'weights': [enc(w) for w in weights],
        'inputGrad': enc(x.grad), 'stateGrads': [enc(t.grad) for t in states],
        'paramGrads': {n: enc(p.grad) for n, p in m.named_parameters()},
    }


def case(name, cls, input_size, hidden, kwargs, x_shape, with_state=False, dtype=torch.float32, seed=0, scale=1.0):
    """The layer over x (randn times `scale`), from the initial states when `with_state`."""
    torch.manual_seed(seed)
    m = getattr(nn, cls)(input_size, hidden, dtype=dtype, **kwargs)
    x = (torch.randn(x_shape, dtype=dtype) * scale).requires_grad_()
    batched = len(x_shape) == 3
    layers = kwargs.get('num_layers', 1) * (2 if kwargs.get('bidirectional') else 1)
    batch = x_shape[0 if kwargs.get('batch_first') else 1] if batched else None
    proj = kwargs.get('proj_size', 0) or hidden
    shape = lambda size: (layers, batch, size) if batched else (layers, size)  # noqa: E731 - h's, then c's
    states = []
    if with_state:
        states = [torch.randn(shape(size), dtype=dtype, requires_grad=True)
                  for size in ([proj, hidden] if cls == 'LSTM' else [hidden])]
    hx = None if not with_state else (tuple(states) if cls == 'LSTM' else states[0])
    out, h = m(x, hx)
    finals = list(h) if cls == 'LSTM' else [h]
    return recorded(name, cls, input_size, hidden, kwargs, m, x, states, out, finals)


def cell_case(name, cls, input_size, hidden, kwargs, x_shape, with_state=False, dtype=torch.float32, seed=0,
              scale=1.0):
    """A cell applied to each step of x (steps along dim 0), its state fed back; the outputs are the steps' hidden
    states stacked, and the finals the last state."""
    torch.manual_seed(seed)
    m = getattr(nn, cls)(input_size, hidden, dtype=dtype, **kwargs)
    x = (torch.randn(x_shape, dtype=dtype) * scale).requires_grad_()
    state_shape = (x_shape[1], hidden) if len(x_shape) == 3 else (hidden,)
    states = []
    if with_state:
        states = [torch.randn(state_shape, dtype=dtype, requires_grad=True) for _ in range(2 if cls == 'LSTMCell' else 1)]
    hx = None if not with_state else (tuple(states) if cls == 'LSTMCell' else states[0])
    outs = []
    for step in x.unbind(0):
        hx = m(step, hx)
        outs.append(hx[0] if cls == 'LSTMCell' else hx)
    out = torch.stack(outs, 0)
    finals = list(hx) if cls == 'LSTMCell' else [hx]
    return recorded(name, cls, input_size, hidden, kwargs, m, x, states, out, finals)


def main():
    cases = [
        case('LSTM', 'LSTM', 4, 3, {}, (5, 2, 4)),
        case('LSTM two layers, batch first, initial states', 'LSTM', 4, 3, {'num_layers': 2, 'batch_first': True},
             (2, 5, 4), with_state=True),
        case('LSTM bidirectional', 'LSTM', 3, 4, {'bidirectional': True}, (4, 3, 3)),
        case('LSTM unbatched, no bias', 'LSTM', 3, 2, {'bias': False}, (6, 3), with_state=True),
        case('GRU', 'GRU', 4, 3, {}, (5, 2, 4)),
        case('GRU two layers bidirectional batch first', 'GRU', 4, 3,
             {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, (2, 4, 4), with_state=True),
        case('RNN tanh', 'RNN', 4, 3, {}, (5, 2, 4), with_state=True),
        case('RNN relu two layers', 'RNN', 4, 3, {'nonlinearity': 'relu', 'num_layers': 2}, (5, 2, 4)),
        case('LSTM float64', 'LSTM', 4, 3, {'num_layers': 2}, (3, 2, 4), dtype=torch.float64),
        cell_case('LSTMCell over 4 steps', 'LSTMCell', 4, 3, {}, (4, 2, 4), with_state=True),
        cell_case('GRUCell over 4 steps from zeros', 'GRUCell', 4, 3, {}, (4, 2, 4)),
        cell_case('RNNCell relu without bias, unbatched', 'RNNCell', 3, 5, {'bias': False, 'nonlinearity': 'relu'},
                  (4, 3), with_state=True),
        cell_case('RNNCell tanh float64', 'RNNCell', 4, 3, {}, (3, 2, 4), with_state=True, dtype=torch.float64),
        cell_case('LSTMCell unbatched from zeros, no bias', 'LSTMCell', 3, 2, {'bias': False}, (5, 3)),
        case('LSTM projections, two layers bidirectional, initial states', 'LSTM', 4, 5,
             {'proj_size': 3, 'num_layers': 2, 'bidirectional': True}, (4, 2, 4), with_state=True),
        case('LSTM projections, batch first, float64', 'LSTM', 3, 4, {'proj_size': 2, 'batch_first': True}, (2, 5, 3),
             dtype=torch.float64),
    ]
    write_cases(OUT, cases)


if __name__ == '__main__':
    main()
