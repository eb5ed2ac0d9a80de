"""Random nn.functional cases checked against real PyTorch: activations, softmaxes, losses, normalisation, linear,
conv1d, 1-D pooling, padding and distances, and (fuzz_nn_layers.py) transposed convolutions, fold, grid sampling,
affine grids, embeddings and the embedding and margin losses, drawn with random shapes, views, options and values (NaN, infinities,
the activations' kinks), in the format of golden.py and with nn_functional.py's spelling of each op, so that the
nn golden test's runner replays them. Run from the repository root:

    python3 tools/golden/fuzz_nn.py                        # the committed fixture: seed 0, 400 cases
    python3 tools/golden/fuzz_nn.py --seed 7 --cases 4000 --out /tmp/fuzz-nn.json

and replay a file of your own with
`KINDLING_FUZZ_FIXTURE=/tmp/fuzz-nn.json npx vitest run packages/nn/test/fuzz-functional.test.ts`.
A case PyTorch refuses (an error) is drawn again.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzz import F32, F64, fuzz_main, loss_tol  # noqa: E402
from golden import Arg  # noqa: E402
from fuzz_nn_layers import embedding_loss_case, transposed_case  # noqa: E402
from nn_functional import OPS  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'nn', 'test', 'fixtures',
                   'fuzz_functional.json')

# Where the activations bend: their formulas change branch at these inputs.
KINKS = [0.0, -0.0, 1.0, -1.0, 3.0, -3.0, 6.0, 0.5, -0.5, 20.0, -20.0, 2.0]
REDUCTIONS = ['mean', 'sum', 'none']
POSITIONAL = {'F.hardshrink', 'F.softshrink', 'F.hardswish', 'F.hardtanh', 'F.relu6', 'F.elu', 'F.celu', 'F.selu'}


def inputs(d, shape, dtype):
    """Activation inputs: random values, with the kinks mixed in."""
    x = d.values(shape, dtype)
    if d.chance(0.5):
        flat = x.reshape(-1)
        for i in range(flat.numel()):
            if d.chance(0.3):
                flat[i] = d.pick(KINKS)
    return x


def activation_case(d):
    op = d.pick(['F.relu', 'F.leakyRelu', 'F.gelu', 'F.sigmoid', 'F.tanh', 'F.elu', 'F.selu', 'F.silu', 'F.softplus',
                 'F.celu', 'F.mish', 'F.hardtanh', 'F.relu6', 'F.hardsigmoid', 'F.hardswish', 'F.logsigmoid',
                 'F.threshold', 'F.hardshrink', 'F.softshrink', 'F.tanhshrink', 'F.softsign'])
    x = inputs(d, d.shape(), d.float_dtype())
    if op in POSITIONAL:
        # PyTorch's vectorised and scalar loops disagree on NaN (and hardswish on ±3, the shrinks on ±lambd), so
        # its answer for them depends on where the element sits in the tensor
        x = torch.where(torch.isnan(x), torch.full_like(x, 0.75), x)
        x = torch.where((x.abs() == 3.0) | (x.abs() == 0.5) | (x.abs() == 1.0), x + 0.125, x)
    options = {
        'F.leakyRelu': {'negativeSlope': d.pick([0.01, 0.2, -0.5])},
        'F.gelu': {'approximate': d.pick(['none', 'tanh'])},
        'F.elu': {'alpha': d.pick([1.0, 0.5, 2.0])},
        'F.softplus': {'beta': d.pick([1.0, 2.0, 0.5]), 'threshold': d.pick([20.0, 1.0, 5.0])},
        'F.celu': {'alpha': d.pick([1.0, 0.5, 2.0])},
        'F.hardtanh': {'minVal': d.pick([-1.0, -2.0]), 'maxVal': d.pick([1.0, 0.5])},
        'F.hardshrink': {'lambd': d.pick([0.5, 1.0])},
        'F.softshrink': {'lambd': d.pick([0.5, 1.0])},
    }.get(op, {})
    if options and d.chance(0.3):
        options = {}
    tol = None
    if op == 'F.gelu' and x.dtype == F32:
        # the tanh form cancels in float32 near -3 (PyTorch computes in float, Kindling in double), and its
        # gradient overflows in float32 past |x| ~ 1e12 (PyTorch's NaN, Kindling's limit)
        x = torch.where(x.abs() > 1e12, torch.sign(x) * 1e6, x)
        tol = {'rtol': 1e-4, 'atol': 1e-6}
    if op == 'F.threshold':
        return op, [d.arg(x), d.pick([0.5, -1.0, 0.0]), d.pick([-2.0, 0.25, 20.0])], {}, None
    return op, [d.arg(x)], options, tol


def softmax_case(d):
    op = d.pick(['F.softmax', 'F.logSoftmax', 'F.softmin', 'F.glu'])
    shape = d.shape(1, 4)
    rank = len(shape)
    dim = d.r.randrange(-rank, rank)
    if op == 'F.glu':
        shape[dim] = 2 * max(shape[dim], 1)
    x = d.values(shape, d.float_dtype())
    # glu's gradient takes 1 - sigmoid: where sigmoid nears 1 its last bit (PyTorch's float32 exp is not
    # Kindling's) is most of the difference
    tol = {'rtol': 1e-4, 'atol': 1e-4 * float(x[torch.isfinite(x)].abs().max())} if op == 'F.glu' and x.dtype == F32 and torch.isfinite(x).any() else None
    return op, [d.arg(x)], {'dim': dim}, tol


def class_loss_case(d):
    op = d.pick(['F.crossEntropy', 'F.crossEntropy', 'F.nllLoss'])
    dtype = d.float_dtype()
    n, c = d.pick([1, 2, 3, 5, 8]), d.pick([1, 2, 3, 5])
    extra = [d.pick([1, 2, 3]) for _ in range(d.pick([0, 0, 1, 2]))]
    unbatched = not extra and d.chance(0.15)
    shape = [c] if unbatched else [n, c] + extra
    tshape = [] if unbatched else [n] + extra
    x = d.values(shape, dtype, d.pick(['normal', 'normal', 'wide', 'special']))
    if op == 'F.nllLoss':
        x = x.log_softmax(0 if unbatched else 1)
    kwargs = {'reduction': d.pick(REDUCTIONS)}
    weight = Arg(d.positive([c], dtype), False) if d.chance(0.4) else None
    if op == 'F.crossEntropy' and d.chance(0.3):
        target = Arg(torch.randn(shape, generator=d.gen, dtype=F64).softmax(0 if unbatched else 1).to(dtype), d.chance(0.5))
        if d.chance(0.5):
            kwargs['labelSmoothing'] = d.pick([0.1, 0.3])
        return op, [d.arg(x), target, weight], kwargs, loss_tol(x)
    target = torch.randint(0, c, tshape, generator=d.gen)
    if d.chance(0.4):
        ignore = d.pick([0, c - 1, -100])
        kwargs['ignoreIndex'] = ignore
        if target.numel():
            target.reshape(-1)[0] = ignore
    if op == 'F.crossEntropy' and d.chance(0.3):
        kwargs['labelSmoothing'] = d.pick([0.1, 0.25])
    return op, [d.arg(x), Arg(target, False), weight], kwargs, loss_tol(x)


def regression_loss_case(d):
    op = d.pick(['F.mseLoss', 'F.l1Loss', 'F.smoothL1Loss', 'F.huberLoss', 'F.binaryCrossEntropy',
                 'F.binaryCrossEntropyWithLogits', 'F.klDiv', 'F.softMarginLoss', 'F.poissonNllLoss'])
    dtype = d.float_dtype()
    shape = d.shape(0, 3)
    kwargs = {'reduction': d.pick(REDUCTIONS + (['batchmean'] if op == 'F.klDiv' else []))}
    if op == 'F.binaryCrossEntropy':
        x = torch.rand(shape, generator=d.gen, dtype=F64).to(dtype)
        if x.numel() and d.chance(0.5):
            x.reshape(-1)[0] = d.pick([0.0, 1.0])  # log clamped at -100
        y = torch.rand(shape, generator=d.gen, dtype=F64).round().to(dtype) if d.chance(0.5) else torch.rand(shape, generator=d.gen, dtype=F64).to(dtype)
        weight = Arg(d.positive(shape, dtype), False) if d.chance(0.3) else None
        return op, [d.arg(x), d.arg(y, grad=d.chance(0.3)), weight], kwargs, loss_tol(x, y)
    x = d.values(shape, dtype)
    if op == 'F.binaryCrossEntropyWithLogits':
        y = torch.rand(shape, generator=d.gen, dtype=F64).to(dtype)
        weight = Arg(d.positive(shape, dtype), False) if d.chance(0.3) else None
        last = shape[-1:] if shape else []
        pos_weight = Arg(d.positive(last, dtype), False) if d.chance(0.3) else None
        return op, [d.arg(x), d.arg(y, grad=d.chance(0.3)), weight, pos_weight], kwargs, loss_tol(x, y)
    if op == 'F.klDiv':
        log_target = d.chance(0.4)
        x = torch.randn(shape, generator=d.gen, dtype=F64).log_softmax(-1).to(dtype) if shape else x
        y = torch.rand(shape, generator=d.gen, dtype=F64).to(dtype)
        if log_target:
            y = y.log()
        elif y.numel() and d.chance(0.5):
            y.reshape(-1)[0] = 0.0  # 0 · log 0 is taken as 0
        kwargs['logTarget'] = log_target
        return op, [d.arg(x), d.arg(y, grad=d.chance(0.5))], kwargs, loss_tol(x, y)
    if op == 'F.softMarginLoss':
        y = (torch.randint(0, 2, shape, generator=d.gen) * 2 - 1).to(dtype)
        return op, [d.arg(x), Arg(y, False)], kwargs, loss_tol(x)
    if op == 'F.poissonNllLoss':
        log_input = d.chance(0.6)
        if not log_input:
            x = d.positive(shape, dtype)
        y = torch.randint(0, 5, shape, generator=d.gen).to(dtype)
        kwargs.update({'logInput': log_input, 'full': d.chance(0.4)})
        return op, [d.arg(x), d.arg(y, grad=d.chance(0.3))], kwargs, loss_tol(x, y)
    sb = list(shape) if d.chance(0.8) else [1] * len(shape)
    y = d.values(sb, dtype)
    if op == 'F.smoothL1Loss' and d.chance(0.5):
        kwargs['beta'] = d.pick([0.5, 2.0, 0.0])
    if op == 'F.huberLoss' and d.chance(0.5):
        kwargs['delta'] = d.pick([0.5, 2.0])
    return op, [d.arg(x), d.arg(y, grad=d.chance(0.5))], kwargs, loss_tol(x, y)


def norm_inputs(d, shape, dtype):
    """Normalisation inputs: no ties (a constant group leaves only rounding noise, scaled by 1/sqrt(eps)) and no
    magnitudes whose squares overflow float32 (Kindling sums them in double, PyTorch in float), a NaN at times."""
    x = d.values(shape, dtype, d.pick(['normal', 'unit'])) * d.pick([1.0, 100.0, 1e-3])
    if x.numel() and d.chance(0.15):
        x.reshape(-1)[d.r.randrange(x.numel())] = math.nan
    return x


def norm_case(d):
    op = d.pick(['F.layerNorm', 'F.layerNorm', 'F.groupNorm', 'F.batchNorm'])
    dtype = d.float_dtype()
    if op == 'F.layerNorm':
        shape = [max(s, 1) for s in d.shape(1, 4)]
        k = d.r.randint(1, len(shape))
        normalized = shape[-k:]
        if math.prod(normalized) == 1:
            return None  # one element a row: constant
        x = norm_inputs(d, shape, dtype)
        w = Arg(d.values(normalized, dtype, 'normal'), True) if d.chance(0.7) else None
        b = Arg(d.values(normalized, dtype, 'normal'), True) if w is not None and d.chance(0.7) else None
        kwargs = {'eps': d.pick([1e-5, 1e-3])} if d.chance(0.3) else {}
        return op, [d.arg(x, expand=False), normalized, w, b], kwargs, loss_tol(x)
    n = d.pick([1, 2, 3])
    groups = d.pick([1, 2, 3])
    c = groups * d.pick([1, 2])
    spatial = [d.pick([1, 2, 3, 4]) for _ in range(d.pick([0, 1, 2]))]
    shape = [n, c] + spatial
    x = norm_inputs(d, shape, dtype)
    w = Arg(d.values([c], dtype, 'normal'), True) if d.chance(0.7) else None
    b = Arg(d.values([c], dtype, 'normal'), True) if d.chance(0.7) else None
    if op == 'F.groupNorm':
        if c // groups * math.prod(spatial) == 1:
            return None  # one element a group: constant
        return op, [d.arg(x, expand=False), groups, w, b], {'eps': 1e-5}, loss_tol(x)
    training = d.chance(0.6)
    if training and n * math.prod(spatial) == 1:
        return None
    rm = Arg(d.values([c], dtype, 'unit'), False) if d.chance(0.8) or not training else None
    rv = Arg(d.positive([c], dtype), False) if rm is not None else None
    kwargs = {'training': training, 'momentum': d.pick([0.1, 0.5]), 'eps': d.pick([1e-5, 1e-3])}
    # contiguous: PyTorch 1.13's backward mixes up the layouts of an input whose strides also read as channels-last
    # (a transposed one with a size-1 dim) and of a contiguous gradient, giving wrong gradients
    return op, [Arg(x, True), rm, rv, w, b], kwargs, loss_tol(x)


def layer_case(d):
    op = d.pick(['F.linear', 'F.conv1d', 'F.maxPool1d', 'F.avgPool1d', 'F.adaptiveAvgPool1d', 'F.adaptiveMaxPool1d',
                 'F.pad', 'F.normalize', 'F.cosineSimilarity', 'F.pairwiseDistance'])
    dtype = d.float_dtype()
    if op == 'F.linear':
        fin, fout = d.pick([1, 3, 5, 8]), d.pick([1, 2, 4, 7])
        lead = [d.pick([1, 2, 3]) for _ in range(d.pick([0, 1, 1, 2]))]
        x = d.values(lead + [fin], dtype, 'normal')
        w = d.values([fout, fin], dtype, 'normal')
        b = Arg(d.values([fout], dtype, 'normal'), True) if d.chance(0.7) else None
        return op, [d.arg(x), d.arg(w), b], {}, loss_tol(x, w)
    n, c, length = d.pick([1, 2]), d.pick([1, 2, 4]), d.pick([1, 3, 6, 9])
    if op == 'F.conv1d':
        groups = d.pick([1, 1, c])
        cout = groups * d.pick([1, 2])
        k = d.pick([1, 2, 3])
        kwargs = {'stride': d.pick([1, 2]), 'padding': d.pick([0, 1, 2]), 'dilation': d.pick([1, 2]), 'groups': groups}
        x = d.values([n, c, length], dtype, 'normal')
        w = d.values([cout, c // groups, k], dtype, 'normal')
        b = Arg(d.values([cout], dtype, 'normal'), True) if d.chance(0.6) else None
        return op, [d.arg(x), d.arg(w), b], kwargs, loss_tol(x, w)
    x = d.values([n, c, length], dtype, d.pick(['normal', 'ties', 'special']))
    if op in ('F.maxPool1d', 'F.avgPool1d'):
        k = d.pick([1, 2, 3])
        kwargs = {'stride': d.pick([1, 2, 3]), 'padding': d.r.randint(0, k // 2), 'ceilMode': d.chance(0.4)}
        if op == 'F.maxPool1d':
            kwargs['dilation'] = d.pick([1, 2])
            if d.chance(0.3):
                kwargs['returnIndices'] = True
        else:
            kwargs['countIncludePad'] = d.chance(0.5)
        if op == 'F.maxPool1d':
            x = d.distinct([n, c, length], dtype)  # the index among equal maxima is PyTorch's loop order
            # A window wholly in the padding: PyTorch 1.13 adds its gradient into the next channel.
            try:
                probe = torch.nn.functional.max_pool1d(torch.ones(1, 1, length), k, kwargs['stride'],
                                                       kwargs['padding'], kwargs['dilation'], kwargs['ceilMode'])
            except RuntimeError:
                return None
            if torch.isinf(probe).any():
                return None
        return op, [d.arg(x), k], kwargs, None
    if op in ('F.adaptiveAvgPool1d', 'F.adaptiveMaxPool1d'):
        if op == 'F.adaptiveMaxPool1d':
            x = d.distinct([n, c, length], dtype)
        return op, [d.arg(x), d.pick([1, 2, 3, 4])], {}, None
    if op == 'F.pad':
        mode = d.pick(['constant', 'constant', 'reflect', 'replicate', 'circular'])
        most = length - 1 if mode == 'reflect' else length
        pad = [d.r.randint(0 if mode != 'constant' else -1, max(most, 0)) for _ in range(2)]
        kwargs = {'mode': mode}
        if mode == 'constant' and d.chance(0.5):
            kwargs['value'] = d.pick([1.5, -2.0])
        return op, [d.arg(x), pad], kwargs, None
    x = d.values(d.shape(1, 3), dtype, d.pick(['normal', 'ties', 'special']))
    dim = d.r.randrange(-x.dim(), x.dim())
    # not expanded: parallel vectors leave only rounding noise in the gradient, scaled by 1 / |x|
    if op == 'F.normalize':
        # the gradient is rounding noise scaled by 1 / |x| where x's vectors have one element (exactly 0 in theory)
        if dtype == F32 and x.shape[dim] == 1:
            nonzero = x[(x != 0) & torch.isfinite(x)].abs()
            tol = {'rtol': 1e-4, 'atol': max(1e-4, 1e-7 / nonzero.min().item()) if nonzero.numel() else 1e-4}
        else:
            tol = loss_tol(x)
        return op, [d.arg(x, expand=False)], {'p': d.pick([2.0, 1.0, 3.0]), 'dim': dim}, tol
    y = d.values(list(x.shape), dtype, 'normal')
    if op == 'F.cosineSimilarity':
        return op, [d.arg(x, expand=False), d.arg(y, expand=False)], {'dim': dim}, loss_tol(x, y)
    if x.dim() > 2:
        return None
    return op, [d.arg(x), d.arg(y)], {'p': d.pick([2.0, 1.0]), 'keepdim': d.chance(0.3)}, loss_tol(x, y)


def resample_case(d):
    op = d.pick(['F.interpolate', 'F.interpolate', 'F.interpolate', 'F.pad', 'F.unfold', 'F.pixelShuffle',
                 'F.adaptiveAvgPool1d'])
    dtype = d.float_dtype()
    spatial = d.pick([1, 2, 2])
    n, c = d.pick([1, 2]), d.pick([1, 2, 3])
    sizes = [d.r.randint(1, 7) for _ in range(spatial)]
    x = d.values([n, c] + sizes, dtype, d.pick(['normal', 'normal', 'special']))
    if op == 'F.interpolate':
        # finite values: PyTorch computes float32 inputs' source positions in float, so a weight that is 0 in exact
        # arithmetic can be 1e-8 there, and an infinity or 1e30 beside it shows it (Kindling's are exact)
        x = d.values([n, c] + sizes, dtype, 'normal')
        modes = ['nearest', 'linear'] if spatial == 1 else ['nearest', 'bilinear', 'bilinear', 'bicubic']
        mode = d.pick(modes)
        kwargs = {'mode': mode}
        if d.chance(0.5):
            kwargs['size'] = [d.r.randint(1, 9) for _ in range(spatial)]
        else:
            kwargs['scaleFactor'] = d.pick([2.0, 0.5, 1.5, 0.75, 3.0]) if d.chance(0.5) else \
                [d.pick([2.0, 0.5, 1.5, 0.6]) for _ in range(spatial)]
            if d.chance(0.3):
                kwargs['recomputeScaleFactor'] = True
        if mode != 'nearest' and d.chance(0.5):
            kwargs['alignCorners'] = d.chance(0.5)
        tol = {'rtol': 1e-4, 'atol': 1e-5} if dtype == F32 and mode == 'bicubic' else None
        return op, [d.arg(x)], kwargs, tol
    if op == 'F.pad':
        mode = d.pick(['constant', 'reflect', 'replicate', 'circular'])
        pad = []
        for size in reversed(sizes):
            most = size - 1 if mode == 'reflect' else size
            pad += [d.r.randint(0, max(most, 0)), d.r.randint(0, max(most, 0))]
        kwargs = {'mode': mode}
        if mode == 'constant' and d.chance(0.5):
            kwargs['value'] = d.pick([1.5, -2.0])
        return op, [d.arg(x), pad], kwargs, None
    if op == 'F.unfold':
        if spatial != 2:
            return None
        k = [d.r.randint(1, 3), d.r.randint(1, 3)]
        kwargs = {'dilation': d.pick([1, 2]), 'padding': d.pick([0, 1]), 'stride': d.pick([1, 2])}
        return op, [d.arg(x), k], kwargs, None
    if op == 'F.pixelShuffle':
        r = d.pick([1, 2, 3])
        x = d.values([n, c * r * r, d.r.randint(1, 4), d.r.randint(1, 4)], dtype)
        return op, [d.arg(x), r], {}, None
    x = d.values([n, c, sizes[0] * d.pick([1, 3])], dtype, d.pick(['normal', 'special']))
    return op, [d.arg(x), d.pick([1, 2, 3, 4, 5])], {}, loss_tol(x)


# Ops whose backward sums many products: which infinities meet (inf - inf = NaN) and where a 0 weight meets one
# (0 · inf = NaN, or the term skipped) depend on the algorithm, not on a rule PyTorch documents.
SUMMING = {'F.linear', 'F.conv1d', 'F.convTranspose1d', 'F.convTranspose2d', 'F.bilinear', 'F.layerNorm',
           'F.groupNorm', 'F.batchNorm', 'F.instanceNorm', 'F.localResponseNorm', 'F.interpolate', 'F.gridSample',
           'F.affineGrid', 'F.normalize', 'F.cosineSimilarity', 'F.fold', 'F.unfold'}


def nonfinite_case(d):
    """A draw whose outputs take some infinite and NaN gradients, which the backward must pass on or stop as
    PyTorch's does (not softmaxes: see fuzz_ops.py's nonfinite_grad_case; nor SUMMING)."""
    drawn = d.pick([activation_case, regression_loss_case, layer_case, resample_case, transposed_case,
                    embedding_loss_case])(d)
    if drawn is None or drawn[0] in SUMMING:
        return None
    return (*drawn, {'nonfinite': True})


FAMILIES = [(activation_case, 5), (softmax_case, 1), (class_loss_case, 3), (regression_loss_case, 4), (norm_case, 3),
            (layer_case, 4), (resample_case, 3), (transposed_case, 3), (embedding_loss_case, 3), (nonfinite_case, 5)]


def label(case):
    """The op, its tensor arguments' dtypes and shapes, and its options."""
    tensors = ' '.join(f"{a['dtype']}{a['shape']}" for a in case['args'] if isinstance(a, dict) and 'values' in a)
    options = ', '.join(f'{k}={v}' for k, v in case['kwargs'].items())
    return f"{case['op']} {tensors} {options}".strip()


if __name__ == '__main__':
    fuzz_main(OUT, 400, FAMILIES, OPS, label)
