/**
 * Backend conformance: every kernel of every available backend against the TypeScript kernels (GEMM's, against a
 * float64 reference, is in backend-conformance-gemm.test.ts), over awkward cases — 0 and 1, odd and prime sizes,
 * offsets into shared storage, NaN and ties, float32 and float64 — and, for multi-threaded backends, at each thread
 * count.
 */
import { expect, it } from 'vitest';
import * as torch from '@kindling/core';
import type { ConvGeometry } from '../src/kernels/conv.js';
import { convOutputSize } from '../src/kernels/conv.js';
import type { PoolGeometry } from '../src/kernels/pool.js';
import { describeEachBackend, randomArray, restoreBackendAfterAll } from './helpers/backend-conformance.js';
import { tolerance } from './helpers/close.js';
import { squarePool } from './helpers/pool-geometry.js';
import { rng } from './helpers/rng.js';

const initial = restoreBackendAfterAll();

const ts = torch.typescriptBackend;
const { assertClose } = torch.testing;

/** rtol = atol = eps: closeness for results computed in different orders. */
const within = (eps: number, what: string) => tolerance(eps, eps, what);

function convCase(
  N: number,
  C: number,
  H: number,
  W: number,
  O: number,
  kh: number,
  kw: number,
  s: number,
  p: number,
  d: number,
  groups: number,
): ConvGeometry {
  return {
    N,
    C,
    H,
    W,
    O,
    kh,
    kw,
    OH: convOutputSize(H, p, p, kh, s, d),
    OW: convOutputSize(W, p, p, kw, s, d),
    sh: s,
    sw: s,
    ph: p,
    pw: p,
    dh: d,
    dw: d,
    groups,
  };
}

const CONV_CASES: ConvGeometry[] = [
  convCase(1, 1, 5, 5, 1, 3, 3, 1, 0, 1, 1),
  convCase(2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1),
  convCase(5, 3, 11, 13, 7, 5, 3, 2, 2, 1, 1),
  convCase(3, 4, 9, 9, 6, 3, 3, 1, 2, 2, 2),
  convCase(2, 6, 8, 8, 6, 3, 3, 1, 1, 1, 6),
  convCase(4, 16, 6, 6, 8, 1, 1, 1, 0, 1, 1),
  convCase(3, 8, 9, 7, 16, 1, 1, 2, 0, 1, 1),
  convCase(2, 3, 17, 17, 8, 7, 7, 2, 3, 1, 1),
  convCase(16, 32, 4, 4, 64, 3, 3, 1, 1, 1, 1),
  { ...convCase(2, 2, 6, 5, 3, 3, 2, 1, 0, 1, 1), ph: 1, pw: 0, OH: 5, OW: 4 },
];

const POOL_CASES: PoolGeometry[] = [
  squarePool(1, 1, 1, 1, 1, 0, 1, false),
  squarePool(6, 8, 8, 2, 2, 0, 1, false),
  squarePool(5, 7, 9, 3, 2, 1, 1, false),
  squarePool(3, 7, 7, 3, 2, 1, 1, true),
  squarePool(4, 10, 11, 3, 1, 1, 2, false),
  squarePool(64, 16, 16, 3, 2, 1, 1, false),
];

describeEachBackend(({ name, backend, threadCounts }) => {
  it('convolution forward and both gradients match the TypeScript kernels', () => {
    for (const [ctor, eps] of [
      [Float32Array, 1e-5],
      [Float64Array, 1e-12],
    ] as const) {
      CONV_CASES.forEach((g, k) => {
        const next = rng(300 + k);
        const Cg = g.C / g.groups;
        const x = randomArray(ctor, g.N * g.C * g.H * g.W, next);
        const w = randomArray(ctor, g.O * Cg * g.kh * g.kw, next);
        const bias = randomArray(ctor, g.O, next);
        const gy = randomArray(ctor, g.N * g.O * g.OH * g.OW, next);
        const label = `${ctor.name} ${JSON.stringify(g)}`;
        for (const t of threadCounts) {
          backend.setNumThreads(t);
          const out = new ctor(gy.length).fill(NaN);
          const want = new ctor(gy.length);
          backend.conv2dForward(x, w, bias, g, out);
          ts.conv2dForward(x, w, bias, g, want);
          assertClose(out, want, within(eps * Cg * g.kh * g.kw, `forward ${label}`));
          const gx = new ctor(x.length).fill(NaN);
          const gxWant = new ctor(x.length);
          backend.conv2dBackwardInput(gy, w, g, gx);
          ts.conv2dBackwardInput(gy, w, g, gxWant);
          assertClose(gx, gxWant, within(eps * g.O * g.kh * g.kw, `input gradient ${label}`));
          const gw = new ctor(w.length).fill(NaN);
          const gwWant = new ctor(w.length);
          backend.conv2dBackwardWeight(x, gy, g, gw);
          ts.conv2dBackwardWeight(x, gy, g, gwWant);
          assertClose(gw, gwWant, within(eps * g.N * g.OH * g.OW, `weight gradient ${label}`));
        }
      });
    }
  });

  it('pooling forward and backward match the TypeScript kernels, NaN and ties included', () => {
    for (const ctor of [Float32Array, Float64Array]) {
      POOL_CASES.forEach((g, k) => {
        const next = rng(500 + k);
        const x = randomArray(ctor, g.planes * g.H * g.W, next);
        for (let i = 0; i < x.length; i += 17) x[i] = x[i + 1] ?? 0; // ties
        if (x.length > 5) x[5] = NaN;
        const n = g.planes * g.OH * g.OW;
        const gy = randomArray(ctor, n, next);
        const label = `${ctor.name} ${JSON.stringify(g)}`;
        const out = new ctor(n);
        const idx = new Float64Array(n);
        const outWant = new ctor(n);
        const idxWant = new Float64Array(n);
        backend.maxPool2dForward(x, g, out, idx);
        ts.maxPool2dForward(x, g, outWant, idxWant);
        expect(out, `max ${label}`).toEqual(outWant);
        expect(idx, `argmax ${label}`).toEqual(idxWant);
        // Without indices (an eval forward), with signed-zero ties too: the same values, -0 told from +0.
        const zeros = x.slice();
        for (let i = 0; i < zeros.length; i++)
          if (zeros[i] < 0.2) zeros[i] = i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : zeros[i];
        const valuesOnly = new ctor(n).fill(NaN);
        const valuesWant = new ctor(n);
        backend.maxPool2dForward(zeros, g, valuesOnly, null);
        ts.maxPool2dForward(zeros, g, valuesWant, null);
        const signed = (a: ArrayLike<number>) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
        expect(signed(valuesOnly), `max without indices ${label}`).toEqual(signed(valuesWant));
        const gx = new ctor(x.length);
        const gxWant = new ctor(x.length);
        backend.maxPool2dBackward(gy, idxWant, g.planes, g.H * g.W, g.OH * g.OW, gx);
        ts.maxPool2dBackward(gy, idxWant, g.planes, g.H * g.W, g.OH * g.OW, gxWant);
        assertClose(gx, gxWant, within(1e-6, `max backward ${label}`));
        for (const mode of [
          { countIncludePad: true, divisorOverride: 0, integral: false },
          { countIncludePad: false, divisorOverride: 0, integral: false },
          { countIncludePad: true, divisorOverride: 3, integral: false },
        ]) {
          const avg = new ctor(n);
          const avgWant = new ctor(n);
          backend.avgPool2dForward(x, g, mode, avg);
          ts.avgPool2dForward(x, g, mode, avgWant);
          assertClose(avg, avgWant, within(1e-6, `avg ${label} ${JSON.stringify(mode)}`));
          const gxa = new ctor(x.length);
          const gxaWant = new ctor(x.length);
          backend.avgPool2dBackward(gy, g, mode, gxa);
          ts.avgPool2dBackward(gy, g, mode, gxaWant);
          assertClose(gxa, gxaWant, within(1e-6, `avg backward ${label} ${JSON.stringify(mode)}`));
        }
      });
      for (const [H, W, OH, OW] of [
        [7, 7, 1, 1],
        [9, 5, 4, 3],
        [4, 4, 4, 4],
        [5, 7, 7, 9],
      ]) {
        const planes = 6;
        const next = rng(H * 100 + W);
        const x = randomArray(ctor, planes * H * W, next);
        x[3] = NaN;
        const gy = randomArray(ctor, planes * OH * OW, next);
        const out = new ctor(planes * OH * OW);
        const want = new ctor(planes * OH * OW);
        backend.adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, out);
        ts.adaptiveAvgPool2dForward(x, planes, H, W, OH, OW, want);
        assertClose(out, want, within(1e-6, `adaptive avg ${H}x${W}->${OH}x${OW}`));
        const gx = new ctor(x.length);
        const gxWant = new ctor(x.length);
        backend.adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gx);
        ts.adaptiveAvgPool2dBackward(gy, planes, H, W, OH, OW, gxWant);
        assertClose(gx, gxWant, within(1e-6, `adaptive avg backward ${H}x${W}->${OH}x${OW}`));
        const mx = new ctor(planes * OH * OW);
        const mi = new Float64Array(planes * OH * OW);
        const mxWant = new ctor(planes * OH * OW);
        const miWant = new Float64Array(planes * OH * OW);
        backend.adaptiveMaxPool2dForward(x, planes, H, W, OH, OW, mx, mi);
        ts.adaptiveMaxPool2dForward(x, planes, H, W, OH, OW, mxWant, miWant);
        expect(mx).toEqual(mxWant);
        expect(mi).toEqual(miWant);
      }
    }
  });

  it('sums and means over several blocks of dims match a float64 reference on tensors the backend takes', () => {
    torch.setKernelBackend(name);
    torch.manualSeed(22);
    const x = torch.randn(6, 7, 9, 11); // 4,158 elements: past the inline-loop threshold
    const x64 = x.double();
    for (const dims of [[0, 2, 3], [1], [0, 1], [1, 3], [0, 1, 2, 3]]) {
      const want = x64.sum(dims);
      expect(x.sum(dims).double().sub(want).abs().max().item(), `sum ${dims}`).toBeLessThan(1e-4);
      expect(
        x
          .mean(dims)
          .double()
          .sub(want.div(dims.reduce((n, d) => n * x.shape[d], 1)))
          .abs()
          .max()
          .item(),
        `mean ${dims}`,
      ).toBeLessThan(1e-6);
    }
    torch.setKernelBackend(initial);
  });

  it('max, min, amax, amin, argmax and argmin along dims match the TypeScript kernels, NaN and ties included', () => {
    torch.manualSeed(23);
    const x = torch.randn(6, 7, 9, 11).mul(2).round(); // ties everywhere, past the inline-loop threshold
    x.view(-1).slice(0, 100, 160, 7).fill_(NaN);
    for (const t of [x, x.double(), x.slice(3, 2, 9)]) {
      const compute = () => [
        ...[0, 1, 2, 3, -1].flatMap((d) => [...t.max(d), ...t.min(d), t.argmax(d), t.argmin(d, { keepdim: true })]),
        t.amax([1, 2]),
        t.amin([2, 3], { keepdim: true }),
        t.amax([0, 2]),
        t.max(),
        t.argmax(),
      ];
      torch.setKernelBackend(name);
      const got = compute();
      torch.setKernelBackend('typescript');
      const want = compute();
      torch.setKernelBackend(initial);
      got.forEach((g, i) => {
        expect(g.dtype).toBe(want[i].dtype);
        expect(g.shape).toEqual(want[i].shape);
        expect(g.isnan().equal(want[i].isnan()), `result ${i}: NaN`).toBe(true);
        expect(g.nanToNum(0.5).equal(want[i].nanToNum(0.5)), `result ${i}`).toBe(true);
      });
    }
  });

  it('embedding lookups and their table gradients match the TypeScript kernels, repeated rows and padding included', () => {
    torch.manualSeed(24);
    for (const dtype of ['float32', 'float64'] as const) {
      const weight = torch.randn([50, 33], { dtype });
      const gy = torch.randn([7, 40, 33], { dtype });
      const indices = torch.randint(0, 50, [7, 40]);
      const compute = () =>
        [indices, indices.int()].flatMap((idx) => {
          const w = weight.clone().requiresGrad_();
          const out = torch._nn.embedding(w, idx, 3);
          out.backward(gy);
          return [out, w.grad as torch.Tensor];
        });
      torch.setKernelBackend(name);
      const got = compute();
      torch.setKernelBackend('typescript');
      const want = compute();
      torch.setKernelBackend(initial);
      got.forEach((g, i) => expect(g.equal(want[i]), `${dtype} result ${i}`).toBe(true));
    }
  });

  it('casts between float32 and float64, fills and full match the TypeScript kernels', () => {
    torch.manualSeed(25);
    const x = torch.randn(70, 61).mul(1e30); // past float32's range after the square
    const compute = () => [
      x.double().mul(x.double()).float(),
      x.double().div(3).float().double(),
      torch.full([65, 65], 0.1, { dtype: 'float32' }),
      torch.ones([4099], { dtype: 'float64' }),
      torch.empty(3000).fill_(-0.3),
      torch.empty([3000], { dtype: 'float64' }).zero_(),
    ];
    torch.setKernelBackend(name);
    const got = compute();
    torch.setKernelBackend('typescript');
    const want = compute();
    torch.setKernelBackend(initial);
    got.forEach((g, i) => expect(g.equal(want[i]), `result ${i}`).toBe(true));
  });

  it('ops on views into shared storage give the same values as on the TypeScript backend', () => {
    torch.setKernelBackend(name);
    torch.manualSeed(21);
    const base = torch.randn(9, 33, 17);
    const a = base.slice(0, 1, 8).transpose(1, 2); // offset, non-contiguous
    const b = torch.randn(7, 33, 5);
    const x = torch.randn(3, 4, 10, 11).slice(3, 1, 10);
    const w = torch.randn(6, 4, 3, 3);
    const got = [
      a.bmm(b),
      torch.conv2d(x, w, null, { padding: 1, stride: 2 }),
      torch.maxPool2d(x, 3, { stride: 2, padding: 1 }),
    ];
    torch.setKernelBackend('typescript');
    const want = [
      a.bmm(b),
      torch.conv2d(x, w, null, { padding: 1, stride: 2 }),
      torch.maxPool2d(x, 3, { stride: 2, padding: 1 }),
    ];
    torch.setKernelBackend(initial);
    got.forEach((t, i) => expect(t.sub(want[i]).abs().max().item()).toBeLessThan(1e-4));
  });
});
