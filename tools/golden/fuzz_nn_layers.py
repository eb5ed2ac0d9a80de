"""fuzz_nn.py's families for the rest of nn.functional: transposed convolutions, fold, grid sampling and affine
grids, pixel unshuffle, local response and instance norm, PReLU, bilinear, embeddings and embedding bags, and the
embedding and margin losses. Each family is a function of a Draw giving (op, args, kwargs, tolerance) or None."""
import torch

from fuzz import F32, loss_tol
from golden import Arg

REDUCTIONS = ['mean', 'sum', 'none']


def sum_tol(*tensors):
    """Sums of products of two inputs."""
    return loss_tol(*tensors, degree=2)


def transposed_case(d):
    op = d.pick(['F.convTranspose1d', 'F.convTranspose2d', 'F.convTranspose2d', 'F.fold', 'F.gridSample',
                 'F.affineGrid', 'F.pixelUnshuffle', 'F.localResponseNorm', 'F.instanceNorm', 'F.prelu',
                 'F.bilinear'])
    dtype = d.float_dtype()
    n, c = d.pick([1, 2]), d.pick([1, 2, 4])
    if op in ('F.convTranspose1d', 'F.convTranspose2d'):
        spatial = 1 if op == 'F.convTranspose1d' else 2
        groups = d.pick([1, 1, c])
        cout = groups * d.pick([1, 2])
        k = [d.pick([1, 2, 3]) for _ in range(spatial)]
        stride = [d.pick([1, 2, 3]) for _ in range(spatial)]
        dilation = [d.pick([1, 2]) for _ in range(spatial)]
        # output_padding must be smaller than the stride or the dilation
        out_pad = [d.r.randint(0, max(s, dl) - 1) for s, dl in zip(stride, dilation)]
        kwargs = {'stride': stride, 'padding': [d.pick([0, 1]) for _ in range(spatial)], 'outputPadding': out_pad,
                  'groups': groups, 'dilation': dilation}
        if spatial == 1:
            kwargs = {key: (v[0] if isinstance(v, list) else v) for key, v in kwargs.items()}
        x = d.values([n, c] + [d.r.randint(1, 5) for _ in range(spatial)], dtype, 'normal')
        w = d.values([c, cout // groups] + k, dtype, 'normal')
        b = Arg(d.values([cout], dtype, 'normal'), True) if d.chance(0.6) else None
        return op, [d.arg(x), d.arg(w), b], kwargs, sum_tol(x, w)
    if op == 'F.fold':
        k = [d.pick([1, 2, 3]), d.pick([1, 2])]
        kwargs = {'dilation': d.pick([1, 2]), 'padding': d.pick([0, 1]), 'stride': d.pick([1, 2])}
        out = [d.r.randint(2, 6), d.r.randint(2, 6)]
        blocks = 1
        for size, kk in zip(out, k):
            span = kwargs['dilation'] * (kk - 1) + 1
            count = (size + 2 * kwargs['padding'] - span) // kwargs['stride'] + 1
            if count < 1:
                return None
            blocks *= count
        x = d.values([n, c * k[0] * k[1], blocks], dtype, d.pick(['normal', 'ties']))
        return op, [d.arg(x), out, k], kwargs, None
    if op == 'F.gridSample':
        h, w_, oh, ow = d.r.randint(1, 5), d.r.randint(1, 5), d.r.randint(1, 4), d.r.randint(1, 4)
        x = d.values([n, c, h, w_], dtype, 'normal')
        # in and a little beyond [-1, 1], away from the cell edges where floor() of a rounded position may differ
        grid = (torch.rand([n, oh, ow, 2], generator=d.gen, dtype=torch.float64) * 2.4 - 1.2).to(dtype)
        kwargs = {'mode': d.pick(['bilinear', 'nearest', 'bicubic']),
                  'paddingMode': d.pick(['zeros', 'border', 'reflection']), 'alignCorners': d.chance(0.5)}
        if kwargs['mode'] == 'nearest':
            return op, [d.arg(x), Arg(grid, False)], kwargs, None
        tol = {'rtol': 1e-4, 'atol': 1e-4} if dtype == F32 else {'rtol': 1e-9, 'atol': 1e-10}
        return op, [d.arg(x), d.arg(grid)], kwargs, tol
    if op == 'F.affineGrid':
        spatial = d.pick([2, 2, 3])
        theta = d.values([n, spatial, spatial + 1], dtype, 'normal')
        size = [n, c] + [d.r.randint(1, 5) for _ in range(spatial)]
        return op, [d.arg(theta), size], {'alignCorners': d.chance(0.5)}, None
    if op == 'F.pixelUnshuffle':
        r = d.pick([1, 2, 3])
        x = d.values([n, c, r * d.r.randint(1, 3), r * d.r.randint(1, 3)], dtype)
        return op, [d.arg(x), r], {}, None
    if op == 'F.localResponseNorm':
        x = d.values([n, c + 1] + [d.r.randint(1, 4) for _ in range(d.pick([1, 2]))], dtype, 'normal')
        kwargs = {'alpha': d.pick([1e-4, 0.1, 1.0]), 'beta': d.pick([0.75, 0.5, 1.5]), 'k': d.pick([1.0, 2.0])}
        return op, [d.arg(x), d.pick([1, 2, 3, 5])], kwargs, sum_tol(x)
    if op == 'F.instanceNorm':
        x = d.values([n, c, d.r.randint(2, 5)] + ([d.r.randint(1, 4)] if d.chance(0.5) else []), dtype, 'normal')
        running = d.chance(0.4)
        rm = Arg(d.values([c], dtype, 'normal'), False) if running else None
        rv = Arg(d.positive([c], dtype), False) if running else None
        weight = d.arg(d.values([c], dtype, 'normal')) if d.chance(0.5) else None
        bias = d.arg(d.values([c], dtype, 'normal')) if weight is not None and d.chance(0.7) else None
        kwargs = {'momentum': d.pick([0.1, 0.5]), 'eps': d.pick([1e-5, 1e-3])}
        return op, [d.arg(x), rm, rv, weight, bias], kwargs, sum_tol(x)
    if op == 'F.prelu':
        x = d.values([n, c] + [d.r.randint(1, 4) for _ in range(d.pick([0, 1, 2]))], dtype)
        weight = d.values([d.pick([1, c])], dtype, 'normal')
        return op, [d.arg(x), d.arg(weight)], {}, None
    f1, f2, fout = d.pick([1, 2, 3]), d.pick([1, 2, 4]), d.pick([1, 2, 3])
    lead = [d.pick([1, 2, 3]) for _ in range(d.pick([1, 1, 2]))]
    x1, x2 = d.values(lead + [f1], dtype, 'normal'), d.values(lead + [f2], dtype, 'normal')
    w = d.values([fout, f1, f2], dtype, 'normal')
    b = d.arg(d.values([fout], dtype, 'normal')) if d.chance(0.6) else None
    return op, [d.arg(x1), d.arg(x2), d.arg(w), b], {}, sum_tol(x1, x2, w)


def embedding_loss_case(d):
    op = d.pick(['F.embedding', 'F.embeddingBag', 'F.marginRankingLoss', 'F.hingeEmbeddingLoss',
                 'F.cosineEmbeddingLoss', 'F.tripletMarginLoss', 'F.multiMarginLoss', 'F.multilabelSoftMarginLoss',
                 'F.gaussianNllLoss'])
    dtype = d.float_dtype()
    if op in ('F.embedding', 'F.embeddingBag'):
        num, dim = d.r.randint(1, 6), d.r.randint(1, 4)
        weight = d.values([num, dim], dtype, 'normal')
        if op == 'F.embedding':
            idx = torch.randint(0, num, [d.r.randint(1, 4) for _ in range(d.pick([1, 2]))], generator=d.gen)
            kwargs = {}
            if d.chance(0.4):
                kwargs['paddingIdx'] = d.r.randint(-num, num - 1)
            if d.chance(0.3):
                kwargs['scaleGradByFreq'] = True
            if d.chance(0.25):
                kwargs['maxNorm'] = d.pick([0.5, 1.0])
                kwargs['normType'] = d.pick([2.0, 1.0])
            return op, [Arg(idx, False), d.arg(weight, layout='maxNorm' not in kwargs)], kwargs, None
        mode = d.pick(['sum', 'mean', 'max'])
        kwargs = {'mode': mode}
        if d.chance(0.5):
            idx = torch.randint(0, num, [d.r.randint(1, 3), d.r.randint(1, 4)], generator=d.gen)
            offsets = None
        else:
            idx = torch.randint(0, num, [d.r.randint(0, 8)], generator=d.gen)
            cuts = sorted(d.r.randint(0, idx.numel()) for _ in range(d.r.randint(1, 3)))
            starts = [0] + cuts[1:]
            # With include_last_offset the last offset must be the number of indices (PyTorch's documented
            # convention, which 1.13 does not check: other values corrupted its heap here).
            if d.chance(0.3):
                kwargs['includeLastOffset'] = True
                starts.append(idx.numel())
            offsets = Arg(torch.tensor(starts), False)
        psw = None
        if mode == 'sum' and d.chance(0.4):
            psw = d.arg(d.values(list(idx.shape), dtype, 'normal'), layout=False)
        if d.chance(0.3) and num > 1:
            kwargs['paddingIdx'] = d.r.randint(0, num - 1)
        if mode == 'max':
            weight = d.distinct([num, dim], dtype)  # the index among equal maxima is PyTorch's loop order
        return op, [Arg(idx, False), d.arg(weight), offsets, psw], kwargs, None
    kwargs = {'reduction': d.pick(REDUCTIONS)}
    n, c = d.pick([1, 2, 4]), d.pick([1, 2, 3, 5])
    if op in ('F.marginRankingLoss', 'F.hingeEmbeddingLoss'):
        x1 = d.values([n], dtype, d.pick(['normal', 'ties']))
        y = Arg((torch.randint(0, 2, [n], generator=d.gen) * 2 - 1).to(dtype), False)
        if d.chance(0.5):
            kwargs['margin'] = d.pick([0.0, 0.5, 2.0])
        if op == 'F.hingeEmbeddingLoss':
            return op, [d.arg(x1), y], kwargs, None
        return op, [d.arg(x1), d.arg(d.values([n], dtype, d.pick(['normal', 'ties']))), y], kwargs, None
    if op == 'F.cosineEmbeddingLoss':
        c = max(c, 2)  # one-element vectors are parallel too
        x1, x2 = d.values([n, c], dtype, 'normal'), d.values([n, c], dtype, 'normal')
        y = Arg((torch.randint(0, 2, [n], generator=d.gen) * 2 - 1).to(dtype), False)
        if d.chance(0.5):
            kwargs['margin'] = d.pick([0.0, 0.3, -0.5])
        # not expanded: parallel vectors leave only rounding noise in the gradient (as for F.cosineSimilarity)
        return op, [d.arg(x1, expand=False), d.arg(x2, expand=False), y], kwargs, sum_tol(x1, x2)
    if op == 'F.tripletMarginLoss':
        a, p, q = (d.values([n, c], dtype, 'normal') for _ in range(3))
        kwargs.update({'margin': d.pick([1.0, 0.5]), 'p': d.pick([2.0, 1.0]), 'swap': d.chance(0.4)})
        return op, [d.arg(a), d.arg(p), d.arg(q)], kwargs, sum_tol(a, p, q)
    if op == 'F.multiMarginLoss':
        x = d.values([n, c], dtype, d.pick(['normal', 'ties']))
        t = Arg(torch.randint(0, c, [n], generator=d.gen), False)
        weight = Arg(d.positive([c], dtype), False) if d.chance(0.4) else None
        kwargs.update({'p': d.pick([1, 2]), 'margin': d.pick([1.0, 0.5])})
        return op, [d.arg(x), t, weight], kwargs, None
    if op == 'F.multilabelSoftMarginLoss':
        x = d.values([n, c], dtype, 'normal')
        y = Arg(torch.randint(0, 2, [n, c], generator=d.gen).to(dtype), False)
        weight = Arg(d.positive([c], dtype), False) if d.chance(0.4) else None
        return op, [d.arg(x), y, weight], kwargs, sum_tol(x)
    x, t = d.values([n, c], dtype, 'normal'), d.values([n, c], dtype, 'normal')
    var = d.positive([n, c] if d.chance(0.6) else [n, 1], dtype)
    kwargs.update({'full': d.chance(0.5), 'eps': d.pick([1e-6, 0.5])})
    return op, [d.arg(x), d.arg(t, grad=d.chance(0.5)), d.arg(var)], kwargs, sum_tol(x, t)
