"""Each op of the fixtures, keyed by its Kindling spelling, as PyTorch calls it. Keyword arguments arrive with
Kindling's names (roundingMode, keepdim, ...), exactly as the fixture stores them."""
import torch
import torch.nn.functional as F

from conv_pool import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, conv2d, max_pool2d


def _reduce(method):
    def run(x, dim=None, keepdim=False):
        return getattr(x, method)() if dim is None else getattr(x, method)(dim, keepdim=keepdim)
    return run


def _var(method):
    def run(x, dim=None, keepdim=False, correction=None, unbiased=None):
        fn = getattr(torch, method)
        if unbiased is not None:
            return fn(x, dim, unbiased=unbiased, keepdim=keepdim) if dim is not None else fn(x, unbiased=unbiased)
        if correction is not None:
            return fn(x, dim=dim, correction=correction, keepdim=keepdim)
        return fn(x) if dim is None else fn(x, dim, keepdim=keepdim)
    return run


def _extreme(method):
    def run(x, other=None, dim=None, keepdim=False):
        if other is not None:
            return getattr(x, method)(other)
        if dim is None:
            return getattr(x, method)()
        return tuple(getattr(x, method)(dim, keepdim=keepdim))
    return run


def _arg(method):
    def run(x, dim=None, keepdim=False):
        return getattr(x, method)(dim, keepdim=keepdim) if dim is not None else getattr(x, method)()
    return run


def _index(x, *specs):
    def conv(s):
        if s is None:
            return None
        if s == '...':
            return Ellipsis
        if isinstance(s, str):
            parts = [int(p) if p.strip() else None for p in s.split(':')]
            return slice(*parts)
        return s
    index = tuple(conv(s) for s in specs)
    return x[index[0]] if len(index) == 1 else x[index]  # one index alone takes Python's own path (x[:4])


def _slice(x, dim, start=None, end=None, step=1):
    return x[(slice(None),) * (dim % x.dim()) + (slice(start, end, step),)]


# Kindling's in-place methods by PyTorch's name.
INPLACE = {'add_': 'add_', 'sub_': 'sub_', 'mul_': 'mul_', 'div_': 'div_', 'pow_': 'pow_', 'neg_': 'neg_',
           'abs_': 'abs_', 'exp_': 'exp_', 'log_': 'log_', 'sqrt_': 'sqrt_', 'relu_': 'relu_', 'sigmoid_': 'sigmoid_',
           'tanh_': 'tanh_', 'clamp_': 'clamp_', 'zero_': 'zero_', 'fill_': 'fill_', 'copy_': 'copy_',
           'maskedFill_': 'masked_fill_', 'lerp_': 'lerp_'}


def inplace_view(base, view):
    """The part of `base` an in-place op writes: all of it, its transpose, or a strided slice of its last dim."""
    if view == 'transpose':
        return base.transpose(0, -1)
    if view == 'slice':
        return base[..., ::2]
    return base


def _inplace(x, op, view, *args):
    """x's op written in place into a view of a copy of it (so that the gradient goes through CopySlices)."""
    base = x.mul(1)
    getattr(inplace_view(base, view), INPLACE[op])(*args)
    return base


DT = {'float32': torch.float32, 'float64': torch.float64, 'int64': torch.int64, 'int32': torch.int32, 'bool': torch.bool}

OPS = {
    # arithmetic and comparisons
    'add': lambda a, b, alpha=1: torch.add(a, b, alpha=alpha),
    'sub': lambda a, b, alpha=1: torch.sub(a, b, alpha=alpha),
    'rsub': lambda a, b: torch.rsub(a, b),
    'mul': torch.mul,
    'div': lambda a, b, roundingMode=None: torch.div(a, b) if roundingMode is None else torch.div(a, b, rounding_mode=roundingMode),
    'pow': torch.pow,
    'maximum': torch.maximum,
    'minimum': torch.minimum,
    'where': torch.where,
    'clamp': lambda x, lo=None, hi=None: torch.clamp(x, lo, hi),
    'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge,
    'logicalNot': torch.logical_not,
    'logicalAnd': torch.logical_and,
    'logicalOr': torch.logical_or,
    'atan2': torch.atan2, 'fmod': torch.fmod, 'remainder': torch.remainder, 'hypot': torch.hypot,
    'logaddexp': torch.logaddexp, 'logaddexp2': torch.logaddexp2, 'xlogy': torch.xlogy, 'copysign': torch.copysign,
    'isnan': torch.isnan,
    'isfinite': torch.isfinite,
    # unary math
    **{name: getattr(torch, name) for name in [
        'neg', 'abs', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh',
        'sigmoid', 'relu', 'erf', 'sign', 'floor', 'ceil', 'round',
        'exp2', 'log2', 'log10', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'deg2rad',
        'rad2deg', 'erfc', 'trunc', 'frac', 'isinf', 'isposinf', 'isneginf', 'signbit']},
    # reductions
    'sum': _reduce('sum'),
    'mean': _reduce('mean'),
    'prod': _reduce('prod'),
    'var': _var('var'),
    'std': _var('std'),
    'logsumexp': lambda x, dim, keepdim=False: torch.logsumexp(x, dim, keepdim=keepdim),
    'max': _extreme('max'),
    'median': _extreme('median'),
    'cumprod': lambda x, dim: x.cumprod(dim),
    'kthvalue': lambda x, k, dim=-1, keepdim=False: tuple(x.kthvalue(k, dim, keepdim)),
    'min': _extreme('min'),
    'amax': lambda x, dim=(), keepdim=False: torch.amax(x, dim, keepdim=keepdim),
    'amin': lambda x, dim=(), keepdim=False: torch.amin(x, dim, keepdim=keepdim),
    'argmax': _arg('argmax'),
    'argmin': _arg('argmin'),
    'any': _arg('any'),
    'all': _arg('all'),
    'cumsum': lambda x, dim: torch.cumsum(x, dim),
    # linear algebra
    'matmul': torch.matmul, 'mm': torch.mm, 'bmm': torch.bmm, 'dot': torch.dot, 'mv': torch.mv, 't': torch.t,
    # shapes and views
    'view': lambda x, shape: x.view(shape),
    'reshape': lambda x, shape: x.reshape(shape),
    'flatten': lambda x, start=0, end=-1: x.flatten(start, end),
    'unflatten': lambda x, dim, sizes: x.unflatten(dim, sizes),
    'unsqueeze': lambda x, d: x.unsqueeze(d),
    'squeeze': lambda x, d=None: x.squeeze() if d is None else x.squeeze(d),
    'transpose': lambda x, a, b: x.transpose(a, b),
    'permute': lambda x, dims: x.permute(dims),
    'expand': lambda x, sizes: x.expand(sizes),
    'expandAs': lambda x, other: x.expand_as(other),
    'contiguous': lambda x: x.contiguous(),
    'narrow': lambda x, d, s, n: x.narrow(d, s, n),
    'select': lambda x, d, i: x.select(d, i),
    'slice': _slice,
    'index': _index,
    'chunk': lambda x, n, d=0: x.chunk(n, d),
    'split': lambda x, s, d=0: x.split(s, d),
    'unbind': lambda x, d=0: x.unbind(d),
    'flip': lambda x, dims: x.flip(dims),
    'lerp': lambda x, end, weight: torch.lerp(x, end, weight),
    'repeatInterleave': lambda x, repeats, dim=None: x.repeat_interleave(repeats, dim),
    'movedim': lambda x, source, destination: x.movedim(source, destination),
    'countNonzero': lambda x, dim=None: x.count_nonzero(dim),
    'diag': lambda x, diagonal=0: x.diag(diagonal),
    'diagonal': lambda x, offset=0, dim1=0, dim2=1: x.diagonal(offset, dim1, dim2),
    'einsum': lambda equation, *operands: torch.einsum(equation, *operands),
    'nansum': lambda x, dim=None, keepdim=False: x.nansum() if dim is None else x.nansum(dim, keepdim=keepdim),
    'nanmean': lambda x, dim=None, keepdim=False: x.nanmean() if dim is None else x.nanmean(dim, keepdim=keepdim),
    'nanToNum': lambda x, nan=0.0, posinf=None, neginf=None: x.nan_to_num(nan, posinf, neginf),
    'cummax': lambda x, dim: tuple(x.cummax(dim)),
    'cummin': lambda x, dim: tuple(x.cummin(dim)),
    'diff': lambda x, n=1, dim=-1, prepend=None, append=None: x.diff(n, dim, prepend, append),
    'outer': torch.outer,
    'trace': torch.trace,
    'flipud': torch.flipud,
    'fliplr': torch.fliplr,
    'rot90': lambda x, k=1, dims=(0, 1): x.rot90(k, dims),
    'tile': lambda x, dims: x.tile(dims),
    'isclose': lambda a, b, rtol=1e-5, atol=1e-8, equalNan=False: torch.isclose(a, b, rtol, atol, equalNan),
    'logit': lambda x, eps=None: x.logit(eps),
    'hstack': torch.hstack,
    'vstack': torch.vstack,
    'meshgrid': lambda ts, indexing='ij': tuple(torch.meshgrid(*ts, indexing=indexing)),
    'typeAs': lambda x, other: x.type_as(other),
    'bincount': lambda x, weights=None, minlength=0: torch.bincount(x, weights, minlength),
    'histc': lambda x, bins=100, min=0, max=0: torch.histc(x, bins, min, max),
    'unique': lambda x, returnInverse=False, returnCounts=False: torch.unique(x, return_inverse=returnInverse,
                                                                                  return_counts=returnCounts),
    'searchsorted': lambda seq, values, right=False: torch.searchsorted(seq, values, right=right),
    'bucketize': lambda x, boundaries, right=False: torch.bucketize(x, boundaries, right=right),
    'roll': lambda x, shifts, dims=None: x.roll(shifts, dims) if dims is not None else x.roll(shifts),
    'tril': lambda x, diagonal=0: x.tril(diagonal),
    'triu': lambda x, diagonal=0: x.triu(diagonal),
    'repeat': lambda x, sizes: x.repeat(sizes),
    'clone': lambda x: x.clone(),
    'cat': lambda ts, d=0: torch.cat(ts, d),
    'stack': lambda ts, d=0: torch.stack(ts, d),
    # nn-level math and indexing
    'softmax': lambda x, d: x.softmax(d),
    'logSoftmax': lambda x, d: x.log_softmax(d),
    'gather': lambda x, d, idx: x.gather(d, idx),
    'scatter': lambda x, d, idx, src: x.scatter(d, idx, src),
    'scatterAdd': lambda x, d, idx, src: x.scatter_add(d, idx, src),
    'indexSelect': lambda x, d, idx: x.index_select(d, idx),
    'maskedFill': lambda x, mask, v: x.masked_fill(mask, v),
    'maskedSelect': lambda x, mask: x.masked_select(mask),
    'oneHot': lambda x, n=-1: F.one_hot(x, n),
    'topk': lambda x, k, dim=-1, largest=True, sorted=True: tuple(x.topk(k, dim, largest=largest, sorted=sorted)),
    # Passing `stable` at all selects sort.stable, whose node is SortBackward1.
    'sort': lambda x, dim=-1, descending=False, stable=None: tuple(
        x.sort(dim, descending=descending) if stable is None else torch.sort(x, dim=dim, descending=descending, stable=stable)),
    'argsort': lambda x, dim=-1, descending=False, stable=None: (
        x.argsort(dim, descending=descending) if stable is None else torch.sort(x, dim=dim, descending=descending, stable=stable)[1]),
    'inplace': _inplace,
    # convolution and pooling (conv_pool.py's spelling)
    'conv2d': conv2d,
    'maxPool2d': max_pool2d,
    'avgPool2d': avg_pool2d,
    'adaptiveAvgPool2d': adaptive_avg_pool2d,
    'adaptiveMaxPool2d': adaptive_max_pool2d,
    # conversions
    'to': lambda x, dtype: x.to(DT[dtype]),
    'float': lambda x: x.float(),
    'double': lambda x: x.double(),
    'long': lambda x: x.long(),
    'int': lambda x: x.int(),
    'bool': lambda x: x.bool(),
}
