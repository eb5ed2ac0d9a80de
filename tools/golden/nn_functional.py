"""Writes packages/nn/test/fixtures/functional.json: nn.functional and the losses run by real PyTorch over many
option combinations, with values, grad_fn names and the gradients of every tensor input (weights and biases
included). Run from the repository root:

    /usr/bin/python3 tools/golden/nn_functional.py

Cases use the format described in golden.py. Keyword arguments are recorded in Kindling's spelling (camelCase) and
turned back into PyTorch's for the call; tensor-valued options (weight, bias, running statistics, pos_weight) are
positional arguments (a tensor spec or null), in the order the Kindling call in nn/test/functional-ops.ts takes them.
Ops that change an argument in place (batch norm's running statistics, embedding's max_norm) return it as an extra
output, recorded after the change. Error cases record the exception PyTorch raises for bad arguments.
"""
import json
import os
import re
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden import Arg, arg_json, run_case  # noqa: E402
from inputs import away, distinct, f64, g, ints, n, u  # noqa: E402
from nn_init import init_cases  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'functional.json')


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


DTYPE_NAMES = {'float32': torch.float32, 'float64': torch.float64}


def py(fn):
    """The PyTorch call for Kindling-spelled keyword arguments (dtype names become torch dtypes)."""
    return lambda *args, **kw: fn(*args, **{snake(k): DTYPE_NAMES[v] if k == 'dtype' else v for k, v in kw.items()})


def batch_norm(x, rm, rv, w, b, **kw):
    out = F.batch_norm(x, rm, rv, w, b, **kw)
    return (out, rm, rv) if rm is not None else out


def instance_norm(x, rm, rv, w, b, **kw):
    out = F.instance_norm(x, rm, rv, w, b, **kw)
    return (out, rm, rv) if rm is not None else out


def embedding(idx, w, **kw):
    out = F.embedding(idx, w, **kw)
    return (out, w.detach().clone()) if kw.get('max_norm') is not None else out


OPS = {
    'F.linear': py(F.linear),
    'F.relu': py(F.relu),
    'F.leakyRelu': py(F.leaky_relu),
    'F.gelu': py(F.gelu),
    'F.sigmoid': py(torch.sigmoid),
    'F.tanh': py(torch.tanh),
    'F.softmax': py(F.softmax),
    'F.logSoftmax': py(F.log_softmax),
    'F.elu': py(F.elu),
    'F.selu': py(F.selu),
    'F.silu': py(F.silu),
    'F.softplus': py(F.softplus),
    'F.celu': py(F.celu),
    'F.mish': py(F.mish),
    'F.hardtanh': py(F.hardtanh),
    'F.relu6': py(F.relu6),
    'F.hardsigmoid': py(F.hardsigmoid),
    'F.hardswish': py(F.hardswish),
    'F.logsigmoid': py(F.logsigmoid),
    'F.threshold': py(F.threshold),
    'F.hardshrink': py(F.hardshrink),
    'F.softshrink': py(F.softshrink),
    'F.tanhshrink': py(F.tanhshrink),
    'F.softsign': py(F.softsign),
    'F.glu': py(F.glu),
    'F.softmin': py(F.softmin),
    'F.prelu': py(F.prelu),
    'F.normalize': py(F.normalize),
    'F.cosineSimilarity': py(F.cosine_similarity),
    'F.pairwiseDistance': py(F.pairwise_distance),
    'F.klDiv': py(F.kl_div),
    'F.groupNorm': py(lambda x, g, w, b, **kw: F.group_norm(x, g, w, b, **kw)),
    'F.conv1d': py(F.conv1d),
    'F.convTranspose2d': py(F.conv_transpose2d),
    'F.convTranspose1d': py(F.conv_transpose1d),
    'F.instanceNorm': py(instance_norm),
    'F.marginRankingLoss': py(F.margin_ranking_loss),
    'F.hingeEmbeddingLoss': py(F.hinge_embedding_loss),
    'F.cosineEmbeddingLoss': py(F.cosine_embedding_loss),
    'F.tripletMarginLoss': py(F.triplet_margin_loss),
    'F.multilabelSoftMarginLoss': py(F.multilabel_soft_margin_loss),
    'F.poissonNllLoss': py(F.poisson_nll_loss),
    'F.gaussianNllLoss': py(F.gaussian_nll_loss),
    'F.unfold': py(F.unfold),
    'F.affineGrid': py(F.affine_grid),
    'F.bilinear': py(F.bilinear),
    'F.localResponseNorm': py(F.local_response_norm),
    'F.embeddingBag': py(lambda idx, w, offsets, psw, **kw: F.embedding_bag(idx, w, offsets, per_sample_weights=psw, **kw)),
    'F.softMarginLoss': py(F.soft_margin_loss),
    'F.multiMarginLoss': py(lambda x, t, w, **kw: F.multi_margin_loss(x, t, weight=w, **kw)),
    'F.gridSample': py(F.grid_sample),
    'F.fold': py(F.fold),
    'F.interpolate': py(F.interpolate),
    'F.maxPool1d': py(F.max_pool1d),
    'F.avgPool1d': py(F.avg_pool1d),
    'F.adaptiveAvgPool1d': py(F.adaptive_avg_pool1d),
    'F.adaptiveMaxPool1d': py(F.adaptive_max_pool1d),
    'F.pixelShuffle': py(F.pixel_shuffle),
    'F.pixelUnshuffle': py(F.pixel_unshuffle),
    'F.batchNorm': py(batch_norm),
    'F.layerNorm': py(F.layer_norm),
    'F.embedding': py(embedding),
    'F.oneHot': py(F.one_hot),
    'F.pad': py(F.pad),
    'F.flatten': py(torch.flatten),
    'F.crossEntropy': py(lambda x, t, w, **kw: F.cross_entropy(x, t, weight=w, **kw)),
    'F.nllLoss': py(lambda x, t, w, **kw: F.nll_loss(x, t, weight=w, **kw)),
    'F.mseLoss': py(F.mse_loss),
    'F.l1Loss': py(F.l1_loss),
    'F.smoothL1Loss': py(F.smooth_l1_loss),
    'F.huberLoss': py(F.huber_loss),
    'F.binaryCrossEntropy': py(lambda x, t, w, **kw: F.binary_cross_entropy(x, t, weight=w, **kw)),
    'F.binaryCrossEntropyWithLogits': py(lambda x, t, w, pw, **kw: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, **kw)),
}


def probs(*shape, dim=1):
    return torch.randn(shape).softmax(dim)


def activations(C):
    x = away(3, 4)
    C('relu', 'F.relu', g(x))
    C('leakyRelu default slope', 'F.leakyRelu', g(x))
    C('leakyRelu slope 0.2', 'F.leakyRelu', g(x), negativeSlope=0.2)
    wide = u(4, 5, lo=-6, hi=6)
    C('gelu exact', 'F.gelu', g(wide))
    C('gelu tanh', 'F.gelu', g(wide), approximate='tanh')
    C('gelu exact float64', 'F.gelu', g(u(3, 4, lo=-4, hi=4, dtype=f64)))
    C('gelu tanh float64', 'F.gelu', g(u(3, 4, lo=-4, hi=4, dtype=f64)), approximate='tanh')
    C('sigmoid', 'F.sigmoid', g(wide))
    C('tanh', 'F.tanh', g(wide))
    C('elu', 'F.elu', g(wide))
    C('elu alpha 0.5', 'F.elu', g(wide), alpha=0.5)
    C('selu', 'F.selu', g(wide))
    C('silu', 'F.silu', g(wide))
    C('softplus', 'F.softplus', g(u(4, 5, lo=-25, hi=25)))
    C('softplus beta 2 threshold 5', 'F.softplus', g(u(4, 5, lo=-5, hi=5)), beta=2.0, threshold=5.0)
    for d in [0, 1, -1]:
        C(f'softmax dim {d}', 'F.softmax', g(u(3, 4, 5)), dim=d)
        C(f'logSoftmax dim {d}', 'F.logSoftmax', g(u(3, 4, 5)), dim=d)
    C('softmax large logits', 'F.softmax', g(u(3, 5) * 1000), dim=1)
    C('logSoftmax large logits', 'F.logSoftmax', g(u(3, 5) * 1000), dim=1)
    C('softmax dtype float64', 'F.softmax', g(u(3, 5)), dim=1, dtype='float64')


def linear(C):
    w = u(5, 4)
    b = u(5)
    C('linear 2-D with bias', 'F.linear', g(u(3, 4)), g(w), g(b))
    C('linear 2-D without bias', 'F.linear', g(u(3, 4)), g(w), None)
    C('linear 3-D with bias', 'F.linear', g(u(2, 3, 4)), g(w), g(b))
    C('linear 3-D transposed input', 'F.linear', Arg(u(2, 4, 3), True, {'kind': 'transpose', 'dims': [1, 2]}), g(w), g(b))
    C('linear 3-D without bias', 'F.linear', g(u(2, 3, 4)), g(w), None)
    C('linear 4-D with bias', 'F.linear', g(u(2, 2, 3, 4)), g(w), g(b))
    C('linear 1-D input', 'F.linear', g(u(4)), g(w), g(b))
    C('linear float64', 'F.linear', g(u(3, 4, dtype=f64)), g(u(5, 4, dtype=f64)), g(u(5, dtype=f64)))


def normalization(C):
    def stats(c, dtype=torch.float32):
        return n(u(c, lo=-0.5, hi=0.5, dtype=dtype)), n(u(c, lo=0.5, hi=2.0, dtype=dtype))

    for shape, name in [((6, 3), '(N, C)'), ((4, 3, 5), '(N, C, L)'), ((2, 3, 4, 5), '(N, C, H, W)')]:
        x = u(*shape, lo=-3, hi=5)
        rm, rv = stats(3)
        C(f'batchNorm train {name}', 'F.batchNorm', g(x), rm, rv, g(u(3)), g(u(3)), training=True)
        C(f'batchNorm eval {name}', 'F.batchNorm', g(x), rm, rv, g(u(3)), g(u(3)), training=False)
    rm, rv = stats(3)
    x = u(2, 3, 4, 5, lo=-3, hi=5)
    C('batchNorm train momentum 0.3 eps 1e-3', 'F.batchNorm', g(x), rm, rv, g(u(3)), g(u(3)), training=True, momentum=0.3, eps=1e-3)
    C('batchNorm train momentum 1', 'F.batchNorm', g(x), rm, rv, g(u(3)), g(u(3)), training=True, momentum=1.0)
    C('batchNorm train without affine', 'F.batchNorm', g(x), rm, rv, None, None, training=True)
    C('batchNorm train without running stats', 'F.batchNorm', g(x), None, None, g(u(3)), g(u(3)), training=True)
    C('batchNorm eval without affine', 'F.batchNorm', g(x), rm, rv, None, None, training=False)
    C('batchNorm train two per channel', 'F.batchNorm', g(u(2, 3)), rm, rv, g(u(3)), g(u(3)), training=True)
    rm64, rv64 = stats(3, f64)
    C('batchNorm train float64', 'F.batchNorm', g(u(4, 3, 2, dtype=f64)), rm64, rv64, g(u(3, dtype=f64)), g(u(3, dtype=f64)), training=True)

    C('layerNorm 1-D shape on (3, 5)', 'F.layerNorm', g(u(3, 5, lo=-3, hi=5)), [5], g(u(5)), g(u(5)))
    C('layerNorm 1-D shape on (2, 3, 5)', 'F.layerNorm', g(u(2, 3, 5)), [5], g(u(5)), g(u(5)))
    C('layerNorm 2-D shape', 'F.layerNorm', g(u(2, 3, 5)), [3, 5], g(u(3, 5)), g(u(3, 5)))
    C('layerNorm without affine', 'F.layerNorm', g(u(4, 6)), [6], None, None)
    C('layerNorm weight only eps 1e-3', 'F.layerNorm', g(u(4, 6)), [6], g(u(6)), None, eps=1e-3)
    C('layerNorm whole tensor', 'F.layerNorm', g(u(3, 4)), [3, 4], g(u(3, 4)), g(u(3, 4)))
    C('layerNorm float64', 'F.layerNorm', g(u(3, 5, dtype=f64)), [5], g(u(5, dtype=f64)), g(u(5, dtype=f64)))


def embeddings(C):
    w = u(6, 3)
    idx = torch.tensor([[0, 2, 0, 5], [1, 0, 2, 2]])
    C('embedding', 'F.embedding', n(idx), g(w))
    C('embedding paddingIdx 0', 'F.embedding', n(idx), g(w), paddingIdx=0)
    C('embedding paddingIdx -1', 'F.embedding', n(idx), g(w), paddingIdx=-1)
    C('embedding scaleGradByFreq', 'F.embedding', n(idx), g(w), scaleGradByFreq=True)
    C('embedding maxNorm', 'F.embedding', n(idx), g(u(6, 3, lo=-3, hi=3)), maxNorm=1.5)
    C('embedding int32 indices', 'F.embedding', n(idx.int()), g(w))
    C('embedding 1-D indices', 'F.embedding', n(torch.tensor([3, 3, 1])), g(w), paddingIdx=3)
    C('oneHot', 'F.oneHot', n(torch.tensor([0, 3, 1])))
    C('oneHot numClasses 5', 'F.oneHot', n(torch.tensor([[0, 3], [1, 2]])), 5)
    C('pad last dim', 'F.pad', g(u(2, 3)), [1, 2])
    C('pad two dims with value', 'F.pad', g(u(2, 3, 4)), [1, 0, 2, 1], value=0.5)
    C('pad negative crops', 'F.pad', g(u(3, 4)), [-1, 2, 1, -2])
    C('flatten', 'F.flatten', g(u(2, 3, 4)))
    C('flatten from dim 1', 'F.flatten', g(u(2, 3, 4, 5)), 1)
    C('flatten dims 1 to 2', 'F.flatten', g(u(2, 3, 4, 5)), 1, 2)


def cross_entropy(C):
    x = u(5, 4, lo=-3, hi=3)
    t = torch.tensor([1, 0, 3, 3, 2])
    w = u(4, lo=0.2, hi=2.0)
    ignored = torch.tensor([1, -100, 3, 2, -100])
    for red in ['mean', 'sum', 'none']:
        C(f'crossEntropy {red}', 'F.crossEntropy', g(x), n(t), None, reduction=red)
        C(f'crossEntropy weight {red}', 'F.crossEntropy', g(x), n(t), n(w), reduction=red)
        C(f'crossEntropy ignoreIndex weight {red}', 'F.crossEntropy', g(x), n(ignored), n(w), reduction=red)
        C(f'crossEntropy ignoreIndex 3 {red}', 'F.crossEntropy', g(x), n(t), None, ignoreIndex=3, reduction=red)
        C(f'crossEntropy labelSmoothing {red}', 'F.crossEntropy', g(x), n(t), None, labelSmoothing=0.1, reduction=red)
        C(f'crossEntropy labelSmoothing weight ignore {red}', 'F.crossEntropy', g(x), n(ignored), n(w), labelSmoothing=0.2, reduction=red)
        C(f'crossEntropy probs {red}', 'F.crossEntropy', g(x), g(probs(5, 4)), None, reduction=red)
        C(f'crossEntropy probs weight smoothing {red}', 'F.crossEntropy', g(x), g(probs(5, 4)), n(w), labelSmoothing=0.3, reduction=red)
        x4 = u(2, 3, 4, 5, lo=-3, hi=3)
        t4 = ints(0, 3, 2, 4, 5)
        t4[0, 1, 2] = -100
        t4[1, 3, 0] = -100
        C(f'crossEntropy (N, C, H, W) weight ignore {red}', 'F.crossEntropy', g(x4), n(t4), n(u(3, lo=0.2, hi=2)), reduction=red)
        C(f'crossEntropy (N, C, H, W) smoothing {red}', 'F.crossEntropy', g(x4), n(t4), None, labelSmoothing=0.1, reduction=red)
        C(f'crossEntropy (N, C, L) {red}', 'F.crossEntropy', g(u(2, 3, 4)), n(ints(0, 3, 2, 4)), None, reduction=red)
        C(f'crossEntropy (N, C, D, H, W) {red}', 'F.crossEntropy', g(u(2, 3, 2, 2, 2)), n(ints(0, 3, 2, 2, 2, 2)), None, reduction=red)
        C(f'crossEntropy (N, C, H, W) probs {red}', 'F.crossEntropy', g(x4), n(probs(2, 3, 4, 5)), None, reduction=red)
    C('crossEntropy large logits', 'F.crossEntropy', g(u(4, 5) * 1000), n(torch.tensor([0, 4, 2, 2])), None)
    C('crossEntropy large logits smoothing', 'F.crossEntropy', g(u(4, 5) * 1000), n(torch.tensor([0, 4, 2, 2])), None, labelSmoothing=0.1)
    C('crossEntropy large logits probs', 'F.crossEntropy', g(u(4, 5) * 1000), n(probs(4, 5)), None)
    C('crossEntropy unbatched', 'F.crossEntropy', g(u(5)), n(torch.tensor(3)), None)
    C('crossEntropy unbatched probs', 'F.crossEntropy', g(u(5)), n(probs(5, dim=0)), None)
    C('crossEntropy all ignored', 'F.crossEntropy', g(x), n(torch.full((5,), -100)), None)
    C('crossEntropy all ignored weight smoothing', 'F.crossEntropy', g(x), n(torch.full((5,), -100)), n(w), labelSmoothing=0.1)
    C('crossEntropy float64', 'F.crossEntropy', g(u(5, 4, dtype=f64)), n(t), n(w.double()))
    C('crossEntropy negative labelSmoothing', 'F.crossEntropy', g(x), n(t), None, labelSmoothing=-0.5)


def nll(C):
    logp = u(5, 4, lo=-3, hi=0)
    t = torch.tensor([1, 0, 3, 3, 2])
    w = u(4, lo=0.2, hi=2.0)
    for red in ['mean', 'sum', 'none']:
        C(f'nllLoss {red}', 'F.nllLoss', g(logp), n(t), None, reduction=red)
        C(f'nllLoss weight ignoreIndex 3 {red}', 'F.nllLoss', g(logp), n(t), n(w), ignoreIndex=3, reduction=red)
        C(f'nllLoss (N, C, H, W) {red}', 'F.nllLoss', g(u(2, 3, 2, 3)), n(ints(0, 3, 2, 2, 3)), n(u(3, lo=0.2, hi=2)), reduction=red)
    C('nllLoss unbatched', 'F.nllLoss', g(u(4)), n(torch.tensor(2)), n(w))


def pointwise(C):
    x = u(3, 4)
    y = u(3, 4)
    for red in ['mean', 'sum', 'none']:
        C(f'mseLoss {red}', 'F.mseLoss', g(x), n(y), reduction=red)
        C(f'l1Loss {red}', 'F.l1Loss', g(x), n(y), reduction=red)
        C(f'smoothL1Loss {red}', 'F.smoothL1Loss', g(x), n(y), reduction=red)
        C(f'huberLoss {red}', 'F.huberLoss', g(x), n(y), reduction=red)
    C('mseLoss target grad', 'F.mseLoss', g(x), g(y))
    C('mseLoss broadcast', 'F.mseLoss', g(u(3, 1)), g(u(3)))
    C('mseLoss float64', 'F.mseLoss', g(u(3, 4, dtype=f64)), n(u(3, 4, dtype=f64)), reduction='sum')
    C('l1Loss target grad broadcast', 'F.l1Loss', g(u(4, 1)), g(u(4)))
    same = u(2, 5)
    ties = same.clone()
    ties[0] += 0.75
    ties[1, :2] += 3.0
    C('l1Loss zero differences', 'F.l1Loss', g(same), n(ties), reduction='sum')
    wide = u(4, 5, lo=-3, hi=3)
    for beta in [0.5, 2.0]:
        C(f'smoothL1Loss beta {beta}', 'F.smoothL1Loss', g(wide), g(u(4, 5)), beta=beta)
        C(f'huberLoss delta {beta}', 'F.huberLoss', g(wide), g(u(4, 5)), delta=beta)
    C('smoothL1Loss beta 0', 'F.smoothL1Loss', g(same), n(ties), beta=0.0, reduction='sum')
    C('smoothL1Loss at beta', 'F.smoothL1Loss', g(torch.tensor([0.0, 1.0, -1.0, 0.5, 2.0])), n(torch.zeros(5)), reduction='none')
    C('huberLoss at delta', 'F.huberLoss', g(torch.tensor([0.0, 1.0, -1.0, 0.5, 2.0])), n(torch.zeros(5)), reduction='none')


def binary(C):
    p = u(4, 3, lo=0.02, hi=0.98)
    t = torch.rand(4, 3)
    w = u(3, lo=0.2, hi=2.0)
    for red in ['mean', 'sum', 'none']:
        C(f'binaryCrossEntropy {red}', 'F.binaryCrossEntropy', g(p), n(t), None, reduction=red)
        C(f'binaryCrossEntropy weight {red}', 'F.binaryCrossEntropy', g(p), n(t), n(w), reduction=red)
        C(f'binaryCrossEntropyWithLogits {red}', 'F.binaryCrossEntropyWithLogits', g(u(4, 3, lo=-4, hi=4)), n(t), None, None, reduction=red)
        C(f'binaryCrossEntropyWithLogits weight posWeight {red}', 'F.binaryCrossEntropyWithLogits', g(u(4, 3, lo=-4, hi=4)), n(t), n(u(4, 3, lo=0.2, hi=2)), n(w), reduction=red)
    C('binaryCrossEntropy target grad', 'F.binaryCrossEntropy', g(p), g(t), n(w))
    C('binaryCrossEntropy hard targets', 'F.binaryCrossEntropy', g(p), n((t > 0.5).float()), None)
    C('binaryCrossEntropy log clamp', 'F.binaryCrossEntropy', g(torch.tensor([0.0, 1.0, 1e-45, 0.5, 1.0, 0.0])),
      n(torch.tensor([1.0, 0.0, 1.0, 0.5, 1.0, 0.0])), None, reduction='none')
    C('binaryCrossEntropy float64', 'F.binaryCrossEntropy', g(p.double()), n(t.double()), None)
    C('binaryCrossEntropyWithLogits large logits', 'F.binaryCrossEntropyWithLogits', g(torch.tensor([[-100.0, 100.0, 30.0], [-30.0, 0.0, 1000.0]])),
      n(torch.tensor([[1.0, 0.0, 0.3], [0.7, 0.5, 0.0]])), None, n(torch.tensor([2.0, 0.5, 1.0])), reduction='none')
    C('binaryCrossEntropyWithLogits target grad', 'F.binaryCrossEntropyWithLogits', g(u(4, 3, lo=-4, hi=4)), g(t), None, None)
    C('binaryCrossEntropyWithLogits target grad posWeight', 'F.binaryCrossEntropyWithLogits', g(u(4, 3, lo=-4, hi=4)), g(t), None, n(w))


def errors(E):
    x = u(3, 5)
    E('crossEntropy target out of bounds', 'F.crossEntropy', g(x), n(torch.tensor([1, 5, 0])), None)
    E('crossEntropy negative target', 'F.crossEntropy', g(x), n(torch.tensor([1, -1, 0])), None)
    E('crossEntropy batch mismatch', 'F.crossEntropy', g(x), n(torch.tensor([1, 0])), None)
    E('crossEntropy float class targets', 'F.crossEntropy', g(x), n(torch.tensor([1.0, 0.0, 2.0])), None)
    E('crossEntropy int32 class targets', 'F.crossEntropy', g(x), n(torch.tensor([1, 0, 2], dtype=torch.int32)), None)
    E('crossEntropy integer probability targets', 'F.crossEntropy', g(x), n(torch.zeros(3, 5, dtype=torch.long)), None)
    E('crossEntropy probs with ignoreIndex', 'F.crossEntropy', g(x), n(probs(3, 5)), None, ignoreIndex=1)
    E('crossEntropy labelSmoothing above 1', 'F.crossEntropy', g(x), n(torch.tensor([1, 0, 2])), None, labelSmoothing=1.5)
    E('crossEntropy bad weight', 'F.crossEntropy', g(x), n(torch.tensor([1, 0, 2])), n(torch.ones(4)))
    E('crossEntropy bad weight probs', 'F.crossEntropy', g(x), n(probs(3, 5)), n(torch.ones(4)))
    E('crossEntropy weight requires grad', 'F.crossEntropy', g(x), n(torch.tensor([1, 0, 2])), g(torch.ones(5)))
    E('crossEntropy bad reduction', 'F.crossEntropy', g(x), n(torch.tensor([1, 0, 2])), None, reduction='avg')
    E('crossEntropy (N, C, L) target size', 'F.crossEntropy', g(u(2, 3, 4)), n(torch.zeros(2, 5, dtype=torch.long)), None)
    E('crossEntropy (N, C, H, W) target size', 'F.crossEntropy', g(u(2, 3, 4, 4)), n(torch.zeros(2, 4, 5, dtype=torch.long)), None)
    E('crossEntropy (N, C, H, W) target dims', 'F.crossEntropy', g(u(2, 3, 4, 4)), n(torch.zeros(2, 16, dtype=torch.long)), None)
    E('crossEntropy (N, C, H, W) target out of bounds', 'F.crossEntropy', g(u(2, 3, 4, 4)), n(torch.full((2, 4, 4), 3)), None)
    E('crossEntropy 2-D targets for 2-D input', 'F.crossEntropy', g(u(2, 3)), n(torch.zeros(2, 4, dtype=torch.long)), None)
    E('crossEntropy unbatched input, batched target', 'F.crossEntropy', g(u(3)), n(torch.tensor([1])), None)
    E('nllLoss 0-d input', 'F.nllLoss', g(torch.tensor(1.0)), n(torch.tensor(0)), None)
    E('nllLoss float targets', 'F.nllLoss', g(x), n(torch.tensor([1.0, 0.0, 2.0])), None)
    E('mseLoss shapes do not broadcast', 'F.mseLoss', g(u(3, 2)), n(u(3)))
    E('mseLoss integer operands', 'F.mseLoss', n(torch.ones(3, dtype=torch.long)), n(torch.ones(3, dtype=torch.long)))
    E('binaryCrossEntropy size mismatch', 'F.binaryCrossEntropy', g(u(3, lo=0.1, hi=0.9)), n(u(3, 1, lo=0, hi=1)), None)
    E('binaryCrossEntropy input out of range', 'F.binaryCrossEntropy', g(torch.tensor([1.5])), n(torch.tensor([0.5])), None)
    E('binaryCrossEntropy weight requires grad', 'F.binaryCrossEntropy', g(u(3, lo=0.1, hi=0.9)), n(u(3, lo=0, hi=1)), g(u(3)))
    E('binaryCrossEntropyWithLogits size mismatch', 'F.binaryCrossEntropyWithLogits', g(u(3)), n(u(3, 1)), None, None)
    E('binaryCrossEntropyWithLogits posWeight requires grad', 'F.binaryCrossEntropyWithLogits', g(u(3)), n(u(3)), None, g(u(3)))
    E('smoothL1Loss negative beta', 'F.smoothL1Loss', g(u(3)), n(u(3)), beta=-1.0)
    E('huberLoss zero delta', 'F.huberLoss', g(u(3)), n(u(3)), delta=0.0)
    E('batchNorm one value per channel', 'F.batchNorm', g(u(1, 3)), n(torch.zeros(3)), n(torch.ones(3)), None, None, training=True)
    E('batchNorm one value per channel (N, C, L)', 'F.batchNorm', g(u(1, 3, 1)), n(torch.zeros(3)), n(torch.ones(3)), None, None, training=True)
    E('batchNorm eval without running stats', 'F.batchNorm', g(u(2, 3)), None, None, None, None, training=False)
    E('batchNorm running_mean size', 'F.batchNorm', g(u(2, 3)), n(torch.zeros(4)), n(torch.ones(4)), None, None, training=True)
    E('batchNorm weight size', 'F.batchNorm', g(u(2, 3)), n(torch.zeros(3)), n(torch.ones(3)), g(torch.ones(4)), None, training=True)
    E('layerNorm empty shape', 'F.layerNorm', g(u(3, 4)), [])
    E('layerNorm input shape', 'F.layerNorm', g(u(3, 4)), [5])
    E('layerNorm weight shape', 'F.layerNorm', g(u(3, 4)), [4], g(torch.ones(3)), None)
    E('embedding float indices', 'F.embedding', n(torch.tensor([1.0])), g(u(3, 2)))
    E('embedding index out of range', 'F.embedding', n(torch.tensor([3])), g(u(3, 2)))
    E('embedding negative index', 'F.embedding', n(torch.tensor([-1])), g(u(3, 2)))
    E('embedding paddingIdx out of range', 'F.embedding', n(torch.tensor([1])), g(u(3, 2)), paddingIdx=3)
    E('embedding negative paddingIdx out of range', 'F.embedding', n(torch.tensor([1])), g(u(3, 2)), paddingIdx=-4)
    E('embedding 3-D weight', 'F.embedding', n(torch.tensor([1])), g(u(3, 2, 2)))
    E('gelu bad approximate', 'F.gelu', g(u(3)), approximate='foo')
    E('gelu integer input', 'F.gelu', n(torch.ones(3, dtype=torch.long)))
    E('linear shape mismatch', 'F.linear', g(u(3, 4)), g(u(5, 3)), None)
    E('linear bias size', 'F.linear', g(u(3, 4)), g(u(5, 4)), g(u(4)))
    E('linear dtype mismatch', 'F.linear', g(u(3, 4)), g(u(5, 4, dtype=f64)), None)
    E('pad odd length', 'F.pad', g(u(3)), [1, 2, 3])
    E('pad too long', 'F.pad', g(u(3)), [1, 2, 3, 4])
    E('oneHot negative class', 'F.oneHot', n(torch.tensor([-1])))
    E('conv1d 4-D weight', 'F.conv1d', g(u(1, 3, 5)), g(u(8, 3, 3, 3)), None)
    E('conv1d kernel past the input', 'F.conv1d', g(u(1, 3, 3)), g(u(2, 3, 5)), None)
    E('conv1d channels', 'F.conv1d', g(u(1, 4, 6)), g(u(2, 3, 3)), None)
    E('conv1d 4-D input', 'F.conv1d', g(u(1, 1, 3, 6)), g(u(2, 3, 3)), None)
    E('groupNorm groups', 'F.groupNorm', g(u(2, 6, 4)), 4, None, None)
    E('interpolate both size and scale', 'F.interpolate', g(u(1, 1, 4, 4)), size=3, scaleFactor=2.0)
    E('interpolate neither size nor scale', 'F.interpolate', g(u(1, 1, 4, 4)))
    E('interpolate nearest aligned corners', 'F.interpolate', g(u(1, 1, 4, 4)), size=3, alignCorners=True)
    E('pad reflect too wide', 'F.pad', g(u(1, 2, 4, 5)), [5, 0, 0, 0], mode='reflect')
    E('pad reflect too tall', 'F.pad', g(u(1, 2, 4, 5)), [0, 0, 4, 0], mode='reflect')
    E('pad reflect 1-D too wide', 'F.pad', g(u(2, 3, 5)), [5, 0], mode='reflect')
    E('pad circular wraps twice', 'F.pad', g(u(1, 2, 4, 5)), [6, 0, 0, 0], mode='circular')
    E('pad replicate one pair on 4-D', 'F.pad', g(u(1, 2, 4, 5)), [1, 1], mode='replicate')
    E('pad replicate with a value', 'F.pad', g(u(1, 2, 4, 5)), [1, 1, 1, 1], mode='replicate', value=2.0)
    E('pad unknown mode', 'F.pad', g(u(1, 2, 4, 5)), [1, 1, 1, 1], mode='bogus')
    E('pixelShuffle channels', 'F.pixelShuffle', g(u(1, 3, 2, 2)), 2)
    E('pixelShuffle 2-D', 'F.pixelShuffle', g(u(4, 2)), 2)
    E('pixelShuffle zero factor', 'F.pixelShuffle', g(u(1, 8, 2, 3)), 0)
    E('pixelUnshuffle height', 'F.pixelUnshuffle', g(u(1, 1, 3, 4)), 2)
    x4 = u(2, 4, 5, 5)
    E('convTranspose2d channels', 'F.convTranspose2d', g(u(2, 5, 5, 5)), g(u(4, 3, 3, 3)), None)
    E('convTranspose2d bias size', 'F.convTranspose2d', g(x4), g(u(4, 3, 3, 3)), g(u(4)))
    E('convTranspose2d output padding', 'F.convTranspose2d', g(x4), g(u(4, 3, 3, 3)), None, outputPadding=1)
    E('convTranspose2d output too small', 'F.convTranspose2d', g(u(1, 4, 1, 1)), g(u(4, 3, 3, 3)), None, padding=3)
    E('convTranspose2d groups', 'F.convTranspose2d', g(x4), g(u(4, 3, 3, 3)), None, groups=3)
    E('convTranspose2d 2-D input', 'F.convTranspose2d', g(u(4, 5)), g(u(4, 3, 3, 3)), None)
    E('convTranspose2d 3-D weight', 'F.convTranspose2d', g(x4), g(u(4, 3, 3)), None)
    E('convTranspose2d dtypes', 'F.convTranspose2d', g(u(2, 4, 5, 5, dtype=f64)), g(u(4, 3, 3, 3)), None)
    E('convTranspose2d padding string', 'F.convTranspose2d', g(x4), g(u(4, 3, 3, 3)), None, padding='same')
    E('instanceNorm one spatial element', 'F.instanceNorm', g(u(2, 3, 1, 1)), None, None, None, None)
    E('instanceNorm running statistics missing', 'F.instanceNorm', g(u(2, 3, 4)), None, None, None, None,
      useInputStats=False)
    E('marginRankingLoss dims', 'F.marginRankingLoss', g(u(5)), g(u(5)), n(torch.ones(5, 1)))
    E('cosineEmbeddingLoss 2-D target', 'F.cosineEmbeddingLoss', g(u(5, 4)), g(u(5, 4)), n(torch.ones(5, 1)))
    E('cosineEmbeddingLoss 1-D target, 1-D inputs', 'F.cosineEmbeddingLoss', g(u(4)), g(u(4)), n(torch.ones(4)))
    E('tripletMarginLoss dims', 'F.tripletMarginLoss', g(u(4, 6)), g(u(6)), g(u(4, 6)))
    E('gaussianNllLoss var size', 'F.gaussianNllLoss', g(u(4, 3)), n(u(4, 3)), g(u(3, 4, lo=0.1, hi=1)))
    E('gaussianNllLoss negative var', 'F.gaussianNllLoss', g(u(4)), n(u(4)), g(torch.tensor([1.0, -1, 1, 1])))
    E('unfold 2-D input', 'F.unfold', g(u(5, 6)), 2)
    E('unfold kernel past the input', 'F.unfold', g(u(2, 3, 5, 6)), 7)
    E('unfold zero stride', 'F.unfold', g(u(2, 3, 5, 6)), 2, stride=0)
    E('fold blocks count', 'F.fold', g(u(2, 12, 5)), [4, 4], 2)
    E('fold rows not a multiple of the kernel', 'F.fold', g(u(2, 13, 9)), [4, 4], 2)
    E('fold 4-D input', 'F.fold', g(u(2, 3, 4, 5)), [4, 4], 2)
    E('interpolate bilinear 3-D', 'F.interpolate', g(u(2, 3, 5)), size=4, mode='bilinear')
    E('interpolate linear 4-D', 'F.interpolate', g(u(2, 3, 5, 5)), size=4, mode='linear')
    E('interpolate size rank', 'F.interpolate', g(u(2, 3, 5)), size=[4, 4])
    E('interpolate area aligned corners', 'F.interpolate', g(u(2, 3, 5)), size=4, mode='area', alignCorners=True)
    E('affineGrid theta shape', 'F.affineGrid', g(u(1, 3, 3)), [1, 2, 3, 4], alignCorners=False)
    E('affineGrid 3-D size', 'F.affineGrid', g(u(1, 2, 3)), [1, 2, 3], alignCorners=False)
    E('gridSample grid last dim', 'F.gridSample', g(u(1, 2, 3, 4)), g(u(1, 3, 4, 1)), alignCorners=False)
    E('gridSample mode', 'F.gridSample', g(u(1, 2, 3, 4)), g(u(1, 3, 4, 2)), mode='area', alignCorners=False)
    E('bilinear input1 size', 'F.bilinear', g(u(3, 3)), g(u(3, 5)), g(u(2, 4, 5)), None)
    E('bilinear batch sizes', 'F.bilinear', g(u(3, 4)), g(u(2, 5)), g(u(2, 4, 5)), None)
    E('multiMarginLoss target out of range', 'F.multiMarginLoss', g(u(3, 4)), n(torch.tensor([0, 4, 1])), None)
    E('multiMarginLoss target size', 'F.multiMarginLoss', g(u(3, 4)), n(torch.tensor([0, 1])), None)
    E('multiMarginLoss p 3', 'F.multiMarginLoss', g(u(3, 4)), n(torch.tensor([0, 1, 2])), None, p=3)
    E('embeddingBag 2-D with offsets', 'F.embeddingBag', n(torch.tensor([[1, 2]])), g(u(5, 3)), n(torch.tensor([0])), None)
    E('embeddingBag no offsets', 'F.embeddingBag', n(torch.tensor([1, 2])), g(u(5, 3)), None, None)
    E('embeddingBag mode', 'F.embeddingBag', n(torch.tensor([1, 2])), g(u(5, 3)), n(torch.tensor([0])), None, mode='min')
    E('embeddingBag weights with mean', 'F.embeddingBag', n(torch.tensor([1, 2])), g(u(5, 3)), n(torch.tensor([0])),
      g(u(2)), mode='mean')


def more_activations(C):
    """The activations beyond the first set (last: no other case's inputs moved)."""
    wide = u(4, 5, lo=-5, hi=5)
    C('celu', 'F.celu', g(wide))
    C('celu alpha 2', 'F.celu', g(wide), alpha=2.0)
    C('mish', 'F.mish', g(wide))
    C('mish float64', 'F.mish', g(u(3, 4, lo=-25, hi=25, dtype=f64)))
    C('hardtanh', 'F.hardtanh', g(u(4, 5, lo=-2, hi=2)))
    C('hardtanh -0.5 to 2', 'F.hardtanh', g(wide), minVal=-0.5, maxVal=2.0)
    C('relu6', 'F.relu6', g(u(4, 5, lo=-3, hi=9)))
    C('hardsigmoid', 'F.hardsigmoid', g(wide))
    C('hardswish', 'F.hardswish', g(wide))
    C('logsigmoid', 'F.logsigmoid', g(u(4, 5, lo=-40, hi=40)))
    C('threshold', 'F.threshold', g(wide), 0.5, -2.0)
    C('hardshrink', 'F.hardshrink', g(u(4, 5, lo=-2, hi=2)))
    C('hardshrink lambd 1', 'F.hardshrink', g(wide), lambd=1.0)
    C('softshrink', 'F.softshrink', g(u(4, 5, lo=-2, hi=2)))
    C('softshrink lambd 1', 'F.softshrink', g(wide), lambd=1.0)
    C('tanhshrink', 'F.tanhshrink', g(wide))
    C('softsign', 'F.softsign', g(wide))
    C('glu', 'F.glu', g(u(3, 4)))
    C('glu dim 0', 'F.glu', g(u(4, 3)), dim=0)
    C('softmin', 'F.softmin', g(u(3, 5)), dim=1)
    C('prelu one weight', 'F.prelu', g(wide), g(torch.tensor([0.25])))
    C('prelu per channel', 'F.prelu', g(u(2, 3, 4)), g(u(3)))
    C('prelu per channel float64', 'F.prelu', g(u(2, 3, 2, 2, dtype=f64)), g(u(3, dtype=f64)))


def distances(C):
    """Norms, distances and the KL divergence (last: no other case's inputs moved)."""
    C('normalize', 'F.normalize', g(u(3, 4)))
    C('normalize p 1 dim 0', 'F.normalize', g(u(3, 4)), p=1.0, dim=0)
    C('normalize a zero row', 'F.normalize', g(torch.tensor([[0.0, 0.0], [3.0, 4.0]])))
    C('normalize float64', 'F.normalize', g(u(2, 3, dtype=f64)), dim=-1)
    C('cosineSimilarity', 'F.cosineSimilarity', g(u(3, 4)), g(u(3, 4)))
    C('cosineSimilarity broadcast dim -1', 'F.cosineSimilarity', g(u(3, 4)), g(u(4)), dim=-1)
    C('cosineSimilarity 3-D', 'F.cosineSimilarity', g(u(2, 3, 4)), g(u(2, 3, 4)), dim=2)
    C('pairwiseDistance', 'F.pairwiseDistance', g(u(3, 4)), g(u(3, 4)))
    C('pairwiseDistance p 1 keepdim', 'F.pairwiseDistance', g(u(3, 4)), g(u(3, 4)), p=1.0, keepdim=True)
    C('pairwiseDistance broadcast', 'F.pairwiseDistance', g(u(3, 4)), g(u(4)))
    logp = torch.log_softmax(u(3, 5), 1)
    q = torch.softmax(u(3, 5), 1)
    q_with_zero = q.clone()
    q_with_zero[0, 1] = 0.0
    C('klDiv batchmean', 'F.klDiv', g(logp), g(q), reduction='batchmean')
    C('klDiv sum', 'F.klDiv', g(logp), g(q_with_zero), reduction='sum')
    C('klDiv none', 'F.klDiv', g(logp), g(q), reduction='none')
    C('klDiv mean', 'F.klDiv', g(logp), n(q), reduction='mean')
    C('klDiv log target', 'F.klDiv', g(logp), g(q.log()), reduction='batchmean', logTarget=True)


def group_norms(C):
    """Group normalisation (last: no other case's inputs moved)."""
    C('groupNorm (N, C, H, W)', 'F.groupNorm', g(u(2, 6, 3, 3)), 3, g(u(6)), g(u(6)))
    C('groupNorm (N, C, L) one group', 'F.groupNorm', g(u(3, 4, 5)), 1, g(u(4)), g(u(4)))
    C('groupNorm (N, C) two channels a group', 'F.groupNorm', g(u(4, 6, lo=-3, hi=5)), 3, g(u(6)), g(u(6)))
    C('groupNorm without affine, eps 1e-3', 'F.groupNorm', g(u(2, 4, 2, 2)), 2, None, None, eps=1e-3)
    C('groupNorm float64', 'F.groupNorm', g(u(2, 6, 4, dtype=f64)), 2, g(u(6, dtype=f64)), g(u(6, dtype=f64)))


def conv1ds(C):
    """1-D convolutions (last: no other case's inputs moved)."""
    red = {'rtol': 1e-4, 'atol': 1e-5}
    C('conv1d', 'F.conv1d', g(u(2, 4, 9)), g(u(6, 4, 3)), g(u(6)), tol=red)
    C('conv1d stride 2 padding 1 dilation 2', 'F.conv1d', g(u(2, 3, 11)), g(u(4, 3, 3)), g(u(4)),
      stride=2, padding=1, dilation=2, tol=red)
    C('conv1d groups, no bias', 'F.conv1d', g(u(2, 4, 7)), g(u(6, 2, 2)), None, groups=2, tol=red)
    C('conv1d padding same', 'F.conv1d', g(u(1, 3, 8)), g(u(2, 3, 4)), g(u(2)), padding='same', tol=red)
    C('conv1d unbatched', 'F.conv1d', g(u(3, 6)), g(u(5, 3, 3)), g(u(5)), tol=red)
    C('conv1d float64', 'F.conv1d', g(u(2, 3, 5, dtype=f64)), g(u(4, 3, 2, dtype=f64)), g(u(4, dtype=f64)), padding=1)


def conv_transposes(C):
    """Transposed convolutions (last: no other case's inputs moved)."""
    red = {'rtol': 1e-4, 'atol': 1e-5}
    C('convTranspose2d', 'F.convTranspose2d', g(u(2, 4, 5, 5)), g(u(4, 3, 3, 3)), g(u(3)), tol=red)
    C('convTranspose2d stride 2 padding 1 output padding 1', 'F.convTranspose2d', g(u(2, 3, 4, 5)), g(u(3, 2, 3, 3)),
      g(u(2)), stride=2, padding=1, outputPadding=1, tol=red)
    C('convTranspose2d groups, dilation, no bias', 'F.convTranspose2d', g(u(1, 4, 3, 4)), g(u(4, 3, 2, 3)), None,
      groups=2, dilation=[2, 1], stride=[1, 2], tol=red)
    C('convTranspose2d output padding under the dilation', 'F.convTranspose2d', g(u(1, 2, 4, 4)), g(u(2, 2, 3, 3)),
      g(u(2)), dilation=2, outputPadding=1, tol=red)
    C('convTranspose2d unbatched', 'F.convTranspose2d', g(u(3, 4, 4)), g(u(3, 2, 2, 2)), g(u(2)), stride=2, tol=red)
    C('convTranspose2d float64', 'F.convTranspose2d', g(u(2, 3, 4, 4, dtype=f64)), g(u(3, 4, 3, 2, dtype=f64)),
      g(u(4, dtype=f64)), stride=[2, 1], padding=[1, 0])
    C('convTranspose1d', 'F.convTranspose1d', g(u(2, 4, 7)), g(u(4, 3, 3)), g(u(3)), stride=2, padding=1,
      outputPadding=1, tol=red)
    C('convTranspose1d float64 groups', 'F.convTranspose1d', g(u(2, 4, 5, dtype=f64)), g(u(4, 1, 2, dtype=f64)), None,
      groups=2, dilation=3)


def instance_norms(C):
    """Instance normalisation (last: no other case's inputs moved)."""
    stats = lambda: (n(u(3, lo=-0.5, hi=0.5)), n(u(3, lo=0.5, hi=1.5)))  # noqa: E731 - fresh running statistics
    C('instanceNorm (N, C, L)', 'F.instanceNorm', g(u(2, 3, 5)), None, None, None, None)
    C('instanceNorm (N, C, H, W) affine', 'F.instanceNorm', g(u(2, 3, 4, 4)), None, None, g(u(3)), g(u(3)))
    rm, rv = stats()
    C('instanceNorm running statistics, momentum 0.3', 'F.instanceNorm', g(u(4, 3, 2, 3)), rm, rv, g(u(3)), g(u(3)),
      momentum=0.3)
    rm, rv = stats()
    C('instanceNorm by the running statistics', 'F.instanceNorm', g(u(2, 3, 5)), rm, rv, None, None,
      useInputStats=False, eps=1e-3)
    C('instanceNorm float64 (N, C, D, H, W)', 'F.instanceNorm', g(u(2, 2, 2, 3, 2, dtype=f64)), None, None,
      g(u(2, dtype=f64)), None)


def embedding_losses(C):
    """Ranking, embedding and likelihood losses (last: no other case's inputs moved)."""
    signs = n(torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0]))
    C('marginRankingLoss', 'F.marginRankingLoss', g(u(5)), g(u(5)), signs)
    C('marginRankingLoss margin 0.5, none', 'F.marginRankingLoss', g(u(5)), g(u(5)), signs, margin=0.5, reduction='none')
    C('hingeEmbeddingLoss', 'F.hingeEmbeddingLoss', g(u(5, lo=0, hi=2)), signs)
    C('hingeEmbeddingLoss margin 2, sum', 'F.hingeEmbeddingLoss', g(u(2, 5, lo=0, hi=3)), n(torch.tensor([[1.0, -1, 1, -1, -1], [-1, 1, 1, -1, 1]])),
      margin=2.0, reduction='sum')
    C('cosineEmbeddingLoss', 'F.cosineEmbeddingLoss', g(u(5, 4)), g(u(5, 4)), signs)
    C('cosineEmbeddingLoss margin 0.2, none', 'F.cosineEmbeddingLoss', g(u(5, 4)), g(u(5, 4)), signs, margin=0.2,
      reduction='none')
    C('cosineEmbeddingLoss one pair', 'F.cosineEmbeddingLoss', g(u(3)), g(u(3)), n(torch.tensor(-1.0)), margin=-0.5)
    C('tripletMarginLoss', 'F.tripletMarginLoss', g(u(4, 6)), g(u(4, 6)), g(u(4, 6)))
    C('tripletMarginLoss p 1, swap, margin 0.5, none', 'F.tripletMarginLoss', g(u(4, 6)), g(u(4, 6)), g(u(4, 6)), p=1.0,
      swap=True, margin=0.5, reduction='none')
    C('multilabelSoftMarginLoss', 'F.multilabelSoftMarginLoss', g(u(3, 4)),
      n(torch.tensor([[1.0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]])), None)
    C('multilabelSoftMarginLoss weight, sum', 'F.multilabelSoftMarginLoss', g(u(3, 4)),
      n(torch.tensor([[1.0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]])), g(u(4, lo=0.5, hi=1.5)), reduction='sum')
    C('poissonNllLoss', 'F.poissonNllLoss', g(u(6)), n(torch.tensor([0.0, 1, 2, 3, 5, 8])))
    C('poissonNllLoss rates, full, none', 'F.poissonNllLoss', g(u(6, lo=0.1, hi=4)), n(torch.tensor([0.0, 1, 2, 3, 5, 8])),
      logInput=False, full=True, reduction='none')
    C('gaussianNllLoss', 'F.gaussianNllLoss', g(u(4, 3)), n(u(4, 3)), g(u(4, 3, lo=0.1, hi=2)))
    C('gaussianNllLoss one variance per sample, full, sum', 'F.gaussianNllLoss', g(u(4, 3)), n(u(4, 3)),
      g(u(4, lo=0.1, hi=2)), full=True, reduction='sum')
    C('gaussianNllLoss float64 variance clamped', 'F.gaussianNllLoss', g(u(5, dtype=f64)), n(u(5, dtype=f64)),
      g(torch.tensor([1e-9, 0.5, 1.0, 2.0, 1e-3], dtype=f64)), eps=1e-4)


def blocks(C):
    """Sliding blocks: unfold and fold (last: no other case's inputs moved)."""
    C('unfold', 'F.unfold', g(u(2, 3, 4, 5)), 2)
    C('unfold dilation, padding, stride', 'F.unfold', g(u(2, 3, 5, 6)), [2, 3], dilation=[1, 2], padding=1, stride=[2, 1])
    C('unfold unbatched float64', 'F.unfold', g(u(2, 4, 4, dtype=f64)), 3, padding=1, stride=2)
    C('fold', 'F.fold', g(u(2, 12, 12)), [4, 5], 2)
    C('fold overlapping blocks, padding', 'F.fold', g(u(1, 18, 12)), [5, 6], [2, 3], dilation=[1, 2], padding=1,
      stride=[2, 1])
    C('fold unbatched float64', 'F.fold', g(u(8, 25, dtype=f64)), 4, 2, padding=1, stride=1)


def more_interpolations(C):
    """1-D, bicubic and area resampling (last: no other case's inputs moved)."""
    red = {'rtol': 1e-5, 'atol': 1e-6}
    C('interpolate nearest 1-D by 2.5', 'F.interpolate', g(u(2, 3, 5)), scaleFactor=2.5)
    C('interpolate linear 1-D to a size', 'F.interpolate', g(u(2, 3, 5)), size=8, mode='linear')
    C('interpolate linear 1-D aligned corners, down', 'F.interpolate', g(u(1, 2, 9)), size=4, mode='linear',
      alignCorners=True)
    C('interpolate bicubic by 2', 'F.interpolate', g(u(1, 2, 4, 5)), scaleFactor=2.0, mode='bicubic', tol=red)
    C('interpolate bicubic aligned corners to a size', 'F.interpolate', g(u(2, 1, 5, 4)), size=[7, 9], mode='bicubic',
      alignCorners=True, tol=red)
    C('interpolate bicubic down, float64', 'F.interpolate', g(u(1, 2, 9, 8, dtype=f64)), size=[4, 5], mode='bicubic')
    C('interpolate area 2-D', 'F.interpolate', g(u(1, 2, 6, 7)), size=[3, 4], mode='area')
    C('interpolate area 1-D by 0.5', 'F.interpolate', g(u(2, 2, 9)), scaleFactor=0.5, mode='area')
    C('interpolate nearest-exact 2-D by 1.7', 'F.interpolate', g(u(1, 2, 4, 5)), scaleFactor=1.7, mode='nearest-exact')
    C('interpolate nearest-exact 1-D down', 'F.interpolate', g(u(2, 1, 9)), size=4, mode='nearest-exact')
    C('interpolate nearest of infinities', 'F.interpolate',
      g(torch.tensor([[[[1.0, float('inf')], [3.0, -float('inf')]]]])), size=[3, 4])


def spatial_transformers(C):
    """Affine grids and grid sampling (last: no other case's inputs moved)."""
    red = {'rtol': 1e-4, 'atol': 1e-5}
    theta = lambda: u(2, 2, 3, lo=-1, hi=1)  # noqa: E731 - a fresh batch of affine maps
    C('affineGrid', 'F.affineGrid', g(theta()), [2, 3, 4, 5], alignCorners=False, tol=red)
    C('affineGrid aligned corners, one row', 'F.affineGrid', g(theta()), [2, 1, 1, 3], alignCorners=True, tol=red)
    C('affineGrid float64', 'F.affineGrid', g(u(1, 2, 3, lo=-1, hi=1, dtype=f64)), [1, 2, 3, 3], alignCorners=False)
    grid = lambda *shape, dtype=torch.float32: u(*shape, lo=-1.3, hi=1.3, dtype=dtype)  # noqa: E731 - some points outside
    C('gridSample bilinear zeros', 'F.gridSample', g(u(2, 3, 4, 5)), g(grid(2, 3, 4, 2)), alignCorners=False, tol=red)
    C('gridSample bilinear border aligned', 'F.gridSample', g(u(1, 2, 4, 4)), g(grid(1, 5, 3, 2)), paddingMode='border',
      alignCorners=True, tol=red)
    C('gridSample bilinear reflection', 'F.gridSample', g(u(1, 2, 3, 5)), g(grid(1, 4, 4, 2)), paddingMode='reflection',
      alignCorners=False, tol=red)
    C('gridSample bilinear reflection aligned', 'F.gridSample', g(u(1, 1, 4, 3)), g(grid(1, 3, 3, 2)),
      paddingMode='reflection', alignCorners=True, tol=red)
    C('gridSample nearest', 'F.gridSample', g(u(2, 2, 4, 4)), g(grid(2, 3, 3, 2)), mode='nearest', alignCorners=False,
      tol=red)
    C('gridSample float64', 'F.gridSample', g(u(1, 2, 3, 4, dtype=f64)), g(grid(1, 4, 2, 2, dtype=f64)),
      alignCorners=False)


def bilinears(C):
    """Bilinear forms (last: no other case's inputs moved)."""
    red = {'rtol': 1e-4, 'atol': 1e-5}
    C('bilinear', 'F.bilinear', g(u(3, 4)), g(u(3, 5)), g(u(2, 4, 5)), g(u(2)), tol=red)
    C('bilinear without bias, batch dims', 'F.bilinear', g(u(2, 3, 4)), g(u(2, 3, 2)), g(u(3, 4, 2)), None, tol=red)
    C('bilinear float64', 'F.bilinear', g(u(4, 3, dtype=f64)), g(u(4, 2, dtype=f64)), g(u(5, 3, 2, dtype=f64)),
      g(u(5, dtype=f64)))


def margin_losses(C):
    """Soft and multi-class margin losses (last: no other case's inputs moved)."""
    red = {'rtol': 1e-5, 'atol': 1e-6}
    signs = n(torch.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]))
    C('softMarginLoss', 'F.softMarginLoss', g(u(2, 3, lo=-3, hi=3)), signs)
    C('softMarginLoss sum, float64', 'F.softMarginLoss', g(u(2, 3, lo=-3, hi=3, dtype=f64)), n(torch.tensor([[1.0, -1, 1], [-1, -1, 1]], dtype=torch.float64)), reduction='sum')
    C('softMarginLoss none', 'F.softMarginLoss', g(u(2, 3)), signs, reduction='none')
    t = n(torch.tensor([0, 2, 3, 1]))
    C('multiMarginLoss', 'F.multiMarginLoss', g(u(4, 5, lo=-1, hi=1)), t, None, tol=red)
    C('multiMarginLoss p 2, margin 0.5, weight, sum', 'F.multiMarginLoss', g(u(4, 5, lo=-1, hi=1)), t,
      n(u(5, lo=0.5, hi=1.5)), p=2, margin=0.5, reduction='sum', tol=red)
    C('multiMarginLoss none', 'F.multiMarginLoss', g(u(4, 5, lo=-1, hi=1)), t, None, reduction='none', tol=red)
    C('multiMarginLoss one sample, float64', 'F.multiMarginLoss', g(u(5, lo=-1, hi=1, dtype=f64)), n(torch.tensor(3)), None)


def embedding_bags(C):
    """Bags of embeddings (last: no other case's inputs moved)."""
    idx = n(torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]))
    offsets = n(torch.tensor([0, 2, 2, 5]))
    C('embeddingBag mean, an empty bag', 'F.embeddingBag', idx, g(u(10, 3)), offsets, None)
    C('embeddingBag sum, per-sample weights', 'F.embeddingBag', idx, g(u(10, 3)), offsets, g(u(8)), mode='sum')
    C('embeddingBag max', 'F.embeddingBag', idx, g(u(10, 3)), offsets, None, mode='max')
    C('embeddingBag 2-D input, padding index', 'F.embeddingBag', n(torch.tensor([[1, 2, 0], [0, 0, 3]])), g(u(5, 4)), None,
      None, paddingIdx=0)
    C('embeddingBag last offset included, float64', 'F.embeddingBag', idx, g(u(10, 2, dtype=f64)),
      n(torch.tensor([0, 3, 8])), None, includeLastOffset=True, mode='sum')


def local_response_norms(C):
    """Local response normalisation (last: no other case's inputs moved)."""
    red = {'rtol': 1e-5, 'atol': 1e-6}
    C('localResponseNorm (N, C, L)', 'F.localResponseNorm', g(u(2, 5, 4, lo=-2, hi=2)), 3, tol=red)
    C('localResponseNorm (N, C, H, W) even size, constants', 'F.localResponseNorm', g(u(2, 6, 3, 3, lo=-2, hi=2)), 4,
      alpha=0.01, beta=0.5, k=2.0, tol=red)
    C('localResponseNorm (N, C, D, H, W) float64', 'F.localResponseNorm', g(u(1, 4, 2, 2, 3, lo=-2, hi=2, dtype=f64)), 5)


def interpolations(C):
    """Nearest and bilinear resampling (last: no other case's inputs moved)."""
    x = u(2, 3, 4, 5)
    C('interpolate nearest to a size', 'F.interpolate', g(x), size=[7, 3])
    C('interpolate nearest by 2', 'F.interpolate', g(x), scaleFactor=2.0)
    C('interpolate nearest by 1.5 and 0.6', 'F.interpolate', g(x), scaleFactor=[1.5, 0.6])
    C('interpolate bilinear by 2', 'F.interpolate', g(x), scaleFactor=2.0, mode='bilinear')
    C('interpolate bilinear aligned corners', 'F.interpolate', g(x), size=[6, 9], mode='bilinear', alignCorners=True)
    C('interpolate bilinear down to a size', 'F.interpolate', g(u(1, 2, 9, 7)), size=[4, 3], mode='bilinear')
    C('interpolate bilinear by 0.5 recomputed', 'F.interpolate', g(u(1, 2, 9, 7)), scaleFactor=0.5, mode='bilinear',
      recomputeScaleFactor=True)
    C('interpolate bilinear float64', 'F.interpolate', g(u(1, 2, 3, 4, dtype=f64)), scaleFactor=[2.5, 1.75], mode='bilinear')


def pad_modes(C):
    """Reflection, replication and circular padding (last: no other case's inputs moved)."""
    for mode in ['reflect', 'replicate', 'circular']:
        C(f'pad {mode} 1-D', 'F.pad', g(u(2, 3, 5)), [2, 1], mode=mode)
        C(f'pad {mode} 2-D', 'F.pad', g(u(1, 2, 4, 5)), [1, 2, 2, 1], mode=mode)
        C(f'pad {mode} 3-D', 'F.pad', g(u(1, 2, 3, 4, 3)), [1, 0, 0, 2, 1, 1], mode=mode)
    C('pad reflect the widest', 'F.pad', g(u(1, 1, 3, 4)), [3, 3, 2, 2], mode='reflect')
    C('pad replicate float64 unbatched 2-D', 'F.pad', g(u(2, 3, 3, dtype=f64)), [2, 2, 0, 3], mode='replicate')
    C('pad replicate 3-D unbatched', 'F.pad', g(u(2, 3, 4, 3)), [1, 0, 0, 2, 1, 1], mode='replicate')


def pools_1d(C):
    """1-D pooling (last: no other case's inputs moved)."""
    x = distinct(2, 3, 11)
    C('maxPool1d', 'F.maxPool1d', g(x), 3)
    C('maxPool1d stride 2 padding 1 dilation 2 ceil', 'F.maxPool1d', g(x), 3, stride=2, padding=1, dilation=2, ceilMode=True)
    C('maxPool1d with indices', 'F.maxPool1d', g(x), 2, returnIndices=True)
    C('maxPool1d unbatched', 'F.maxPool1d', g(distinct(3, 8)), 2)
    C('avgPool1d', 'F.avgPool1d', g(u(2, 3, 10)), 3, stride=2, padding=1)
    C('avgPool1d without padding in the count', 'F.avgPool1d', g(u(2, 3, 10)), 4, stride=3, padding=2, countIncludePad=False,
      ceilMode=True)
    C('adaptiveAvgPool1d', 'F.adaptiveAvgPool1d', g(u(2, 3, 10)), 4)
    C('adaptiveMaxPool1d with indices', 'F.adaptiveMaxPool1d', g(x), 4, returnIndices=True)


def pixel_shuffles(C):
    """Pixel shuffle and unshuffle (last: no other case's inputs moved)."""
    C('pixelShuffle', 'F.pixelShuffle', g(u(2, 8, 2, 3)), 2)
    C('pixelShuffle unbatched factor 3', 'F.pixelShuffle', g(u(9, 2, 2)), 3)
    C('pixelShuffle extra batch dims', 'F.pixelShuffle', g(u(2, 1, 4, 1, 2)), 2)
    C('pixelUnshuffle', 'F.pixelUnshuffle', g(u(2, 2, 4, 6)), 2)
    C('pixelUnshuffle int64', 'F.pixelUnshuffle', n(ints(0, 9, 1, 1, 3, 3)), 3)


def edge_rules(C):
    """Where PyTorch's kernels meet NaN, zeros and their constants (last in the fixture: no other case's inputs
    moved). Each rule here is one Kindling once got wrong."""
    t = torch.tensor
    nan, inf = float('nan'), float('inf')
    C('hardsigmoid float64 gradient by a float 1/6', 'F.hardsigmoid', g(t([-2.5, -0.3, 0.0, 1.7, 2.9], dtype=f64)))
    C('threshold keeps NaN and its gradient', 'F.threshold', g(t([nan, 0.5, 0.7, 0.3], dtype=f64)), 0.5, -2.0)
    C('smoothL1Loss gradient of NaN differences', 'F.smoothL1Loss', g(t([nan, 0.2, -3.0, 0.0])), g(t([1.0, 0.0, 0.0, 0.0])),
      reduction='sum')
    C('smoothL1Loss beta 0 with NaN and 0 differences', 'F.smoothL1Loss', g(t([nan, 0.2, -3.0, 0.0])), g(t([1.0, 0.0, 0.0, 0.0])), beta=0.0)
    x = t([[nan, 0.1, -0.4], [0.3, 1.2, -0.5], [2.0, inf, 0.0]])
    C('nllLoss skips an ignored row holding NaN', 'F.nllLoss', g(x.log_softmax(1)), n(t([-100, 2, 0])), None, reduction='sum')
    C('crossEntropy skips ignored rows with label smoothing', 'F.crossEntropy', g(x), n(t([1, 2, 1])),
      n(t([0.5, 1.5, 2.0])), ignoreIndex=1, labelSmoothing=0.2, reduction='mean')
    C('binaryCrossEntropy float64 gradient at 0 and 1', 'F.binaryCrossEntropy', g(t([1.0, 0.0, 0.5], dtype=f64)),
      n(t([0.25, 0.75, 0.5], dtype=f64)), None, reduction='sum')
    C('cosineSimilarity of a zero vector', 'F.cosineSimilarity', g(t([[0.0, 0.0], [1.0, 2.0], [1e-9, 0.0]], dtype=f64)),
      g(t([[3.0, -1.0], [0.5, 0.5], [2.0, 1.0]], dtype=f64)), dim=1)


def bicubic_and_volumetric(C):
    """Bicubic grid sampling and 3-D affine grids (last: no other case's inputs moved)."""
    red = {'rtol': 1e-4, 'atol': 1e-4}
    grid = lambda *shape, dtype=torch.float32: u(*shape, lo=-1.3, hi=1.3, dtype=dtype)  # noqa: E731 - some points outside
    for padding in ['zeros', 'border', 'reflection']:
        for align in [False, True]:
            C(f'gridSample bicubic {padding}{" aligned" if align else ""}', 'F.gridSample', g(u(2, 2, 4, 5)),
              g(grid(2, 3, 3, 2)), mode='bicubic', paddingMode=padding, alignCorners=align, tol=red)
    C('gridSample bicubic float64', 'F.gridSample', g(u(1, 2, 5, 4, dtype=f64)), g(grid(1, 3, 4, 2, dtype=f64)),
      mode='bicubic', paddingMode='reflection', alignCorners=False)
    C('affineGrid 3-D', 'F.affineGrid', g(u(2, 3, 4, lo=-1, hi=1)), [2, 3, 2, 3, 4], alignCorners=False, tol=red)
    C('affineGrid 3-D aligned, float64', 'F.affineGrid', g(u(1, 3, 4, lo=-1, hi=1, dtype=f64)), [1, 1, 3, 2, 2],
      alignCorners=True)


def main():
    torch.manual_seed(0)
    cases = []
    errs = []
    names = set()

    def C(name, op, *args, tol=None, **kwargs):
        if name in names:
            raise ValueError(f'duplicate case name {name!r}')
        names.add(name)
        cases.append(run_case(name, op, OPS[op], list(args), kwargs, tol=tol, seed=len(cases)))

    def E(name, op, *args, **kwargs):
        real = [a.build()[1] if isinstance(a, Arg) else a for a in args]
        try:
            OPS[op](*real, **kwargs)
        except Exception as e:  # noqa: BLE001 - the exception is what is recorded
            errs.append({'name': name, 'op': op, 'args': [arg_json(a) for a in args], 'kwargs': kwargs,
                         'error': type(e).__name__, 'message': str(e).split('\n')[0]})
            return
        raise AssertionError(f'{name}: PyTorch raised nothing')

    for group in [activations, linear, normalization, embeddings, cross_entropy, nll, pointwise, binary, more_activations, distances, group_norms, conv1ds, interpolations, pad_modes, pools_1d, pixel_shuffles, conv_transposes, instance_norms, embedding_losses, blocks, more_interpolations, spatial_transformers, bilinears, margin_losses, embedding_bags, local_response_norms, edge_rules, bicubic_and_volumetric]:
        group(C)
    errors(E)
    with open(OUT, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': cases, 'errors': errs, 'init': init_cases()}, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    print(f'wrote {len(cases)} cases and {len(errs)} error cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
