// The engine hands gradients it alone holds back to the storage pool once they are consumed, and new results
// reuse them. With poisoning on, every reused buffer is first filled with NaN: a gradient that was recycled while
// someone still held it would turn to NaN in these tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { clearStoragePool, pooledStorageBytes, setPoisonUninitialized } from '../src/storage-pool.js';

// Large enough to be pooled (16 KiB and up).
const N = 8192;

// The pool holds ordinary arrays: a backend that lends memory of its own (the WebAssembly one) gives results its
// blocks instead, so these tests run on the TypeScript kernels whatever KINDLING_BACKEND says.
let previousBackend: torch.KernelBackend;
beforeAll(() => {
  setPoisonUninitialized(true);
  previousBackend = torch.setKernelBackend('typescript');
});
afterAll(() => {
  torch.setKernelBackend(previousBackend);
  setPoisonUninitialized(false);
  clearStoragePool();
});

/** A chain of elementwise ops whose gradients are fresh float32 buffers of N elements. */
function chain(x: torch.Tensor): torch.Tensor {
  return x.mul(2).tanh().mul(x).sigmoid().mul(3);
}

/** Churns the pool: a forward and backward of the same sizes, so recycled buffers are handed out (and poisoned). */
function churn(): void {
  const x = torch.randn(N, { requiresGrad: true });
  chain(x).sum().backward();
}

/** Values within float32 rounding of what the formula gives (a recycled buffer holds unrelated values, or NaN). */
const FLOAT32_ROUNDING = { rtol: 0, atol: 1e-5 };
const { assertClose } = torch.testing;

function present(g: torch.Tensor | null): torch.Tensor {
  if (g === null) throw new Error('no gradient');
  return g;
}

/** A tensor's gradient, which the test expects to exist. */
function gradOf(t: torch.Tensor): torch.Tensor {
  return present(t.grad);
}

function expectFinite(t: torch.Tensor): void {
  expect(Number(t.isnan().any().item())).toBe(0);
}

describe('storage reuse in backward', () => {
  it('recycles intermediate gradients, and the results match a run without reuse', () => {
    torch.manualSeed(0);
    const x = torch.randn(N, { requiresGrad: true });
    clearStoragePool();
    chain(x).sum().backward();
    expect(pooledStorageBytes()).toBeGreaterThan(0);
    const first = gradOf(x).clone();
    x.grad = null;
    chain(x).sum().backward(); // runs on recycled (poisoned) buffers
    expect(gradOf(x).equal(first)).toBe(true);
  });

  it('never recycles a gradient a hook kept, or one retainGrad kept', () => {
    torch.manualSeed(1);
    const x = torch.randn(N, { requiresGrad: true });
    const y = x.mul(2);
    const z = y.tanh();
    z.retainGrad();
    let seen: torch.Tensor | null = null;
    y.registerHook((g) => void (seen = g));
    z.mul(x).sum().backward();
    for (let i = 0; i < 3; i++) churn();
    // d(sum(z x))/dz = x, and dz/dy = 1 - z^2.
    const xd = x.detach();
    const zd = z.detach();
    assertClose(z.grad as torch.Tensor, xd, FLOAT32_ROUNDING);
    assertClose(seen as unknown as torch.Tensor, xd.mul(zd.square().neg().add(1)), FLOAT32_ROUNDING);
  });

  it('never recycles what autograd.grad returns, nor a gradient passed through to two inputs', () => {
    torch.manualSeed(2);
    const a = torch.randn(N, { requiresGrad: true });
    const b = torch.randn(N, { requiresGrad: true });
    const h = a.mul(b);
    // AddBackward hands the same gradient to both of its inputs.
    const [ga, gh] = torch.autograd.grad(h.add(h.tanh()).add(a).sum(), [a, h]).map(present);
    for (let i = 0; i < 3; i++) churn();
    const hd = h.detach();
    const dh = hd.tanh().square().neg().add(2); // 1 + (1 - tanh(h)^2)
    assertClose(gh, dh, FLOAT32_ROUNDING);
    assertClose(ga, dh.mul(b.detach()).add(1), FLOAT32_ROUNDING);
    // The same through backward(): both leaves get the one gradient of a + b.
    const s = a.add(b).tanh();
    s.sum().backward();
    for (let i = 0; i < 3; i++) churn();
    const ds = s.detach().square().neg().add(1);
    assertClose(a.grad as torch.Tensor, ds, FLOAT32_ROUNDING);
    assertClose(b.grad as torch.Tensor, ds, FLOAT32_ROUNDING);
  });

  it('keeps gradients intact across retainGraph runs and createGraph runs', () => {
    torch.manualSeed(3);
    const x = torch.randn(N, { requiresGrad: true });
    const y = chain(x).sum();
    y.backward({ retainGraph: true });
    const once = gradOf(x).clone();
    churn();
    y.backward({ retainGraph: true });
    assertClose(x.grad as torch.Tensor, once.mul(2), FLOAT32_ROUNDING);

    // f = sum(tanh(x)^2): f' = 2t(1 - t^2), and the sum of f' has the gradient 2(1 - t^2)(1 - 3t^2). The graph
    // of f' saves the intermediate gradients of the first run: none may be recycled.
    x.grad = null;
    const t = x.tanh();
    const [g] = torch.autograd.grad(t.mul(t).sum(), [x], { createGraph: true }).map(present);
    for (let i = 0; i < 3; i++) churn();
    g.sum().backward();
    const td = t.detach();
    const t2 = td.square();
    assertClose(g.detach(), td.mul(t2.neg().add(1)).mul(2), FLOAT32_ROUNDING);
    assertClose(gradOf(x), t2.neg().add(1).mul(t2.mul(-3).add(1)).mul(2), FLOAT32_ROUNDING);
  });

  it("keeps the gradient a custom Function's backward was given, and an accumulated .grad", () => {
    torch.manualSeed(4);
    const kept: torch.Tensor[] = [];
    class Keep extends torch.autograd.Function {
      static override forward(_ctx: torch.FunctionCtx, t: torch.Tensor): torch.Tensor {
        return t.clone();
      }
      static override backward(_ctx: torch.FunctionCtx, g: torch.Tensor): torch.Tensor {
        kept.push(g);
        return g.mul(1);
      }
    }
    const x = torch.randn(N, { requiresGrad: true });
    const u = Keep.apply<torch.Tensor>(x.mul(2));
    const v = u.tanh();
    v.tanh().sum().backward();
    for (let i = 0; i < 3; i++) churn();
    // d sum(tanh(tanh(u))) / du = (1 - tanh(v)^2)(1 - v^2)
    const vd = v.detach();
    const du = vd.tanh().square().neg().add(1).mul(vd.square().neg().add(1));
    assertClose(kept[0], du, FLOAT32_ROUNDING);
    assertClose(x.grad as torch.Tensor, du.mul(2), FLOAT32_ROUNDING);
    // A second backward accumulates into the stored .grad; the gradient added in is what is recycled.
    Keep.apply<torch.Tensor>(x.mul(2)).tanh().tanh().sum().backward();
    churn();
    assertClose(x.grad as torch.Tensor, du.mul(4), FLOAT32_ROUNDING);
  });

  it("reuses a dropped .grad's storage only when no one read .grad", () => {
    torch.manualSeed(5);
    const w = torch.randn(N, { requiresGrad: true });
    chain(w).sum().backward();
    const stored = w.rawGrad as torch.Tensor;
    const expected = stored.clone();
    // rawGrad lends it: dropping it then returns its storage, which the next backward takes again.
    clearStoragePool();
    w.grad = null;
    expect(pooledStorageBytes()).toBe(N * 4);
    chain(w).sum().backward();
    expect(pooledStorageBytes()).toBeGreaterThan(0);
    expect((w.rawGrad as torch.Tensor).equal(expected)).toBe(true);
    // Read through .grad, it may be kept: dropping it leaves it alone, whatever runs next.
    const kept = gradOf(w);
    clearStoragePool();
    w.grad = null;
    expect(pooledStorageBytes()).toBe(0);
    for (let i = 0; i < 3; i++) churn();
    chain(w).sum().backward();
    expect(kept.equal(expected)).toBe(true);
  });

  it('never reuses a .grad that a caller assigned, or one built under createGraph', () => {
    const mine = torch.ones(N);
    const w = torch.randn(N, { requiresGrad: true });
    w.grad = mine;
    clearStoragePool();
    w.grad = null;
    expect(pooledStorageBytes()).toBe(0);
    chain(w).sum().backward({ createGraph: true });
    const recorded = w.rawGrad as torch.Tensor;
    w.grad = null;
    expect(pooledStorageBytes()).toBe(0);
    expectFinite(recorded);
    expect(mine.sum().item()).toBe(N);
  });
});
