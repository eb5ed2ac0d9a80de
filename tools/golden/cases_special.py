"""Golden cases at the edges: NaN and infinities, zeros where formulas divide, exact boundaries, degenerate shapes."""
import torch

from golden import Group, expanded, sliced
from inputs import f64, g, ints, n, u

NAN = float('nan')
INF = float('inf')


def special_values(C):
    special = torch.tensor([NAN, INF, -INF, 0.0, -0.0, 1.5, -2.5])
    for op in ['neg', 'abs', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'sin', 'tanh', 'sigmoid', 'relu',
               'erf', 'sign', 'floor', 'ceil', 'round', 'isnan', 'isfinite', 'logicalNot', 'square']:
        C(f'{op} of nan, inf and zeros', op, n(special))
    C('sign of nan float64', 'sign', n(torch.tensor([NAN, -0.0, 3.0], dtype=f64)))
    C('clamp of nan and inf', 'clamp', n(special), -1.0, 1.0)
    C('exp overflow float32', 'exp', n(torch.tensor([80.0, 100.0, -110.0])))
    C('log of negative is nan', 'log', n(torch.tensor([-1.0, 0.0, 1.0], dtype=f64)))
    for op in ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'ge']:
        C(f'{op} with nan and inf', op, n(special), n(torch.tensor([1.0, INF, INF, 0.0, NAN, -INF, 0.0])))
    C('div int64 by zero gives inf and nan', 'div', n(torch.tensor([3, -2, 0])), n(torch.tensor([0, 0, 0])))
    C('div float by zero', 'div', g(torch.tensor([1.0, -1.0, 2.0])), g(torch.tensor([0.0, -0.0, 4.0])))
    for mode in ['floor', 'trunc']:
        C(f'div roundingMode {mode} float64 inexact quotients', 'div',
          n(torch.tensor([1.0, 0.3, -1.0, 7.0, 5.0, -0.0, 9.0, 2.0, -7.5], dtype=f64)),
          n(torch.tensor([0.1, 0.1, 0.1, 0.7, -0.0, 3.0, 3.0, INF, 2.5], dtype=f64)), roundingMode=mode)
        C(f'div roundingMode {mode} float32 inexact quotients', 'div',
          n(torch.tensor([1.0, 0.3, -1.0, 7.0, 2.0, -7.5, 0.0])), n(torch.tensor([0.1, 0.1, 0.1, 0.7, 0.0, 2.5, -3.0])),
          roundingMode=mode)
    C('pow with zero base', 'pow', g(torch.tensor([0.0, 0.0, 0.0, 2.0])), g(torch.tensor([2.0, 0.0, 1.5, 0.5])))
    C('pow zero base to python int', 'pow', g(torch.tensor([0.0, 1.0, -2.0])), 2)
    C('pow python zero ** tensor', 'pow', 0.0, g(torch.tensor([0.0, 1.5, 2.0])))
    C('sqrt at zero has infinite slope', 'sqrt', g(torch.tensor([0.0, 1.0, 4.0])))
    C('abs at zero has zero slope', 'abs', g(torch.tensor([0.0, -1.0, 2.0])))
    C('clamp at exact bounds', 'clamp', g(torch.tensor([-1.0, 1.0, 0.0, 2.0])), -1.0, 1.0)
    C('clamp tensor bounds with min > max', 'clamp', g(torch.tensor([0.0, 2.0, -3.0, 0.5])), g(torch.tensor([1.0, 1.0, 1.0, -1.0])), g(torch.tensor([0.5, 0.5, 0.5, 1.0])))
    C('clamp min-only tensor bound', 'clamp', g(u(2, 3)), g(u(3)), None)
    C('maximum and minimum with nan', 'maximum', n(torch.tensor([NAN, 1.0, 2.0])), n(torch.tensor([0.0, NAN, 1.0])))


def special_reductions(C):
    C('sum with inf', 'sum', n(torch.tensor([1.0, INF, 2.0])))
    C('mean of inf and -inf is nan', 'mean', n(torch.tensor([INF, -INF])))
    C('max with nan', 'max', n(torch.tensor([1.0, NAN, 3.0])))
    C('max dim with nan', 'max', n(torch.tensor([[1.0, NAN, 3.0], [4.0, 2.0, 0.0]])), dim=1)
    C('min dim with nan', 'min', n(torch.tensor([[1.0, NAN, 3.0], [4.0, 2.0, 0.0]])), dim=1)
    C('amax with nan', 'amax', n(torch.tensor([[1.0, NAN], [4.0, 2.0]])), dim=1)
    C('argmax with nan', 'argmax', n(torch.tensor([[1.0, NAN, 3.0], [4.0, 2.0, NAN]])), dim=1)
    C('argmin with nan', 'argmin', n(torch.tensor([1.0, 0.0, NAN, -1.0])))
    C('sort with nan', 'sort', n(torch.tensor([[1.0, NAN, -3.0, 2.0], [NAN, 0.0, NAN, -1.0]])))
    C('sort descending with nan', 'sort', n(torch.tensor([1.0, NAN, -3.0, 2.0])), descending=True)
    C('topk with nan', 'topk', n(torch.tensor([1.0, NAN, 3.0, 2.0])), 2)
    C('topk smallest with nan', 'topk', n(torch.tensor([1.0, NAN, 3.0, 2.0])), 2, largest=False)
    C('sort stable with ties', 'sort', g(torch.tensor([2.0, 1.0, 2.0, 1.0, 0.0, 2.0])), stable=True)
    C('sort stable descending with ties', 'sort', g(torch.tensor([2.0, 1.0, 2.0, 1.0, 0.0, 2.0])), descending=True, stable=True)
    C('argsort stable with ties int64', 'argsort', n(torch.tensor([3, 1, 3, 1, 2])), stable=True)
    C('var over a dim of size 1 is nan', 'var', g(torch.tensor([[1.5, -2.0]])), dim=0)
    C('std of a constant has zero gradient', 'std', g(torch.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])), dim=1)
    C('std all of a constant has zero gradient', 'std', g(torch.full((4,), 0.5)))
    C('prod with two zeros', 'prod', g(torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])), dim=1)
    C('prod all with one zero', 'prod', g(torch.tensor([1.5, 0.0, -2.0, 0.5])))
    C('softmax with -inf entries', 'softmax', g(torch.tensor([[-INF, 0.0, 1.0], [2.0, -INF, -INF]])), 1)
    C('logSoftmax with -inf entries', 'logSoftmax', n(torch.tensor([[-INF, 0.0, 1.0], [2.0, -INF, -INF]])), 1)
    C('logsumexp with -inf entries', 'logsumexp', g(torch.tensor([[-INF, 0.0, 1.0], [2.0, -INF, -INF]])), dim=1)
    C('logsumexp of an all -inf row', 'logsumexp', n(torch.tensor([[-INF, -INF], [0.0, 1.0]])), dim=1)
    C('logsumexp with inf', 'logsumexp', n(torch.tensor([[INF, 0.0], [1.0, 1.0]])), dim=1)
    C('cumsum 0-d', 'cumsum', g(u()), 0)
    C('cumsum with inf', 'cumsum', n(torch.tensor([1.0, INF, -INF, 2.0])), 0)


def degenerate_shapes(C):
    C('repeat 0-d', 'repeat', g(u()), [2, 3])
    C('cat with empty 2-D', 'cat', Group([g(u(0, 3)), g(u(2, 3))]), 0)
    C('stack of empty', 'stack', Group([g(u(0, 2)), g(u(0, 2))]), 1)
    C('chunk more chunks than elements', 'chunk', g(u(3, 2)), 5)
    C('chunk 6 into 4', 'chunk', g(u(6)), 4)
    C('slice end past size', 'slice', g(u(4, 3)), 0, 1, 100, 1)
    C('index negative-end slice', 'index', g(u(5, 3)), '1:-1', '-2:')
    C('narrow length 0', 'narrow', g(u(3, 4)), 1, 2, 0)
    C('transpose same dim', 'transpose', g(u(2, 3)), 1, 1)
    C('permute 0-d', 'permute', g(u()), [])
    C('squeeze 0-d', 'squeeze', g(u()))
    C('squeeze 0-d dim 0', 'squeeze', g(u()), 0)
    C('unsqueeze empty', 'unsqueeze', g(u(0, 2)), 1)
    C('maskedSelect all false', 'maskedSelect', g(u(2, 3)), n(torch.zeros(2, 3, dtype=torch.bool)))
    C('flip empty', 'flip', g(u(0, 3)), [0, 1])
    C('unbind size 1', 'unbind', g(u(1, 3)), 0)
    C('sum of int32 is int64', 'sum', n(ints(-5, 5, 4, dtype=torch.int32)))
    C('cumsum int32 is int64', 'cumsum', n(ints(-5, 5, 4, dtype=torch.int32)), 0)
    C('prod of bool is int64', 'prod', n(torch.tensor([True, True])))
    C('mean of float64 0-d', 'mean', g(u(dtype=f64)))
    C('expand empty', 'expand', g(u(0, 1)), [0, 3])


def gradient_rules(C):
    """Where PyTorch's backward formulas meet NaN, zeros and overflow (last in the fixture: no other case's inputs
    moved). Each rule here is one Kindling once got wrong."""
    t = torch.tensor
    C('xlogy gradient where self is 0', 'xlogy', g(t([0.0, 0.0, 0.0, 0.0, 2.0, 0.0])), g(t([3.0, 0.5, -1.0, 0.0, -1.0, NAN])))
    C('amax gradient of a NaN maximum', 'amax', g(t([[1.0, NAN, 3.0], [2.0, 2.0, 1.0]])), dim=1)
    C('amin gradient of a NaN minimum, all', 'amin', g(t([1.0, NAN, -3.0, NAN])))
    C('maximum gradient with NaN operands', 'maximum', g(t([NAN, 1.0, 2.0, NAN, 3.0])), g(t([1.0, NAN, 2.0, NAN, -1.0])))
    C('minimum gradient with NaN operands', 'minimum', g(t([NAN, 1.0, 2.0, NAN, 3.0])), g(t([1.0, NAN, 2.0, NAN, -1.0])))
    C('lerp negative weight to infinity', 'lerp', g(t([1e-8, 1.0, 2.0])), g(t([INF, -INF, 3.0])), -0.5)
    C('lerp tensor weights around one half', 'lerp', g(t([1.0, 1.0, 1.0, 1.0])), g(t([3.0, INF, INF, 3.0])),
      g(t([-0.6, 0.4, 0.6, 1.5])))
    C('var of one element', 'var', g(t(0.75, dtype=f64)))
    C('std of one element along its dim', 'std', g(t(-0.5)), dim=0)
    C('var of one element, dims of size 1', 'var', g(t([[2.0]])), dim=1)
    C('std float32 past the float32 square', 'std', g(t([[-104.0, 1e30, 2.5], [0.25, 1.0, -3.0]])), dim=1)
    C('prod gradient with one zero', 'prod', g(t([[2.0, 0.0, 3.0], [0.5, -1.5, 4.0]])))
    C('prod gradient with two zeros', 'prod', g(t([[2.0, 0.0, NAN], [0.0, -1.5, 4.0]])))
    C('prod gradient along a dim with zeros', 'prod', g(t([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.5, -2.0, INF]])), dim=1)
    C('prod gradient without zeros', 'prod', g(t([[2.0, 0.5, 3.0], [1.5, -2.0, 0.25]], dtype=f64)), dim=0)
    C('cumprod gradient with zeros and NaN', 'cumprod',
      g(t([[2.0, 0.0, 3.0, 0.0, NAN], [0.0, 1.5, 2.0, -1.0, 0.5], [1.0, 2.0, 3.0, 4.0, 0.0]])), 1)
    C('cumprod gradient with subnormal products', 'cumprod', g(t([3e-39, 1e-5, 0.0, 2.0, 3.0])), 0)
    C('logsumexp over an empty dim', 'logsumexp', g(torch.zeros(3, 0)), dim=1)
    C('logsumexp of nothing', 'logsumexp', g(torch.zeros(0)), dim=0)
    C('chunk of an empty dim', 'chunk', g(torch.zeros(2, 0)), 3, 1)
    C('topk of a one-element slice', 'topk', sliced(t([0.5, -0.125, 1.5, -0.25]), 0, 1, 3, 2), 1, 0)
    C('sort of a sliced row', 'sort', sliced(t([9.0, 3.0, 8.0, 1.0, 7.0, 2.0]), 0, 1, 6, 2), 0)
    C('pow of one and minus one', 'pow', g(t([1.0, 1.0, -1.0, -1.0, 1.0, 2.0])), g(t([NAN, INF, INF, -INF, -INF, NAN])))
    C('pow gradient at an infinite exponent', 'pow', g(t([[1.0], [0.5]])), g(t([[INF, 2.0, -0.0], [INF, 1.0, 3.0]])))
    C('pow by zero of NaN gradients', 'pow', g(t([NAN, 2.0, -3.0])), 0.0)
    C('div gradient by a subnormal divisor', 'div', n(t([0, 3, -2])), g(t([3e-39, 4e-39, INF])))
    C('cummin with NaNs', 'cummin', g(t([NAN, -0.5, NAN, 1.5, -2.0], dtype=f64)), 0)
    C('cummax with NaNs', 'cummax', g(t([0.5, NAN, 2.0, NAN, 1.0])), 0)
    C('std of equal float64 values is 0 with a 0 gradient', 'std', expanded(t([[0.1, -2.3, 7.7]], dtype=f64), [3, 3]), dim=0)
    C('var of equal float64 values', 'var', g(t([0.1, 0.1, 0.1, 0.1, 0.1], dtype=f64)))
    C('cat takes the dtype of a skipped empty vector', 'cat', Group([g(torch.zeros(0, dtype=f64)), g(t([[1.5, -2.0]]))]), 0)
    C('cat of empty vectors only', 'cat', Group([g(torch.zeros(0)), g(torch.zeros(0, dtype=f64))]), 0)
    C('fill_ records FillBackward2', 'inplace', g(t([[1.0, -2.0], [3.0, 0.5]])), 'fill_', 'none', 2.5)
    C('zero_ records ZeroBackward0', 'inplace', g(t([[1.0, -2.0], [3.0, 0.5]], dtype=f64)), 'zero_', 'none')
    C('fill_ of a strided view goes through CopySlices', 'inplace', g(t([[1.0, -2.0, 4.0], [3.0, 0.5, -1.0]])), 'fill_',
      'slice', -1.5)
    x = t([[1.0, -2.0, 4.0], [3.0, 0.5, -1.0]])
    C('index Ellipsis alone is an alias', 'index', g(x), '...')
    C('index one whole slice is a slice', 'index', g(x), ':2')
    C('index a whole slice written out among others is left out', 'index', g(x), ':2', 1)
    C('index an open whole slice among others is a slice', 'index', g(x), ':', 1)
    C('index nothing left to do is an alias', 'index', g(x), '0:2', '...')
    edges = t([-INF, -0.0, 0.0, 2.0, INF, NAN, -3.0, 1.5])
    for e in [0.5, -0.5, -1.0, 2.0, 3.0, -2.0]:
        C(f'pow by {e} as PyTorch computes it', 'pow', g(edges), e)
    C('pow by 3 float64', 'pow', g(t([1.1, -2.7, 1e-3, 3.3], dtype=f64)), 3.0)


def view_offsets(C):
    """Views that start inside their storage, and empty results (last in the fixture: no other case's inputs
    moved). Each case here is one Kindling once got wrong."""
    t = torch.tensor
    C('repeat ones of a contiguous view at an offset', 'repeat', sliced(u(5, 3), 0, 2, 4, 1), [1, 1])
    C('repeat ones of a one-element view at an offset', 'repeat', sliced(u(4), 0, 1, 3, 2), [1])
    C('repeat twice of a contiguous view at an offset', 'repeat', sliced(u(6), 0, 3, 5, 1), [2, 1])
    C('index an empty result with an out-of-range index', 'index', g(u(3, 3, 1)), ':0:3', '...', None,
      n(t([[-3, 2]])))
