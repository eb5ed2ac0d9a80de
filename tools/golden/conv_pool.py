"""Golden fixtures for convolution and pooling: outputs, grad_fn names and input/weight/bias gradients from real
PyTorch over option combinations, plus the error messages of bad calls.

    /usr/bin/python3 tools/golden/conv_pool.py [--fresh]   # writes packages/core/test/fixtures/conv_pool.json

The case format is golden.py's (args are tensor specs, numbers, strings or lists; kwargs use Kindling's names).
An error case is {name, op, args, kwargs, error, message}; its tensor args are {shape, dtype} and hold zeros.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from golden import DTYPES, Arg, channels_last, expanded, run_case, sliced, transposed, write_fixture  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'conv_pool.json')


def _size(v):
    return tuple(v) if isinstance(v, list) else v


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    return F.conv2d(x, w, b, _size(stride), padding if isinstance(padding, str) else _size(padding), _size(dilation), groups)


def max_pool2d(x, kernel, stride=None, padding=0, dilation=1, ceilMode=False, returnIndices=False):
    return F.max_pool2d(x, _size(kernel), _size(stride), _size(padding), _size(dilation), ceil_mode=ceilMode,
                        return_indices=returnIndices)


def avg_pool2d(x, kernel, stride=None, padding=0, ceilMode=False, countIncludePad=True, divisorOverride=None):
    return F.avg_pool2d(x, _size(kernel), _size(stride), _size(padding), ceil_mode=ceilMode,
                        count_include_pad=countIncludePad, divisor_override=divisorOverride)


def adaptive_avg_pool2d(x, size):
    return F.adaptive_avg_pool2d(x, _size(size))


def adaptive_max_pool2d(x, size, returnIndices=False):
    return F.adaptive_max_pool2d(x, _size(size), return_indices=returnIndices)


OPS = {
    'conv2d': conv2d,
    'maxPool2d': max_pool2d,
    'avgPool2d': avg_pool2d,
    'adaptiveAvgPool2d': adaptive_avg_pool2d,
    'adaptiveMaxPool2d': adaptive_max_pool2d,
}


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=torch.float64).to(dtype)


def ties(*shape):
    """Small integers as floats: many equal values inside each window."""
    return torch.randint(-2, 3, shape).float()


def conv_cases(C):
    A = lambda t: Arg(t, True)  # noqa: E731
    C('basic', 'conv2d', A(rnd(2, 3, 7, 6)), A(rnd(4, 3, 3, 3)), A(rnd(4)))
    C('no bias', 'conv2d', A(rnd(2, 3, 7, 6)), A(rnd(4, 3, 3, 3)), None)
    C('stride 2 padding 1', 'conv2d', A(rnd(2, 3, 8, 7)), A(rnd(5, 3, 3, 3)), A(rnd(5)), stride=2, padding=1)
    C('stride [2, 1] padding [0, 2]', 'conv2d', A(rnd(2, 2, 7, 5)), A(rnd(3, 2, 3, 3)), A(rnd(3)), stride=[2, 1], padding=[0, 2])
    C('stride 3 leaves rows unused', 'conv2d', A(rnd(1, 2, 8, 8)), A(rnd(3, 2, 3, 3)), A(rnd(3)), stride=3)
    C('dilation 2 padding 2', 'conv2d', A(rnd(2, 3, 8, 8)), A(rnd(4, 3, 3, 3)), A(rnd(4)), dilation=2, padding=2)
    C('dilation [2, 1] stride [1, 2] padding [1, 0]', 'conv2d', A(rnd(2, 2, 9, 8)), A(rnd(3, 2, 3, 2)), None,
      dilation=[2, 1], stride=[1, 2], padding=[1, 0])
    C('groups 2', 'conv2d', A(rnd(2, 4, 6, 6)), A(rnd(6, 2, 3, 3)), A(rnd(6)), groups=2, padding=1)
    C('depthwise', 'conv2d', A(rnd(2, 4, 6, 6)), A(rnd(4, 1, 3, 3)), A(rnd(4)), groups=4, padding=1)
    C('depthwise multiplier 2 stride 2', 'conv2d', A(rnd(2, 3, 7, 7)), A(rnd(6, 1, 3, 3)), None, groups=3, stride=2)
    C("padding 'same' 3x3", 'conv2d', A(rnd(2, 3, 6, 5)), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding='same')
    C("padding 'same' even kernel 2x4", 'conv2d', A(rnd(2, 2, 5, 6)), A(rnd(3, 2, 2, 4)), A(rnd(3)), padding='same')
    C("padding 'same' kernel 2 dilation 2", 'conv2d', A(rnd(1, 2, 5, 5)), A(rnd(3, 2, 2, 2)), None, padding='same', dilation=2)
    C("padding 'same' kernel [4, 2] dilation [1, 3] groups 2", 'conv2d', A(rnd(1, 4, 6, 7)), A(rnd(4, 2, 4, 2)), A(rnd(4)),
      padding='same', dilation=[1, 3], groups=2)
    C("padding 'valid'", 'conv2d', A(rnd(2, 3, 6, 5)), A(rnd(4, 3, 3, 2)), A(rnd(4)), padding='valid')
    C('1x1', 'conv2d', A(rnd(2, 5, 4, 3)), A(rnd(6, 5, 1, 1)), A(rnd(6)))
    C('1x1 large image (one batch element per GEMM, input read in place)', 'conv2d', A(rnd(2, 3, 17, 16)), A(rnd(4, 3, 1, 1)), A(rnd(4)))
    C('large image (one batch element per GEMM)', 'conv2d', A(rnd(2, 2, 16, 17)), A(rnd(3, 2, 3, 3)), A(rnd(3)), padding=1)
    C('batch in uneven chunks', 'conv2d', A(rnd(5, 2, 8, 8)), A(rnd(4, 2, 3, 3)), A(rnd(4)), padding=1)
    C('batch in uneven chunks, groups 2, no bias', 'conv2d', A(rnd(5, 4, 8, 8)), A(rnd(6, 2, 3, 3)), None, padding=1, groups=2)
    C('1x1 spatial', 'conv2d', A(rnd(6, 8, 1, 1)), A(rnd(5, 8, 1, 1)), A(rnd(5)))
    C('1x1 stride 2 (downsample)', 'conv2d', A(rnd(2, 4, 6, 6)), A(rnd(8, 4, 1, 1)), None, stride=2)
    C('1x1 padding 1', 'conv2d', A(rnd(1, 3, 3, 3)), A(rnd(2, 3, 1, 1)), A(rnd(2)), padding=1)
    C('1x1 groups 2', 'conv2d', A(rnd(2, 4, 3, 3)), A(rnd(6, 2, 1, 1)), A(rnd(6)), groups=2)
    C('1x5 kernel', 'conv2d', A(rnd(2, 2, 4, 9)), A(rnd(3, 2, 1, 5)), A(rnd(3)), padding=[0, 2])
    C('7x7 stride 2 padding 3 (stem)', 'conv2d', A(rnd(1, 3, 12, 12)), A(rnd(2, 3, 7, 7)), A(rnd(2)), stride=2, padding=3)
    C('kernel covers the padded input', 'conv2d', A(rnd(1, 2, 3, 3)), A(rnd(2, 2, 5, 5)), A(rnd(2)), padding=1)
    C('more channels', 'conv2d', A(rnd(1, 16, 5, 5)), A(rnd(6, 16, 3, 3)), A(rnd(6)), padding=1)
    C('unbatched', 'conv2d', A(rnd(3, 6, 5)), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C("unbatched padding 'same' even kernel", 'conv2d', A(rnd(2, 5, 5)), A(rnd(3, 2, 2, 2)), None, padding='same')
    C('input transposed (non-contiguous)', 'conv2d', transposed(rnd(2, 3, 6, 7)), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C('input sliced with step 2', 'conv2d', sliced(rnd(2, 3, 6, 12), 3, 0, None, 2), A(rnd(4, 3, 3, 3)), A(rnd(4)), stride=2)
    C('weight transposed (non-contiguous)', 'conv2d', A(rnd(2, 3, 6, 6)), transposed(rnd(4, 3, 3, 2)), A(rnd(4)))
    C('bias sliced', 'conv2d', A(rnd(1, 2, 4, 4)), A(rnd(3, 2, 3, 3)), sliced(rnd(6), 0, 0, None, 2))
    C('float64', 'conv2d', A(rnd(2, 3, 6, 5, dtype=torch.float64)), A(rnd(4, 3, 3, 3, dtype=torch.float64)),
      A(rnd(4, dtype=torch.float64)), stride=[1, 2], padding=1, dilation=[2, 1])
    C('input only requires grad', 'conv2d', A(rnd(2, 3, 5, 5)), Arg(rnd(4, 3, 3, 3), False), Arg(rnd(4), False), padding=1)
    C('weight only requires grad', 'conv2d', Arg(rnd(2, 3, 5, 5), False), A(rnd(4, 3, 3, 3)), None, stride=2)
    C('int64', 'conv2d', Arg(torch.randint(-5, 5, (1, 2, 5, 5)), False), Arg(torch.randint(-3, 3, (3, 2, 3, 3)), False),
      Arg(torch.randint(-3, 3, (3,)), False), padding=1)


def pool_cases(C):
    A = lambda t: Arg(t, True)  # noqa: E731
    C('kernel 2', 'maxPool2d', A(rnd(2, 3, 6, 6)), 2)
    C('kernel 3 stride 2 padding 1 (stem)', 'maxPool2d', A(rnd(2, 3, 9, 8)), 3, stride=2, padding=1)
    C('ceilMode 5x5 kernel 2', 'maxPool2d', A(rnd(1, 2, 5, 5)), 2, ceilMode=True)
    C('ceilMode kernel 3 stride 2 padding 1', 'maxPool2d', A(rnd(1, 2, 6, 6)), 3, stride=2, padding=1, ceilMode=True)
    C('ceilMode last window dropped', 'maxPool2d', A(rnd(1, 2, 5, 5)), 2, stride=2, padding=1, ceilMode=True)
    C('dilation 2', 'maxPool2d', A(rnd(2, 2, 7, 7)), 3, stride=1, dilation=2)
    C('dilation [2, 1] padding 1', 'maxPool2d', A(rnd(1, 2, 7, 6)), 3, stride=2, padding=1, dilation=[2, 1])
    C('rectangular kernel', 'maxPool2d', A(rnd(2, 2, 6, 7)), [2, 3], stride=[1, 2], padding=[1, 1])
    C('ties go to the first maximum', 'maxPool2d', A(ties(2, 3, 6, 6)), 3, stride=1, padding=1)
    C('returnIndices', 'maxPool2d', A(rnd(2, 2, 6, 5)), 2, stride=1, returnIndices=True)
    C('unbatched', 'maxPool2d', A(rnd(3, 6, 6)), 3, stride=2)
    C('unbatched returnIndices', 'maxPool2d', A(rnd(2, 5, 5)), 2, returnIndices=True)
    C('non-contiguous input', 'maxPool2d', transposed(rnd(2, 3, 6, 7)), 2)
    C('float64', 'maxPool2d', A(rnd(2, 2, 6, 6, dtype=torch.float64)), 3, stride=2, padding=1)
    x = rnd(1, 2, 4, 4)
    x[0, 0, 0, 1] = float('nan')
    x[0, 0, 1, 0] = float('nan')
    x[0, 1, 2, 2] = float('-inf')
    C('NaN and -inf', 'maxPool2d', Arg(x, False), 2, returnIndices=True)
    C('all -inf window', 'maxPool2d', Arg(torch.full((1, 1, 2, 2), float('-inf')), False), 2, returnIndices=True)

    C('kernel 2', 'avgPool2d', A(rnd(2, 3, 6, 6)), 2)
    C('kernel 3 stride 2 padding 1', 'avgPool2d', A(rnd(2, 2, 7, 8)), 3, stride=2, padding=1)
    C('countIncludePad false', 'avgPool2d', A(rnd(2, 2, 7, 8)), 3, stride=2, padding=1, countIncludePad=False)
    C('ceilMode padding 1', 'avgPool2d', A(rnd(1, 2, 5, 5)), 3, stride=2, padding=1, ceilMode=True)
    C('ceilMode countIncludePad false', 'avgPool2d', A(rnd(1, 2, 6, 5)), 3, stride=2, padding=1, ceilMode=True, countIncludePad=False)
    C('ceilMode window past the padding', 'avgPool2d', A(rnd(1, 1, 4, 4)), 2, stride=3, padding=1, ceilMode=True)
    C('divisorOverride', 'avgPool2d', A(rnd(2, 2, 6, 6)), 3, stride=2, padding=1, divisorOverride=5)
    C('rectangular', 'avgPool2d', A(rnd(2, 2, 6, 7)), [2, 3], stride=[2, 1], padding=[1, 0])
    C('unbatched', 'avgPool2d', A(rnd(3, 6, 6)), 2, stride=1)
    C('non-contiguous input', 'avgPool2d', transposed(rnd(2, 3, 6, 7)), 3, stride=2)
    C('float64', 'avgPool2d', A(rnd(2, 2, 6, 6, dtype=torch.float64)), 3, stride=2, padding=1, countIncludePad=False)
    C('int64', 'avgPool2d', Arg(torch.randint(-9, 9, (1, 2, 5, 5)), False), 2, divisorOverride=3)

    C('7x5 to 3x2', 'adaptiveAvgPool2d', A(rnd(2, 3, 7, 5)), [3, 2])
    C('to 1x1 (mean)', 'adaptiveAvgPool2d', A(rnd(2, 3, 4, 5)), 1)
    C('unbatched to 1x1', 'adaptiveAvgPool2d', A(rnd(3, 4, 5)), [1, 1])
    C('unbatched', 'adaptiveAvgPool2d', A(rnd(3, 6, 6)), 4)
    C('None keeps the size', 'adaptiveAvgPool2d', A(rnd(2, 2, 5, 6)), [None, 4])
    C('output larger than input', 'adaptiveAvgPool2d', A(rnd(1, 2, 3, 4)), [5, 7])
    C('non-contiguous input', 'adaptiveAvgPool2d', transposed(rnd(2, 2, 6, 7)), [3, 3])
    C('float64', 'adaptiveAvgPool2d', A(rnd(2, 2, 7, 6, dtype=torch.float64)), [4, 3])

    C('7x5 to 3x2', 'adaptiveMaxPool2d', A(rnd(2, 3, 7, 5)), [3, 2])
    C('returnIndices', 'adaptiveMaxPool2d', A(rnd(2, 2, 6, 5)), [4, 3], returnIndices=True)
    C('unbatched', 'adaptiveMaxPool2d', A(rnd(3, 6, 6)), 4)
    C('to 1x1', 'adaptiveMaxPool2d', A(rnd(2, 3, 4, 5)), 1)
    C('output larger than input', 'adaptiveMaxPool2d', A(rnd(1, 2, 3, 4)), [5, 7])
    C('ties', 'adaptiveMaxPool2d', A(ties(2, 2, 7, 7)), [3, 4])
    C('non-contiguous input', 'adaptiveMaxPool2d', transposed(rnd(2, 2, 6, 7)), [3, 3])
    x = rnd(1, 1, 4, 4)
    x[0, 0, 0, 0] = float('nan')
    x[0, 0, 1, 1] = float('nan')
    C('NaN', 'adaptiveMaxPool2d', Arg(x, False), [2, 2], returnIndices=True)


def view_cases(C):
    """Inputs and weights that are expanded (stride 0) or transposed views: the kernels must read them through
    their strides (or from a copy), never as dense arrays. Reseeds first, so these inputs do not depend on the
    groups before."""
    torch.manual_seed(20241)
    A = lambda t: Arg(t, True)  # noqa: E731
    E = expanded
    C('input expanded over batch', 'conv2d', E(rnd(1, 3, 6, 6), [3, 3, 6, 6]), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C('input expanded over channels', 'conv2d', E(rnd(2, 1, 6, 6), [2, 3, 6, 6]), A(rnd(4, 3, 3, 3)), A(rnd(4)))
    C('input expanded over rows', 'conv2d', E(rnd(2, 3, 1, 7), [2, 3, 6, 7]), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C('input expanded over columns stride 2', 'conv2d', E(rnd(2, 3, 6, 1), [2, 3, 6, 7]), A(rnd(4, 3, 3, 3)), None, stride=2)
    C('input expanded from one value', 'conv2d', E(rnd(1, 1, 1, 1), [2, 3, 5, 5]), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C('1x1 input expanded over batch (large image)', 'conv2d', E(rnd(1, 3, 17, 16), [2, 3, 17, 16]), A(rnd(4, 3, 1, 1)), A(rnd(4)))
    C('1x1 input expanded over rows (large image)', 'conv2d', E(rnd(2, 3, 1, 16), [2, 3, 17, 16]), A(rnd(4, 3, 1, 1)), A(rnd(4)))
    C('1x1 input transposed (large image)', 'conv2d', transposed(rnd(2, 3, 17, 16)), A(rnd(4, 3, 1, 1)), A(rnd(4)))
    C('1x1 input channels-last', 'conv2d', channels_last(rnd(2, 5, 4, 3)), A(rnd(6, 5, 1, 1)), A(rnd(6)))
    C('input channels-last', 'conv2d', channels_last(rnd(2, 3, 7, 6)), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C('input channels-last stride 2 (large image)', 'conv2d', channels_last(rnd(2, 3, 16, 17)), A(rnd(4, 3, 3, 3)), None, stride=2, padding=1)
    C('weight expanded over output channels', 'conv2d', A(rnd(2, 3, 6, 6)), E(rnd(1, 3, 3, 3), [4, 3, 3, 3]), A(rnd(4)))
    C('weight expanded over input channels', 'conv2d', A(rnd(2, 3, 6, 6)), E(rnd(4, 1, 3, 3), [4, 3, 3, 3]), A(rnd(4)), padding=1)
    C('weight expanded over the kernel window', 'conv2d', A(rnd(2, 3, 6, 6)), E(rnd(4, 3, 1, 1), [4, 3, 3, 3]), A(rnd(4)))
    C('1x1 weight expanded over output channels', 'conv2d', A(rnd(2, 5, 4, 3)), E(rnd(1, 5, 1, 1), [6, 5, 1, 1]), None)
    C('weight transposed over output and input channels', 'conv2d', A(rnd(2, 3, 6, 6)), transposed(rnd(4, 3, 3, 3), dims=(0, 1)), A(rnd(4)))
    C('weight channels-last', 'conv2d', A(rnd(2, 3, 6, 5)), channels_last(rnd(4, 3, 3, 2)), A(rnd(4)), padding=1)
    C('bias expanded', 'conv2d', A(rnd(2, 3, 5, 5)), A(rnd(4, 3, 3, 3)), E(rnd(1), [4]))
    C('input and weight expanded', 'conv2d', E(rnd(1, 3, 6, 6), [2, 3, 6, 6]), E(rnd(4, 1, 3, 3), [4, 3, 3, 3]), E(rnd(1), [4]), padding=1)
    C('groups 2 weight expanded over output channels', 'conv2d', A(rnd(2, 4, 6, 6)), E(rnd(1, 2, 3, 3), [6, 2, 3, 3]), A(rnd(6)), groups=2, padding=1)
    C('depthwise input expanded over batch stride 2', 'conv2d', E(rnd(1, 4, 7, 7), [3, 4, 7, 7]), A(rnd(4, 1, 3, 3)), A(rnd(4)), groups=4, stride=2)
    C('depthwise input channels-last', 'conv2d', channels_last(rnd(2, 4, 6, 6)), A(rnd(4, 1, 3, 3)), None, groups=4, padding=1)
    C('unbatched input expanded over channels', 'conv2d', E(rnd(1, 6, 5), [3, 6, 5]), A(rnd(4, 3, 3, 3)), A(rnd(4)), padding=1)
    C('float64 input expanded over batch, weight transposed', 'conv2d', E(rnd(1, 3, 6, 5, dtype=torch.float64), [2, 3, 6, 5]),
      transposed(rnd(4, 3, 3, 3, dtype=torch.float64), dims=(0, 1)), A(rnd(4, dtype=torch.float64)), padding=1)
    C('float64 input channels-last', 'conv2d', channels_last(rnd(2, 3, 6, 6, dtype=torch.float64)), A(rnd(4, 3, 3, 3, dtype=torch.float64)),
      None, stride=2, padding=1)

    C('input expanded over batch', 'maxPool2d', E(rnd(1, 3, 6, 6), [2, 3, 6, 6]), 2)
    C('input expanded over channels stride 2 padding 1', 'maxPool2d', E(rnd(2, 1, 7, 7), [2, 3, 7, 7]), 3, stride=2, padding=1)
    C('input expanded over columns (ties) returnIndices', 'maxPool2d', E(rnd(2, 2, 6, 1), [2, 2, 6, 5]), 2, stride=1, returnIndices=True)
    C('input channels-last', 'maxPool2d', channels_last(rnd(2, 3, 6, 7)), 3, stride=2, padding=1)
    C('float64 input expanded over rows', 'maxPool2d', E(rnd(2, 2, 1, 6, dtype=torch.float64), [2, 2, 5, 6]), 2, stride=1)
    C('input expanded over batch', 'avgPool2d', E(rnd(1, 3, 6, 6), [2, 3, 6, 6]), 2)
    C('input expanded over rows countIncludePad false', 'avgPool2d', E(rnd(2, 2, 1, 7), [2, 2, 6, 7]), 3, stride=2, padding=1,
      countIncludePad=False)
    C('input channels-last', 'avgPool2d', channels_last(rnd(2, 3, 7, 6)), 3, stride=2, padding=1)
    C('input expanded over batch', 'adaptiveAvgPool2d', E(rnd(1, 3, 7, 5), [2, 3, 7, 5]), [3, 2])
    C('input channels-last', 'adaptiveAvgPool2d', channels_last(rnd(2, 3, 6, 7)), [3, 3])
    C('input expanded over rows returnIndices', 'adaptiveMaxPool2d', E(rnd(2, 2, 1, 7), [2, 2, 5, 7]), [2, 3], returnIndices=True)
    C('input channels-last', 'adaptiveMaxPool2d', channels_last(rnd(2, 3, 6, 7)), [3, 3])


def error_cases():
    specs = []

    def E(name, op, shapes, *rest, dtypes=None, **kwargs):
        args = []
        real = []
        for i, s in enumerate(shapes):
            if s is None:
                args.append(None)
                real.append(None)
                continue
            dt = (dtypes or {}).get(i, torch.float32)
            args.append({'shape': list(s), 'dtype': DTYPES[dt]})
            real.append(torch.zeros(s, dtype=dt))
        try:
            OPS[op](*real, *rest, **kwargs)
        except Exception as e:  # noqa: BLE001
            specs.append({'name': name, 'op': op, 'args': args + list(rest), 'kwargs': kwargs,
                          'error': type(e).__name__, 'message': str(e).split('\n')[0]})
            return
        raise AssertionError(f'{name}: no error')

    w = (8, 3, 3, 3)
    E('input rank 2', 'conv2d', [(2, 3), w, None])
    E('input rank 5', 'conv2d', [(2, 3, 4, 5, 6), w, None])
    E('channel mismatch', 'conv2d', [(1, 1, 5, 5), w, None])
    E('channel mismatch unbatched', 'conv2d', [(2, 5, 5), w, None])
    E('kernel larger than padded input', 'conv2d', [(1, 3, 2, 2), w, None])
    E('dilated kernel larger than padded input', 'conv2d', [(1, 3, 5, 1), w, None], padding=[1, 1], dilation=2)
    E('groups do not divide input channels', 'conv2d', [(1, 3, 5, 5), w, None], groups=2)
    E('groups do not divide output channels', 'conv2d', [(1, 4, 5, 5), (6, 2, 3, 3), None], groups=4)
    E('groups larger than output channels', 'conv2d', [(1, 4, 5, 5), (2, 1, 3, 3), None], groups=4)
    E('groups 0', 'conv2d', [(1, 4, 5, 5), (6, 2, 3, 3), None], groups=0)
    E('stride 0', 'conv2d', [(1, 3, 5, 5), w, None], stride=0)
    E('stride [1, -1]', 'conv2d', [(1, 3, 5, 5), w, None], stride=[1, -1])
    E('dilation 0', 'conv2d', [(1, 3, 5, 5), w, None], dilation=0)
    E('negative padding', 'conv2d', [(1, 3, 5, 5), w, None], padding=-1)
    E("padding 'same' with stride 2", 'conv2d', [(1, 3, 5, 5), w, None], padding='same', stride=2)
    E('invalid padding string', 'conv2d', [(1, 3, 5, 5), w, None], padding='full')
    E('bias size', 'conv2d', [(1, 3, 5, 5), w, (7,)])
    E('weight rank 2', 'conv2d', [(1, 3, 5, 5), (8, 3), None])
    E('weight rank 3', 'conv2d', [(1, 3, 5, 5), (8, 3, 3), None])
    E('stride of 3 values', 'conv2d', [(1, 3, 5, 5), w, None], stride=[1, 2, 3])
    E('dtype mismatch', 'conv2d', [(1, 3, 5, 5), w, None], dtypes={0: torch.float64})
    E('bias dtype mismatch', 'conv2d', [(1, 3, 5, 5), w, (8,)], dtypes={2: torch.float64})
    E('bool', 'conv2d', [(1, 3, 5, 5), w, None], dtypes={0: torch.bool, 1: torch.bool})

    x = (1, 2, 5, 5)
    E('pad more than half the kernel', 'maxPool2d', [x], 3, padding=2)
    E('pad more than half the kernel (dilated)', 'maxPool2d', [x], 3, padding=2, dilation=2)
    E('negative padding', 'maxPool2d', [x], 2, padding=-1)
    E('input rank 2', 'maxPool2d', [(2, 3)], 2)
    E('output too small', 'maxPool2d', [(1, 1, 1, 1)], 2)
    E('output too small (dilated)', 'maxPool2d', [(1, 1, 3, 3)], 3, dilation=2)
    E('kernel 0', 'maxPool2d', [x], 0, stride=1)
    E('kernel 0 default stride', 'maxPool2d', [x], 0)
    E('stride 0', 'maxPool2d', [x], 2, stride=0)
    E('negative stride', 'maxPool2d', [x], 2, stride=-1)
    E('dilation 0', 'maxPool2d', [x], 2, dilation=0)
    E('kernel of 3 values', 'maxPool2d', [x], [2, 2, 2])
    E('stride of 3 values', 'maxPool2d', [x], 2, stride=[1, 2, 3])
    E('padding of 3 values', 'maxPool2d', [x], 2, padding=[1, 2, 3])
    E('dilation of 3 values', 'maxPool2d', [x], 2, dilation=[1, 2, 3])
    E('empty plane', 'maxPool2d', [(1, 2, 0, 4)], 2)
    E('int64', 'maxPool2d', [x], 2, dtypes={0: torch.int64})

    E('pad more than half the kernel', 'avgPool2d', [x], 3, padding=2)
    E('input rank 2', 'avgPool2d', [(2, 3)], 2)
    E('input rank 5', 'avgPool2d', [(1, 1, 2, 2, 2)], 2)
    E('output too small', 'avgPool2d', [(1, 1, 1, 1)], 2)
    E('kernel 0', 'avgPool2d', [x], 0, stride=1)
    E('stride 0', 'avgPool2d', [x], 2, stride=0)
    E('divisorOverride 0', 'avgPool2d', [x], 2, divisorOverride=0)
    E('kernel of 3 values', 'avgPool2d', [x], [2, 2, 2])
    E('padding of 3 values', 'avgPool2d', [x], 2, padding=[1, 2, 3])
    E('int32', 'avgPool2d', [x], 2, dtypes={0: torch.int32})

    E('input rank 2', 'adaptiveAvgPool2d', [(2, 3)], 2)
    E('output size of 3 values', 'adaptiveAvgPool2d', [x], [2, 2, 2])
    E('negative output size', 'adaptiveAvgPool2d', [(2, 2, 2)], [-1, 2])
    E('empty plane', 'adaptiveAvgPool2d', [(1, 2, 0, 4)], 2)
    E('int64', 'adaptiveAvgPool2d', [x], 2, dtypes={0: torch.int64})
    E('input rank 2', 'adaptiveMaxPool2d', [(2, 3)], 2)
    E('output size of 3 values', 'adaptiveMaxPool2d', [x], [2, 2, 2])
    E('empty channels', 'adaptiveMaxPool2d', [(1, 0, 2, 2)], 2)
    E('int64', 'adaptiveMaxPool2d', [x], 2, dtypes={0: torch.int64})
    return specs


def main():
    torch.manual_seed(0)
    cases = []

    def C(name, op, *args, tol=None, **kwargs):
        cases.append(run_case(name, op, OPS[op], list(args), kwargs, tol=tol, seed=len(cases)))

    conv_cases(C)
    pool_cases(C)
    view_cases(C)
    errors = error_cases()
    kept, replaced, added = write_fixture(OUT, {'torch': torch.__version__, 'cases': cases, 'errors': errors}, newline=False,
                                          fresh='--fresh' in sys.argv)
    print(f'{len(cases)} cases ({added} new, {replaced} changed, {kept} as stored), {len(errors)} errors -> {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
