"""Golden cases: elementwise arithmetic, comparisons, unary math, type promotion, reductions, matrix products."""
import torch

from golden import expanded, sliced, transposed, viewed
from inputs import away, distinct, f32, f64, fractional, g, i64, ints, n, pos, u

RED32 = {'rtol': 1e-4, 'atol': 1e-5}  # float32 reductions and products: summation order differs


def elementwise(C):
    # add / sub / mul / div over broadcasting, 0-d, empty, non-contiguous and float64 inputs
    for op in ['add', 'sub', 'mul', 'div']:
        C(f'{op} same shape [3,4]', op, g(u(3, 4)), g(away(3, 4)))
        C(f'{op} broadcast [3,1] and [4]', op, g(u(3, 1)), g(away(4)))
        C(f'{op} broadcast [2,3,4] and [4]', op, g(u(2, 3, 4)), g(away(4)))
        C(f'{op} 0-d and [3]', op, g(u()), g(away(3)))
        C(f'{op} [2,3] and python float', op, g(u(2, 3)), 2.5)
        C(f'{op} transposed and expanded inputs', op, transposed(u(3, 4)), expanded(away(1, 4), [3, 4]))
        C(f'{op} sliced input', op, sliced(u(4, 6), 1, 1, 6, 2), g(away(4, 3)))
        C(f'{op} float64 broadcast [2,1,3] and [4,1]', op, g(u(2, 1, 3, dtype=f64)), g(away(4, 1, dtype=f64)))
        C(f'{op} empty [0,3] and [3]', op, g(u(0, 3)), g(away(3)))
    C('add alpha', 'add', g(u(3, 4)), g(u(4)), alpha=2.5)
    C('add scalar with alpha', 'add', g(u(3)), 3, alpha=2)
    C('sub alpha', 'sub', g(u(2, 3)), g(u(2, 3)), alpha=0.5)
    C('rsub scalar (2 - x)', 'rsub', g(u(2, 3)), 2)
    C('add int64 tensors', 'add', n(ints(-5, 5, 3, 4)), n(ints(-5, 5, 4)))
    C('mul int64 tensors', 'mul', n(ints(-5, 5, 2, 3)), n(ints(-5, 5, 2, 3)))
    C('add bool and bool (logical or)', 'add', n(torch.tensor([True, False, True, False])), n(torch.tensor([True, True, False, False])))
    C('mul bool and bool', 'mul', n(torch.tensor([True, False, True])), n(torch.tensor([True, True, False])))
    # dtype promotion
    C('promote int64 + float32 -> float32', 'add', n(ints(-3, 3, 3, 2)), g(u(3, 2)))
    C('promote float32 * int64 -> float32', 'mul', g(u(2, 3)), n(ints(-3, 3, 2, 3)))
    C('promote int64 / int64 -> float32', 'div', n(ints(-9, 9, 2, 3)), n(ints(1, 5, 2, 3)))
    C('promote float32 * python float', 'mul', g(u(2, 2)), 0.1)
    C('promote int64 * 2.5 -> float32', 'mul', n(ints(-5, 5, 4)), 2.5)
    C('promote int64 + python int stays int64', 'add', n(ints(-5, 5, 4)), 7)
    C('promote bool + int64 -> int64', 'add', n(torch.tensor([True, False, True])), n(ints(-3, 3, 3)))
    C('promote bool * python float -> float32', 'mul', n(torch.tensor([True, False])), 1.5)
    C('promote 0-d float64 + float32 -> float32', 'add', g(u(dtype=f64)), g(u(3)))
    C('promote 0-d float64 + int64 -> float64', 'add', n(ints(-3, 3, 3)), g(u(dtype=f64)))
    C('promote 0-d float64 + python float stays float64', 'add', g(u(dtype=f64)), -1.5)
    C('promote 0-d float64 * python int stays float64', 'mul', g(u(dtype=f64)), 3)
    C('promote 0-d int64 * python float -> float32', 'mul', n(ints(-5, 5)), 2.5)
    C('promote 0-d int32 + python int stays int32', 'add', n(ints(-5, 5, dtype=torch.int32)), 7)
    C('promote 0-d bool + python int -> int64', 'add', n(torch.tensor(True)), 2)
    C('promote 0-d float32 + 0-d float64 -> float64', 'add', g(u()), g(u(dtype=f64)))
    C('promote 0-d int64 + 0-d float32 -> float32', 'add', n(ints(-5, 5)), g(u()))
    C('promote float32 + float64 -> float64', 'add', g(u(2, 3)), g(u(3, dtype=f64)))
    C('promote int32 + int64 -> int64', 'add', n(ints(-3, 3, 3, dtype=torch.int32)), n(ints(-3, 3, 3)))
    C('promote int32 * python int stays int32', 'mul', n(ints(-3, 3, 3, dtype=torch.int32)), 3)
    C('promote int64 tensor / python float', 'div', n(ints(-5, 5, 4)), 2.5)
    # rounding division
    for mode in ['trunc', 'floor']:
        C(f'div roundingMode {mode} float', 'div', g(fractional(3, 4)), g(away(4)), roundingMode=mode)
        C(f'div roundingMode {mode} int64', 'div', n(ints(-9, 9, 3, 4)), n(torch.tensor([3, -2, 4, -5])), roundingMode=mode)
        C(f'div roundingMode {mode} by python int', 'div', n(ints(-9, 9, 5)), 2, roundingMode=mode)
        C(f'div roundingMode {mode} float64', 'div', g(fractional(5, dtype=f64)), g(away(5, dtype=f64)), roundingMode=mode)
    # pow
    C('pow tensor ** 2', 'pow', g(u(3, 4)), 2)
    C('pow tensor ** 3 negative base', 'pow', g(away(5)), 3)
    C('pow tensor ** 0.5', 'pow', g(pos(3, 4)), 0.5)
    C('pow tensor ** -1', 'pow', g(away(4)), -1)
    C('pow tensor ** 0', 'pow', g(u(4)), 0)
    C('pow tensor ** tensor broadcast', 'pow', g(pos(3, 4)), g(u(4)))
    C('pow python float ** tensor', 'pow', 2.5, g(u(3)))
    C('pow float64 tensor ** tensor', 'pow', g(pos(2, 3, dtype=f64)), g(u(2, 3, dtype=f64)))
    C('pow int64 ** 2', 'pow', n(ints(-4, 4, 5)), 2)
    C('pow int64 ** 0.5 -> float32', 'pow', n(ints(0, 9, 5)), 0.5)
    # maximum / minimum / where / clamp
    for op in ['maximum', 'minimum']:
        C(f'{op} broadcast', op, g(distinct(3, 4)), g(distinct(4) + 0.05))
        C(f'{op} with ties shares the gradient', op, g(torch.tensor([1.0, 2.0, 3.0, -1.0])), g(torch.tensor([1.0, 0.5, 3.0, 2.0])))
        C(f'{op} int64 and float32', op, n(ints(-3, 3, 4)), g(fractional(4)))
    C('where broadcast cond [3,1] x [4]', 'where', n(torch.rand(3, 1) < 0.5), g(u(4)), g(u(3, 4)))
    C('where scalar other', 'where', n(torch.rand(2, 3) < 0.5), g(u(2, 3)), 0.0)
    C('where int64 and float32', 'where', n(torch.tensor([True, False, True])), n(ints(-3, 3, 3)), g(u(3)))
    C('where float64 non-contiguous', 'where', n(torch.rand(3, 4) < 0.5), transposed(u(3, 4, dtype=f64)), g(u(3, 4, dtype=f64)))
    C('clamp min and max', 'clamp', g(torch.tensor([-2.0, -0.7, 0.1, 0.9, 1.5, 3.0])), -0.5, 1.0)
    C('clamp min only', 'clamp', g(away(3, 4)), 0.0, None)
    C('clamp max only', 'clamp', g(away(3, 4)), None, 0.5)
    C('clamp tensor bounds', 'clamp', g(u(3, 4)), g(torch.full((4,), -0.6) + u(4, lo=-0.1, hi=0.1)), g(torch.full((3, 1), 0.7)))
    C('clamp int64', 'clamp', n(ints(-9, 9, 6)), -3, 4)
    C('clamp float64 non-contiguous', 'clamp', transposed(away(3, 4, dtype=f64)), -1.0, 1.0)
    # comparisons and logic
    a = distinct(3, 4)
    b = distinct(4)
    for op in ['eq', 'ne', 'lt', 'le', 'gt', 'ge']:
        C(f'{op} broadcast float32', op, n(a.round()), n(b.round()))
        C(f'{op} int64 and python float', op, n(ints(-3, 3, 6)), 0.5)
        C(f'{op} float64 and int64', op, n(torch.tensor([1.0, 2.5, -1.0], dtype=f64)), n(torch.tensor([1, 2, 0])))
    C('logicalNot bool', 'logicalNot', n(torch.tensor([True, False, True])))
    C('logicalNot float', 'logicalNot', n(torch.tensor([0.0, 1.5, -2.0, 0.0])))
    C('logicalAnd broadcast', 'logicalAnd', n(torch.rand(3, 1) < 0.5), n(torch.tensor([0.0, 1.0, 2.0, 0.0])))
    C('logicalOr broadcast', 'logicalOr', n(torch.rand(2, 3) < 0.5), n(torch.rand(3) < 0.5))
    C('isnan', 'isnan', n(torch.tensor([1.0, float('nan'), float('inf'), -float('inf'), 0.0])))
    C('isnan int64', 'isnan', n(ints(-3, 3, 3)))
    C('isfinite', 'isfinite', n(torch.tensor([1.0, float('nan'), float('inf'), -float('inf'), 0.0])))
    C('isfinite int64', 'isfinite', n(ints(-3, 3, 3)))


def unary(C):
    specs = {
        'neg': u, 'abs': away, 'exp': u, 'expm1': u, 'log': pos, 'log1p': lambda *s, dtype=f32: u(*s, lo=-0.5, hi=2.0, dtype=dtype),
        'sqrt': pos, 'rsqrt': pos, 'square': u, 'reciprocal': away, 'sin': u, 'cos': u, 'tanh': u, 'sigmoid': u,
        'relu': away, 'erf': u, 'sign': away, 'floor': fractional, 'ceil': fractional, 'round': fractional,
    }
    for op, make in specs.items():
        C(f'{op} [3,4]', op, g(make(3, 4)))
        C(f'{op} non-contiguous float64', op, transposed(make(2, 3, dtype=f64)))
        C(f'{op} 0-d', op, g(make()))
    for op in ['neg', 'abs', 'exp', 'sqrt', 'sigmoid', 'relu', 'sign', 'floor', 'round', 'sin', 'square']:
        C(f'{op} int64', op, n(ints(0 if op == 'sqrt' else -4, 5, 5)))
    for op in ['exp', 'relu', 'sigmoid']:
        C(f'{op} empty', op, g(u(0, 2)))
    C('expm1 near zero keeps its digits', 'expm1', g(torch.tensor([1e-10, -1e-7, 1e-4, 0.0], dtype=f64)))
    C('round half to even', 'round', g(torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, 3.51])))
    C('sign with zero', 'sign', n(torch.tensor([-2.0, 0.0, 3.0])))
    C('sigmoid and exp of large values', 'sigmoid', g(torch.tensor([-100.0, -20.0, 0.0, 20.0, 100.0])))
    C('tanh large values', 'tanh', g(torch.tensor([-30.0, -5.0, 0.0, 5.0, 30.0])))
    C('relu with exact zeros', 'relu', g(torch.tensor([-1.0, 0.0, 2.0])))
    C('abs int32', 'abs', n(ints(-5, 5, 4, dtype=torch.int32)))


def reductions(C):
    x = u(2, 3, 4)
    for op in ['sum', 'mean']:
        C(f'{op} all', op, g(x), tol=RED32)
        C(f'{op} dim 1', op, g(x), dim=1, tol=RED32)
        C(f'{op} dim -1 keepdim', op, g(x), dim=-1, keepdim=True, tol=RED32)
        C(f'{op} dims [0,2]', op, g(x), dim=[0, 2], tol=RED32)
        C(f'{op} dims [-1,0] keepdim (options form)', op, g(x), dim=[-1, 0], keepdim=True, call='options', tol=RED32)
        C(f'{op} non-contiguous', op, transposed(u(3, 5)), dim=0, tol=RED32)
        C(f'{op} float64 dim 0', op, g(u(4, 3, dtype=f64)), dim=0)
        C(f'{op} 0-d', op, g(u()))
        C(f'{op} empty dim 0', op, g(u(0, 3)), dim=0)
        C(f'{op} expanded input', op, expanded(u(3, 1), [3, 4]), dim=1, tol=RED32)
    C('sum int64 -> int64', 'sum', n(ints(-5, 5, 3, 4)), dim=1)
    C('sum bool -> int64', 'sum', n(torch.rand(3, 4) < 0.5))
    C('sum empty all', 'sum', g(u(0)))
    C('prod all', 'prod', g(pos(2, 3, lo=0.5, hi=1.5)), tol=RED32)
    C('prod dim 1', 'prod', g(away(3, 4)), dim=1, tol=RED32)
    C('prod dim 0 keepdim', 'prod', g(away(3, 4)), dim=0, keepdim=True, tol=RED32)
    C('prod with a zero', 'prod', g(torch.tensor([[1.5, 0.0, -2.0], [0.5, 2.0, 3.0]])), dim=1)
    C('prod float64', 'prod', g(away(4, 2, dtype=f64)), dim=0)
    C('prod int64', 'prod', n(ints(-3, 4, 2, 3)), dim=1)
    for op in ['var', 'std']:
        C(f'{op} all', op, g(u(3, 4)), tol=RED32)
        C(f'{op} dim 1', op, g(u(3, 4)), dim=1, tol=RED32)
        C(f'{op} dims [0,2] keepdim', op, g(u(2, 3, 4)), dim=[0, 2], keepdim=True, tol=RED32)
        C(f'{op} correction 0 (options form)', op, g(u(3, 4)), dim=0, correction=0, call='options', tol=RED32)
        C(f'{op} unbiased false', op, g(u(3, 4)), dim=1, unbiased=False, tol=RED32)
        C(f'{op} correction 2', op, g(u(5, 3)), dim=0, correction=2, tol=RED32)
        C(f'{op} float64 non-contiguous', op, transposed(u(3, 4, dtype=f64)), dim=-1)
        C(f'{op} all unbiased false', op, g(u(2, 5)), unbiased=False, tol=RED32)
    C('logsumexp dim 1', 'logsumexp', g(u(3, 4)), dim=1, tol=RED32)
    C('logsumexp dims [0,1] keepdim', 'logsumexp', g(u(2, 3, 2)), dim=[0, 1], keepdim=True, tol=RED32)
    C('logsumexp large values', 'logsumexp', g(torch.tensor([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -999.5]])), dim=-1)
    C('logsumexp float64', 'logsumexp', g(u(3, 4, dtype=f64)), dim=0)
    C('logsumexp int64 -> float32', 'logsumexp', n(ints(-3, 3, 2, 3)), dim=1)
    for op in ['max', 'min']:
        C(f'{op} all', op, g(distinct(3, 4)))
        C(f'{op} dim 1', op, g(distinct(3, 4)), dim=1)
        C(f'{op} dim -1 keepdim', op, g(distinct(2, 3, 4)), dim=-1, keepdim=True)
        C(f'{op} dim 0 (options form)', op, g(distinct(3, 4)), dim=0, call='options')
        C(f'{op} binary broadcast', op, g(distinct(3, 4)), g(distinct(4) + 0.05))
        C(f'{op} all with ties splits evenly', op, g(torch.tensor([[1.0, 3.0], [3.0, -2.0]]) * (1 if op == 'max' else -1)))
        C(f'{op} float64 non-contiguous dim 0', op, transposed(distinct(3, 4, dtype=f64)), dim=0)
        C(f'{op} int64 dim 1', op, n(distinct(3, 4).mul(4).round().to(i64)), dim=1)
        C(f'{op} 0-d dim 0', op, g(u()), dim=0)
    for op in ['amax', 'amin']:
        C(f'{op} dims [0,2]', op, g(distinct(2, 3, 4)), dim=[0, 2])
        C(f'{op} dim -1 keepdim', op, g(distinct(3, 4)), dim=-1, keepdim=True)
        C(f'{op} all', op, g(distinct(3, 4)))
        C(f'{op} ties split evenly', op, g(torch.tensor([[2.0, 2.0, -1.0], [0.0, -3.0, -3.0]])), dim=1)
    for op in ['argmax', 'argmin']:
        C(f'{op} all', op, n(distinct(3, 4)))
        C(f'{op} dim 1', op, n(distinct(3, 4)), dim=1)
        C(f'{op} dim 0 keepdim', op, n(distinct(3, 4)), dim=0, keepdim=True)
        C(f'{op} non-contiguous dim -1', op, transposed(distinct(4, 3), grad=False), dim=-1)
    for op in ['any', 'all']:
        C(f'{op} bool all', op, n(torch.rand(3, 4) < 0.7))
        C(f'{op} bool dim 1', op, n(torch.rand(3, 4) < 0.5), dim=1)
        C(f'{op} float dim 0 keepdim', op, n(torch.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]])), dim=0, keepdim=True)
        C(f'{op} empty', op, n(torch.zeros(0, dtype=torch.bool)))
    C('cumsum dim 0', 'cumsum', g(u(3, 4)), 0)
    C('cumsum dim -1', 'cumsum', g(u(2, 3, 4)), -1)
    C('cumsum non-contiguous', 'cumsum', transposed(u(3, 4)), 1)
    C('cumsum float64', 'cumsum', g(u(5, dtype=f64)), 0)
    C('cumsum int64', 'cumsum', n(ints(-5, 5, 2, 4)), 1)
    C('cumsum bool -> int64', 'cumsum', n(torch.rand(6) < 0.5), 0)


def linalg(C):
    C('matmul 1D . 1D', 'matmul', g(u(4)), g(u(4)), tol=RED32)
    C('matmul 2D . 1D', 'matmul', g(u(3, 4)), g(u(4)), tol=RED32)
    C('matmul 1D . 2D', 'matmul', g(u(4)), g(u(4, 5)), tol=RED32)
    C('matmul 2D . 2D', 'matmul', g(u(3, 4)), g(u(4, 5)), tol=RED32)
    C('matmul 3D . 2D', 'matmul', g(u(2, 3, 4)), g(u(4, 5)), tol=RED32)
    C('matmul 2D . 3D', 'matmul', g(u(3, 4)), g(u(2, 4, 5)), tol=RED32)
    C('matmul 4D . 3D broadcast batch', 'matmul', g(u(2, 1, 3, 4)), g(u(3, 4, 2)), tol=RED32)
    C('matmul 3D . 1D', 'matmul', g(u(2, 3, 4)), g(u(4)), tol=RED32)
    C('matmul 1D . 3D', 'matmul', g(u(4)), g(u(2, 4, 3)), tol=RED32)
    C('matmul 3D . 3D batch broadcast [1,..]', 'matmul', g(u(1, 3, 4)), g(u(2, 4, 2)), tol=RED32)
    C('matmul permuted 3D . 2D (batched path)', 'matmul', transposed(u(2, 3, 4), dims=(1, 2)), g(u(4, 2)), tol=RED32)
    C('matmul 2D . 3D with a size-1 dim', 'matmul', g(u(1, 4)), g(u(2, 4, 3)), tol=RED32)
    C('matmul non-contiguous', 'matmul', transposed(u(3, 4)), transposed(u(4, 2)), tol=RED32)
    C('matmul float64 3D . 3D', 'matmul', g(u(2, 3, 4, dtype=f64)), g(u(2, 4, 3, dtype=f64)))
    C('matmul int64', 'matmul', n(ints(-3, 3, 2, 3)), n(ints(-3, 3, 3, 2)))
    C('matmul empty inner dim', 'matmul', g(u(2, 0)), g(u(0, 3)))
    C('mm', 'mm', g(u(3, 4)), g(u(4, 2)), tol=RED32)
    C('mm transposed operands', 'mm', transposed(u(3, 4)), transposed(u(4, 5)), tol=RED32)
    C('mm sliced operand', 'mm', sliced(u(3, 8), 1, 0, 8, 2), g(u(4, 2)), tol=RED32)
    C('mm float64', 'mm', g(u(3, 4, dtype=f64)), g(u(4, 2, dtype=f64)))
    C('bmm', 'bmm', g(u(2, 3, 4)), g(u(2, 4, 5)), tol=RED32)
    C('bmm transposed operand', 'bmm', transposed(u(2, 3, 4)), g(u(2, 4, 2)), tol=RED32)
    C('bmm expanded operand', 'bmm', expanded(u(1, 3, 4), [2, 3, 4]), g(u(2, 4, 2)), tol=RED32)
    C('dot', 'dot', g(u(5)), g(u(5)), tol=RED32)
    C('dot float64 sliced', 'dot', sliced(u(10, dtype=f64), 0, 0, 10, 2), g(u(5, dtype=f64)))
    C('mv', 'mv', g(u(3, 4)), g(u(4)), tol=RED32)
    C('mv transposed matrix', 'mv', transposed(u(3, 4)), g(u(4)), tol=RED32)
    C('t 2D', 't', g(u(3, 4)))
    C('t 1D', 't', g(u(4)))
    C('t 0-d', 't', g(u()))


def expanded_products(C):
    """mm / matmul / bmm / mv / dot with expanded (stride-0) and other strided operands: GEMM must not read such
    an operand as a dense matrix (it once read past the storage of a column expanded from [1, 1]).

    Reseeds first, so these inputs do not depend on the groups before."""
    torch.manual_seed(20240)
    tr = lambda *dims: {'kind': 'transpose', 'dims': list(dims)}  # noqa: E731
    ex = lambda *shape: {'kind': 'expand', 'shape': list(shape)}  # noqa: E731
    sl = lambda dim, start, end, step: {'kind': 'slice', 'dim': dim, 'start': start, 'end': end, 'step': step}  # noqa: E731
    for op in ['mm', 'matmul']:
        C(f'{op} row expanded [1,4]->[3,4] @ [4,2]', op, expanded(u(1, 4), [3, 4]), g(u(4, 2)), tol=RED32)
        C(f'{op} [2,6] @ column expanded [1,1]->[6,1]', op, g(u(2, 6)), expanded(u(1, 1), [6, 1]), tol=RED32)
        C(f'{op} column expanded [1,1]->[6,1] @ [1,2]', op, expanded(u(1, 1), [6, 1]), g(u(1, 2)), tol=RED32)
        C(f'{op} [3,4] @ column expanded [4,1]->[4,5]', op, g(u(3, 4)), expanded(u(4, 1), [4, 5]), tol=RED32)
        C(f'{op} column expanded [3,1]->[3,4] @ [4,2]', op, expanded(u(3, 1), [3, 4]), g(u(4, 2)), tol=RED32)
        C(f'{op} [2,4] @ row expanded [1,3]->[4,3]', op, g(u(2, 4)), expanded(u(1, 3), [4, 3]), tol=RED32)
        C(f'{op} both expanded from [1,1]', op, expanded(u(1, 1), [3, 4]), expanded(u(1, 1), [4, 2]), tol=RED32)
        C(f'{op} row expanded @ transposed', op, expanded(u(1, 4), [3, 4]), transposed(u(4, 5)), tol=RED32)
        C(f'{op} sliced then expanded (strides [0,2]) @ [4,2]', op, viewed(u(1, 8), [sl(1, 0, 8, 2), ex(3, 4)]), g(u(4, 2)), tol=RED32)
        C(f'{op} [2,3] @ expanded then transposed (strides [1,0])', op, g(u(2, 3)), viewed(u(1, 3), [ex(4, 3), tr(0, 1)]), tol=RED32)
        C(f'{op} float64 row expanded [1,4]->[3,4] @ column expanded [4,1]->[4,2]', op,
          expanded(u(1, 4, dtype=f64), [3, 4]), expanded(u(4, 1, dtype=f64), [4, 2]))
        C(f'{op} float64 [2,6] @ column expanded [1,1]->[6,1]', op, g(u(2, 6, dtype=f64)), expanded(u(1, 1, dtype=f64), [6, 1]))
    C('matmul batch expanded [1,3,4]->[2,3,4] @ [4,5]', 'matmul', expanded(u(1, 3, 4), [2, 3, 4]), g(u(4, 5)), tol=RED32)
    C('matmul rows expanded [2,1,4]->[2,3,4] @ [4,2]', 'matmul', expanded(u(2, 1, 4), [2, 3, 4]), g(u(4, 2)), tol=RED32)
    C('matmul [2,3,4] @ column expanded [4,1]->[4,5]', 'matmul', g(u(2, 3, 4)), expanded(u(4, 1), [4, 5]), tol=RED32)
    C('matmul [3,4] @ batch expanded [1,4,5]->[2,4,5]', 'matmul', g(u(3, 4)), expanded(u(1, 4, 5), [2, 4, 5]), tol=RED32)
    C('matmul [2,3,6] @ column expanded [1,1]->[6,1]', 'matmul', g(u(2, 3, 6)), expanded(u(1, 1), [6, 1]), tol=RED32)
    C('matmul 4D expanded [2,1,3,4]->[2,2,3,4] @ [2,4,2]', 'matmul', expanded(u(2, 1, 3, 4), [2, 2, 3, 4]), g(u(2, 4, 2)), tol=RED32)
    C('matmul 1D expanded [1]->[4] @ [4,3]', 'matmul', expanded(u(1), [4]), g(u(4, 3)), tol=RED32)
    C('matmul [3,4] @ 1D expanded [1]->[4]', 'matmul', g(u(3, 4)), expanded(u(1), [4]), tol=RED32)
    C('matmul 1D expanded [1]->[4] @ 3D [2,4,3]', 'matmul', expanded(u(1), [4]), g(u(2, 4, 3)), tol=RED32)
    C('bmm rows expanded [2,1,4]->[2,3,4] @ [2,4,2]', 'bmm', expanded(u(2, 1, 4), [2, 3, 4]), g(u(2, 4, 2)), tol=RED32)
    C('bmm [2,3,4] @ columns expanded [2,4,1]->[2,4,5]', 'bmm', g(u(2, 3, 4)), expanded(u(2, 4, 1), [2, 4, 5]), tol=RED32)
    C('bmm [2,3,6] @ column expanded [2,1,1]->[2,6,1]', 'bmm', g(u(2, 3, 6)), expanded(u(2, 1, 1), [2, 6, 1]), tol=RED32)
    C('bmm expanded [1,1,1]->[2,6,1] @ [2,1,3]', 'bmm', expanded(u(1, 1, 1), [2, 6, 1]), g(u(2, 1, 3)), tol=RED32)
    C('bmm [3,2,4] @ batch expanded [1,4,5]->[3,4,5]', 'bmm', g(u(3, 2, 4)), expanded(u(1, 4, 5), [3, 4, 5]), tol=RED32)
    C('bmm both expanded over batch', 'bmm', expanded(u(1, 3, 4), [2, 3, 4]), expanded(u(1, 4, 2), [2, 4, 2]), tol=RED32)
    C('bmm batch expanded then transposed', 'bmm', viewed(u(1, 4, 3), [ex(2, 4, 3), tr(1, 2)]), g(u(2, 4, 2)), tol=RED32)
    C('bmm float64 columns expanded [2,4,1]->[2,4,3]', 'bmm', g(u(2, 2, 4, dtype=f64)), expanded(u(2, 4, 1, dtype=f64), [2, 4, 3]))
    C('mv row expanded matrix [1,4]->[3,4]', 'mv', expanded(u(1, 4), [3, 4]), g(u(4)), tol=RED32)
    C('mv column expanded matrix [3,1]->[3,4]', 'mv', expanded(u(3, 1), [3, 4]), g(u(4)), tol=RED32)
    C('mv expanded vector [1]->[4]', 'mv', g(u(3, 4)), expanded(u(1), [4]), tol=RED32)
    C('dot expanded [1]->[5]', 'dot', expanded(u(1), [5]), g(u(5)), tol=RED32)


def lerps(C):
    """lerp with a number and a tensor weight (last in the fixture, so that no other case's random inputs moved)."""
    C('lerp weight 0.25', 'lerp', g(u(3, 4)), g(u(3, 4)), 0.25)
    C('lerp weight 0.75 (the other side of the kernel)', 'lerp', g(u(3, 4)), g(u(3, 4)), 0.75)
    C('lerp weight 1.3 past the end', 'lerp', g(u(5)), g(u(5)), 1.3)
    C('lerp broadcast end', 'lerp', g(u(2, 3)), g(u(3)), 0.4)
    C('lerp tensor weight', 'lerp', g(u(3, 4)), g(u(3, 4)), g(u(3, 4)))
    C('lerp broadcast tensor weight', 'lerp', g(u(2, 3)), g(u(2, 3)), g(u(3)))
    C('lerp float64', 'lerp', g(u(4, dtype=f64)), g(u(4, dtype=f64)), 0.6)
    C('lerp non-contiguous', 'lerp', transposed(u(3, 4)), g(u(3, 4)), 0.9)


def medians(C):
    """median over all elements and along a dim (last in the fixture: no other case's inputs moved)."""
    C('median all, odd count', 'median', g(distinct(3, 5)))
    C('median all, even count takes the lower middle', 'median', g(distinct(2, 4)))
    C('median all with ties splits evenly', 'median', g(torch.tensor([1.0, 2.0, 2.0, 3.0])))
    C('median all with a NaN', 'median', g(torch.tensor([3.0, float('nan'), 1.0])))
    C('median dim 1', 'median', g(distinct(3, 4)), dim=1)
    C('median dim 0 keepdim', 'median', g(distinct(4, 3)), dim=0, keepdim=True)
    C('median dim -1 of 3-d', 'median', g(distinct(2, 3, 5)), dim=-1)
    C('median dim 1 of 3-d (options form)', 'median', g(distinct(2, 5, 3)), dim=1, call='options')
    C('median int64 dim 1', 'median', n(distinct(3, 4).mul(4).round().to(i64)), dim=1)
    C('median float64 non-contiguous dim 0', 'median', transposed(distinct(3, 4, dtype=f64)), dim=0)
    C('median 0-d dim 0', 'median', g(u()), dim=0)


def cumprods(C):
    """cumprod, with and without zeros in the input (last in the fixture: no other case's inputs moved)."""
    C('cumprod dim 0', 'cumprod', g(u(4, 3)), 0)
    C('cumprod dim -1', 'cumprod', g(u(2, 5)), -1)
    C('cumprod with zeros', 'cumprod', g(torch.tensor([[0.5, 0.0, 2.0, 1.5], [1.2, -0.7, 0.0, 0.0]])), 1)
    C('cumprod a single zero first', 'cumprod', g(torch.tensor([0.0, 1.5, -2.0, 0.5])), 0)
    C('cumprod float64 non-contiguous', 'cumprod', transposed(u(3, 4, dtype=f64)), 0)
    C('cumprod int64', 'cumprod', n(ints(-3, 4, 2, 4)), 1)
    C('cumprod 0-d', 'cumprod', g(u()), 0)
    C('cumprod one element along the dim', 'cumprod', g(u(3, 1)), 1)


def kthvalues(C):
    """kthvalue along a dim (last in the fixture: no other case's inputs moved)."""
    C('kthvalue 2 along the last dim', 'kthvalue', g(distinct(3, 5)), 2)
    C('kthvalue 1 along dim 0 keepdim', 'kthvalue', g(distinct(4, 3)), 1, 0, True)
    C('kthvalue the largest', 'kthvalue', g(distinct(2, 3, 4)), 4, -1)
    C('kthvalue with a NaN ordered last', 'kthvalue', g(torch.tensor([[3.0, float('nan'), 1.0, 2.0]])), 3, 1)
    C('kthvalue int64', 'kthvalue', n(distinct(3, 4).mul(4).round().to(i64)), 2, 1)
    C('kthvalue 0-d', 'kthvalue', g(u()), 1)


def more_unary(C):
    """The trigonometric, hyperbolic, logarithmic and rounding functions added to the unary table (last in the
    fixture: no other case's inputs moved)."""
    unit = lambda *s, dtype=f32: u(*s, lo=-0.9, hi=0.9, dtype=dtype)  # noqa: E731
    above_one = lambda *s, dtype=f32: u(*s, lo=1.1, hi=3.0, dtype=dtype)  # noqa: E731
    specs = {
        'exp2': u, 'log2': pos, 'log10': pos, 'tan': lambda *s, dtype=f32: u(*s, lo=-1.2, hi=1.2, dtype=dtype),
        'asin': unit, 'acos': unit, 'atan': u, 'sinh': u, 'cosh': u, 'asinh': u, 'acosh': above_one, 'atanh': unit,
        'deg2rad': lambda *s, dtype=f32: u(*s, lo=-360.0, hi=360.0, dtype=dtype), 'rad2deg': u, 'erfc': u,
        'trunc': fractional, 'frac': fractional,
    }
    for op, make in specs.items():
        C(f'{op} [3,4]', op, g(make(3, 4)))
        C(f'{op} non-contiguous float64', op, transposed(make(2, 3, dtype=f64)))
        C(f'{op} 0-d', op, g(make()))
    for op in ['exp2', 'log2', 'tan', 'deg2rad', 'rad2deg', 'trunc', 'erfc']:
        C(f'{op} int64', op, n(ints(1 if op == 'log2' else -4, 5, 5)))
    C('tan of bool', 'tan', n(torch.tensor([True, False])))
    C('erfc far in the tails keeps its digits', 'erfc', g(torch.tensor([-30.0, -6.0, 5.0, 9.0, 26.0], dtype=f64)))
    C('log2 and log10 of powers', 'log2', g(torch.tensor([0.25, 1.0, 8.0, 1024.0])))
    C('log10 of zero and below', 'log10', g(torch.tensor([0.0, -1.0, 100.0, 1e-30], dtype=f64)))
    C('asin outside [-1, 1]', 'asin', g(torch.tensor([-1.5, -0.5, 2.0])))
    C('trunc of negative halves and zeros', 'trunc', g(torch.tensor([-2.5, -0.5, -0.0, 0.0, 0.5, 2.5])))
    C('frac keeps the sign', 'frac', g(torch.tensor([-2.75, -0.25, 0.0, 1.5, 3.125], dtype=f64)))
    special = torch.tensor([1.0, float('nan'), float('inf'), -float('inf'), 0.0, -0.0, -2.0])
    for op in ['isinf', 'isposinf', 'isneginf', 'signbit']:
        C(f'{op}', op, n(special))
        C(f'{op} int64', op, n(ints(-3, 3, 4)))
        C(f'{op} float64 transposed', op, transposed(special.to(f64).reshape(7, 1).expand(7, 2).contiguous(), grad=False))


def binary_math(C):
    """atan2, fmod, remainder, hypot, logaddexp(2), xlogy and copysign (last in the fixture: no other case's inputs
    moved)."""
    for op in ['atan2', 'hypot', 'logaddexp', 'logaddexp2', 'fmod', 'remainder', 'xlogy', 'copysign']:
        x = pos(3, 4) if op == 'xlogy' else away(3, 4)
        C(f'{op} broadcast', op, g(away(3, 4)), g(x[0].clone()))
        C(f'{op} non-contiguous float64', op, transposed(away(2, 3, dtype=f64)), g(away(2, 3, dtype=f64)))
        C(f'{op} 0-d and float32 with float64', op, g(away()), g(x[1].to(f64)))
    for op in ['fmod', 'remainder']:
        C(f'{op} by a number', op, g(u(2, 3, lo=-5.0, hi=5.0)), 1.5)
        C(f'{op} int64', op, n(ints(-9, 9, 6)), n(torch.tensor([4, -4, 3, -3, 5, 7])))
        C(f'{op} int64 by a float', op, n(ints(-9, 9, 4)), 2.5)
        C(f'{op} by zero and of infinities', op, g(torch.tensor([5.0, -5.0, float('inf'), 3.0, -0.0])),
          g(torch.tensor([0.0, 0.0, 2.0, float('inf'), 1.0])))
        C(f'{op} signs', op, g(torch.tensor([-7.5, 7.5, -7.5, 7.5])), g(torch.tensor([2.0, -2.0, -2.0, 2.0])))
    C('atan2 quadrants and axes', 'atan2', g(torch.tensor([1.0, 1.0, -1.0, -1.0, 0.0, 0.0, 2.0])),
      g(torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 0.0])))
    C('atan2 int64', 'atan2', n(ints(-3, 4, 5)), n(ints(1, 4, 5)))
    C('hypot large and small', 'hypot', g(torch.tensor([3e30, 3e-30, 0.0], dtype=f64)), g(torch.tensor([4e30, 4e-30, 2.0], dtype=f64)))
    C('logaddexp far apart and infinite', 'logaddexp', g(torch.tensor([100.0, -100.0, 0.0, float('-inf'), 5.0])),
      g(torch.tensor([0.0, 0.0, 0.0, float('-inf'), float('inf')])))
    C('logaddexp2 far apart', 'logaddexp2', g(torch.tensor([60.0, -3.0, 1.0])), g(torch.tensor([0.0, -3.0, 2.0])))
    C('xlogy with zeros and NaN', 'xlogy', g(torch.tensor([0.0, 0.0, 2.0, 1.5])), g(torch.tensor([0.0, float('nan'), 3.0, 0.5])))
    C('xlogy number first', 'xlogy', 2.0, g(pos(4)))
    C('xlogy number second', 'xlogy', g(u(4)), 3.0)
    C('xlogy int64', 'xlogy', n(ints(0, 4, 5)), n(ints(1, 5, 5)))
    C('copysign by a number', 'copysign', g(away(2, 3)), -1.0)
    C('copysign with zeros', 'copysign', g(torch.tensor([1.0, -2.0, 0.0, 3.0])), g(torch.tensor([-0.0, 0.0, -1.0, 2.0])))
    C('copysign int64', 'copysign', n(ints(-4, 4, 5)), n(ints(-4, 4, 5)))
