"""fuzz_ops.py's draws of views, joins, indexing, subscripts, in-place writes, convolutions and poolings."""
import torch

from conv_pool import max_pool2d
from fuzz import BOOL, F32, F64, I64, float32_tol
from golden import Arg, Group
from ops_table import inplace_view

def indexing_case(d):
    op = d.pick(['gather', 'scatter', 'scatterAdd', 'indexSelect', 'maskedFill', 'maskedSelect'])
    shape = d.shape(1, 3)
    shape = [max(s, 1) for s in shape]
    rank = len(shape)
    dtype = d.float_dtype()
    x = d.values(shape, dtype)
    dim = d.r.randrange(-rank, rank)
    if op in ('gather', 'scatter', 'scatterAdd'):
        ishape = [d.r.randint(1, s) for s in shape]
        if op == 'gather':
            ishape[dim] = d.r.randint(1, 5)
        idx = torch.randint(0, shape[dim], ishape, generator=d.gen)
        if op == 'scatter':
            # distinct targets along dim, since PyTorch leaves the winner of a collision undefined
            wide = list(ishape)
            wide[dim] = shape[dim]
            idx = torch.rand(wide, generator=d.gen).argsort(dim).narrow(dim, 0, ishape[dim])
        if op == 'gather':
            return op, [d.arg(x), dim, d.arg(idx, grad=False)], {}, None
        src = d.values(ishape, dtype)
        if op == 'scatter' and d.chance(0.3):
            return op, [d.arg(x), dim, d.arg(idx, grad=False), d.scalar()], {}, None
        return op, [d.arg(x), dim, d.arg(idx, grad=False), d.arg(src)], {}, None
    if op == 'indexSelect':
        idx = torch.randint(0, shape[dim], [d.r.randint(0, 5)], generator=d.gen)
        return op, [d.arg(x), dim, Arg(idx, False)], {}, None
    mshape = list(shape[d.r.randint(0, rank):])
    mask = d.values(mshape, BOOL)
    if op == 'maskedFill':
        return op, [d.arg(x), d.arg(mask, grad=False), d.pick([0.0, -1e30, 2.5])], {}, None
    # PyTorch 1.13 scatters masked_select's gradient into a non-contiguous input in memory order
    # (pytorch/pytorch#99638, fixed in 2.1); Kindling gives the right gradient, so the input stays contiguous
    return op, [Arg(x, True), d.arg(mask, grad=False)], {}, None


def shape_case(d):
    op = d.pick(['cat', 'stack', 'flip', 'roll', 'repeat', 'tile', 'narrow', 'select', 'chunk', 'split', 'permute',
                 'diagonal', 'tril', 'triu', 'diff', 'movedim', 'repeatInterleave', 'unbind', 'flatten'])
    shape = d.shape(1, 4)
    rank = len(shape)
    dtype = d.pick([F32, F64, F64, I64])
    x = d.values(shape, dtype)
    dim = d.r.randrange(-rank, rank)
    if op in ('cat', 'stack'):
        parts = []
        for _ in range(d.r.randint(1, 3)):
            s = list(shape)
            if op == 'cat':
                s[dim] = d.pick([0, 1, 2, 3])
            parts.append(d.arg(d.values(s, dtype)))
        return op, [Group(parts), dim if op == 'cat' else d.r.randrange(-rank - 1, rank + 1)], {}, None
    if op == 'flip':
        return op, [d.arg(x), d.r.sample(range(rank), d.r.randint(1, rank))], {}, None
    if op == 'roll':
        if d.chance(0.3):
            return op, [d.arg(x), d.r.randint(-5, 5)], {}, None
        dims = d.r.sample(range(rank), d.r.randint(1, rank))
        return op, [d.arg(x), [d.r.randint(-5, 5) for _ in dims], dims], {}, None
    if op in ('repeat', 'tile'):
        reps = [d.pick([1, 2, 3]) for _ in range(rank + d.r.randint(0 if op == 'repeat' else -1, 1))]
        return op, [d.arg(x), reps[: max(len(reps), 1)] if op == 'tile' else reps], {}, None
    if op == 'narrow':
        size = shape[dim]
        start = d.r.randint(0, size)
        return op, [d.arg(x), dim, start, d.r.randint(0, size - start)], {}, None
    if op == 'select':
        if shape[dim] == 0:
            return None
        return op, [d.arg(x), dim, d.r.randint(-shape[dim], shape[dim] - 1)], {}, None
    if op == 'chunk':
        return op, [d.arg(x), d.r.randint(1, 4), dim], {}, None
    if op == 'split':
        if d.chance(0.5) or shape[dim] == 0:
            return op, [d.arg(x), d.r.randint(1, 3), dim], {}, None
        sizes, left = [], shape[dim]
        while left:
            s = d.r.randint(0, left)
            sizes.append(s)
            left -= s
        return op, [d.arg(x), sizes, dim], {}, None
    if op == 'permute':
        return op, [d.arg(x), d.r.sample(range(rank), rank)], {}, None
    if op in ('diagonal', 'tril', 'triu'):
        if rank < 2:
            return None
        if op == 'diagonal':
            a, b = d.r.sample(range(rank), 2)
            return op, [d.arg(x), d.r.randint(-3, 3), a, b], {}, None
        return op, [d.arg(x), d.r.randint(-3, 3)], {}, None
    if op == 'diff':
        return op, [d.arg(x), d.r.randint(1, 3), dim], {}, None
    if op == 'movedim':
        return op, [d.arg(x), dim, d.r.randrange(-rank, rank)], {}, None
    if op == 'repeatInterleave':
        if d.chance(0.5):
            return op, [d.arg(x), d.r.randint(0, 3), dim], {}, None
        reps = torch.randint(0, 4, [shape[dim]], generator=d.gen)
        return op, [d.arg(x), Arg(reps, False), dim], {}, None
    if op == 'unbind':
        return op, [d.arg(x), dim], {}, None
    a = d.r.randrange(rank)
    return op, [d.arg(x), a, d.r.randint(a, rank - 1)], {}, None


def image(d, n, c, h, w, dtype, kind='normal', channels_last=True):
    """An (n, c, h, w) input, stored contiguous or channels-last (seen through two transposes) or sliced."""
    x = d.values([n, c, h, w], dtype, kind)
    if channels_last and d.chance(0.25):
        return Arg(x.permute(0, 2, 3, 1).contiguous(), True,
                   [{'kind': 'transpose', 'dims': [1, 3]}, {'kind': 'transpose', 'dims': [2, 3]}])
    return d.arg(x, expand=kind != 'distinct')


def conv_case(d):
    dtype = d.float_dtype()
    groups = d.pick([1, 1, 1, 2, 3])
    cin, cout = groups * d.pick([1, 2, 3]), groups * d.pick([1, 2])
    n, h, w = d.pick([1, 2]), d.r.randint(1, 9), d.r.randint(1, 9)
    kh, kw = d.r.randint(1, 3), d.r.randint(1, 3)
    kwargs = {'groups': groups} if groups > 1 or d.chance(0.3) else {}
    if d.chance(0.2):
        kwargs['padding'] = d.pick(['same', 'valid'])
    else:
        kwargs['stride'] = d.pick([1, 2, [1, 2], 3])
        kwargs['padding'] = d.pick([0, 1, [0, 2], 2])
    kwargs['dilation'] = d.pick([1, 1, 2, [2, 1]])
    x = image(d, n, cin, h, w, dtype)
    w = d.values([cout, cin // groups, kh, kw], dtype, 'normal')
    # grouped: PyTorch 1.13 computes a channels-last input with a weight whose strides also read as channels-last
    # wrongly, so the weight stays contiguous there
    weight = Arg(w, True) if groups > 1 else d.arg(w)
    bias = d.arg(d.values([cout], dtype, 'normal')) if d.chance(0.6) else None
    tol = float32_tol(torch.cat([x.stored.reshape(-1).double(), weight.stored.reshape(-1).double()]) ** 2,
                      cin // groups * kh * kw) if dtype == F32 else None
    return 'conv2d', [x, weight, bias], kwargs, tol


def pool_case(d):
    op = d.pick(['maxPool2d', 'maxPool2d', 'avgPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'adaptiveMaxPool2d'])
    dtype = d.float_dtype()
    n, c, h, w = d.pick([1, 2]), d.pick([1, 2, 3]), d.r.randint(1, 9), d.r.randint(1, 9)
    # distinct values where a maximum is picked: the index among equal maxima is PyTorch's loop order
    kind = 'distinct' if 'Max' in op or 'max' in op else d.pick(['normal', 'ties', 'special'])
    # PyTorch's 1x1 adaptive average of a channels-last input is a mean restrided in place (AsStridedBackward1);
    # Kindling has no memory formats, and records the mean
    x = image(d, n, c, h, w, dtype, kind, channels_last=op != 'adaptiveAvgPool2d')
    if op.startswith('adaptive'):
        size = d.pick([1, 2, 3, [2, 3], [h, 1], [3, w]])
        return op, [x, size], ({'returnIndices': True} if op == 'adaptiveMaxPool2d' and d.chance(0.3) else {}), None
    k = d.pick([1, 2, 3, [2, 3]])
    kmin = min(k) if isinstance(k, list) else k
    kwargs = {'stride': d.pick([None, 1, 2, [2, 1]]), 'padding': d.r.randint(0, kmin // 2), 'ceilMode': d.chance(0.3)}
    if op == 'maxPool2d':
        kwargs['dilation'] = d.pick([1, 1, 2])
        if d.chance(0.3):
            kwargs['returnIndices'] = True
        # a window wholly in the padding: PyTorch 1.13 adds its gradient into the next plane
        try:
            probe = max_pool2d(torch.ones(1, 1, h, w), k, kwargs['stride'], kwargs['padding'], kwargs['dilation'],
                               kwargs['ceilMode'])
        except RuntimeError:
            return None
        if torch.isinf(probe).any():
            return None
    else:
        kwargs['countIncludePad'] = d.chance(0.5)
        if d.chance(0.2):
            kwargs['divisorOverride'] = d.pick([1, 3])
    return op, [x, k], kwargs, None


def inplace_case(d):
    """An in-place op on the whole of a copy of x, its transpose or a strided slice of it."""
    op = d.pick(['add_', 'sub_', 'mul_', 'div_', 'pow_', 'neg_', 'abs_', 'exp_', 'log_', 'sqrt_', 'relu_', 'sigmoid_',
                 'tanh_', 'clamp_', 'zero_', 'fill_', 'copy_', 'maskedFill_', 'lerp_'])
    dtype = d.float_dtype()
    shape = [max(s, 1) for s in d.shape(1, 3)]
    view = d.pick(['none', 'transpose', 'slice'])
    x = d.values(shape, dtype)
    target = inplace_view(x, view)
    tshape = list(target.shape)
    operand = lambda kind=None: d.arg(d.values(tshape[d.r.randint(0, len(tshape)):], d.pick([dtype, F32]), kind))
    if op in ('add_', 'sub_', 'mul_', 'div_'):
        args = [operand() if d.chance(0.7) else d.scalar()]
    elif op == 'pow_':
        args = [d.pick([2, 3, 0.5, -1.5])]
    elif op == 'clamp_':
        args = [d.pick([-0.5, None]), d.pick([0.75, None, 2.5])]
    elif op == 'fill_':
        args = [d.scalar()]
    elif op == 'copy_':
        args = [operand()]
    elif op == 'maskedFill_':
        args = [d.arg(d.values(tshape[d.r.randint(0, len(tshape)):], BOOL), grad=False), d.pick([0.0, 2.5, -1e30])]
    elif op == 'lerp_':
        args = [d.arg(d.values(tshape, dtype)), d.pick([0.25, 0.75])]
    else:
        args = []
    return 'inplace', [d.arg(x), op, view] + args, {}, None


def index_case(d):
    """x[...] with a random mix of integers, slices (negative bounds and steps), index tensors (negative, repeated,
    broadcasting), a bool mask, None and Ellipsis, as Python spells it."""
    dtype = d.float_dtype()
    shape = [max(s, 1) for s in d.shape(1, 4)]
    x = d.values(shape, dtype)
    specs, dim, tensors = [], 0, 0
    while dim < len(shape) and len(specs) < len(shape) + 1:
        size = shape[dim]
        kind = d.pick(['int', 'slice', 'slice', 'tensor', 'tensor', 'mask', 'none', 'ellipsis'])
        if kind == 'int':
            specs.append(d.r.randint(-size, size - 1))
        elif kind == 'slice':
            start = d.pick(['', str(d.r.randint(-size, size))])
            stop = d.pick(['', str(d.r.randint(-size, size))])
            step = d.pick(['', '2', '3'])
            specs.append(f'{start}:{stop}' + (f':{step}' if step else ''))
        elif kind == 'tensor' and tensors < 2:
            ishape = d.pick([[d.r.randint(1, 4)], [d.r.randint(1, 3), 1], [1, d.r.randint(1, 3)]])
            specs.append(Arg(torch.randint(-size, size, ishape, generator=d.gen), False))
            tensors += 1
        elif kind == 'mask' and tensors == 0:
            specs.append(Arg(torch.rand([size], generator=d.gen) < 0.5, False))
            tensors += 1
        elif kind == 'none':
            specs.append(None)
            continue
        elif kind == 'ellipsis' and '...' not in specs:
            specs.append('...')
            dim = len(shape) - d.r.randint(0, len(shape) - dim)
            continue
        else:
            specs.append(':')
        dim += 1
    return 'index', [d.arg(x)] + specs, {}, None
