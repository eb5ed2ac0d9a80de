/**
 * The main snippets of PyTorch's "Autograd mechanics" notes (grad modes, in-place checks, version counters,
 * retain_grad, hooks, detach, .data, autograd.grad), ported line by line, with the output real PyTorch 1.13
 * prints as the expected strings (fixtures/seeds.json, tools/golden/seeds_notes.py).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { Size, replay } from './helpers/walkthrough.js';

const f32 = { dtype: 'float32' } as const;

describe('grad modes', () => {
  it('notes-1 noGrad as a block and as a wrapped function', () => {
    replay('notes-1-no-grad', (print) => {
      const x = torch.tensor([1.0], { requiresGrad: true });
      let y: torch.Tensor;
      {
        using _ = torch.noGrad();
        y = x.mul(2);
        print(torch.isGradEnabled());
      }
      print(y.requiresGrad);
      // @torch.no_grad() def doubler(x): return x * 2
      const doubler = (t: torch.Tensor): torch.Tensor => torch.noGrad(() => t.mul(2));
      const z = doubler(x);
      print(z.requiresGrad);
      print(torch.isGradEnabled());
    });
  });

  it('notes-2 enableGrad inside noGrad', () => {
    replay('notes-2-enable-grad', (print) => {
      const x = torch.tensor([1.0], { requiresGrad: true });
      const y = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
      print(y.requiresGrad);
      y.backward();
      print(x.grad);
      const doubler = (t: torch.Tensor): torch.Tensor => torch.enableGrad(() => t.mul(2));
      let z: torch.Tensor;
      {
        using _ = torch.noGrad();
        z = doubler(x);
      }
      print(z.requiresGrad);
    });
  });

  it('notes-3 setGradEnabled as a block and as a function', () => {
    replay('notes-3-set-grad-enabled', (print) => {
      const x = torch.tensor([1.0], { requiresGrad: true });
      const isTrain = false;
      let y: torch.Tensor;
      {
        using _ = torch.setGradEnabled(isTrain);
        y = x.mul(2);
      }
      print(y.requiresGrad);
      torch.setGradEnabled(true);
      y = x.mul(2);
      print(y.requiresGrad);
      torch.setGradEnabled(false);
      y = x.mul(2);
      print(y.requiresGrad);
      print(torch.isGradEnabled());
      torch.setGradEnabled(true);
      print(torch.isGradEnabled());
    });
  });

  it('notes-4 inferenceMode: no recording', () => {
    replay('notes-4-inference-mode', (print) => {
      const x = torch.ones([1, 2, 3], { requiresGrad: true });
      let y: torch.Tensor;
      {
        using _ = torch.inferenceMode();
        y = x.mul(x);
        print(torch.isInferenceModeEnabled(), torch.isGradEnabled());
      }
      print(y.requiresGrad);
      print(torch.isInferenceModeEnabled(), torch.isGradEnabled());
      const func = (t: torch.Tensor): torch.Tensor => torch.inferenceMode(() => t.mul(t));
      const out = func(x);
      print(out.requiresGrad);
      print(new Size(out.shape));
    });
  });

  it('restores the mode when the wrapped function throws', () => {
    expect(() => torch.noGrad(() => torch.ones(2).view(3))).toThrow("shape '[3]' is invalid for input of size 2");
    expect(torch.isGradEnabled()).toBe(true);
  });
});

describe('in-place ops and version counters', () => {
  it('notes-5 in-place on a leaf that requires grad, and on a view of one', () => {
    replay('notes-5-leaf-inplace', (print, error) => {
      const w = torch.tensor([1.0, 2.0], { requiresGrad: true });
      error(() => w.mul_(2));
      error(() => w.select(0, 0).mul_(2));
      torch.noGrad(() => w.mul_(2));
      print(w);
      print(w.version);
    });
  });

  it('notes-6 version counters are shared by views and detach(), not by .data', () => {
    replay('notes-6-version-counter', (print) => {
      const x = torch.ones(3);
      print(x.version);
      x.add_(1);
      print(x.version);
      const v = x.view(3);
      v.mul_(2);
      print(x.version, v.version);
      x.detach().add_(1);
      print(x.version);
      const d = x.data;
      print(d.version);
      d.add_(1);
      print(x.version, d.version);
      print(x);
    });
  });

  it('notes-7 the version check names the tensor and its grad_fn', () => {
    replay('notes-7-inplace-check', (print, error) => {
      const a = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const b = a.mul(1);
      const c = b.mul(b);
      b.add_(1);
      print(b.version);
      print(b.gradFn);
      error(() => c.sum().backward());
      const a2 = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const s = a2.sigmoid(); // SigmoidBackward0 saves its own output
      s.mul_(2);
      error(() => s.sum().backward());
      const u = a2.mul(1);
      const t = u.add(5); // AddBackward0 saves nothing: changing u afterwards is harmless
      u.mul_(2);
      t.sum().backward();
      print(a2.grad);
    });
  });
});

describe('in-place ops that save their result', () => {
  it('notes-19 are checked like any saved tensor', () => {
    replay('notes-19-saved-output-inplace', (print, error) => {
      const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const y = x.mul(1);
      y.exp_();
      print(y);
      y.sum().backward();
      print(x.grad);
      const z = x.mul(1);
      z.exp_();
      z.add_(1);
      print(z.version);
      error(() => z.sum().backward());
      const w = x.mul(1);
      const v = w.index(0);
      v.exp_();
      v.add_(1);
      error(() => w.sum().backward());
    });
  });
});

describe('retainGrad, hooks, detach, the graph', () => {
  it('notes-8 retainGrad keeps the gradient of a non-leaf', () => {
    replay('notes-8-retain-grad', (print, error) => {
      const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const y = x.mul(3);
      y.retainGrad();
      print(y.retainsGrad, x.retainsGrad);
      const z = y.mul(y).sum();
      z.backward();
      print(y.grad);
      print(x.grad);
      error(() => torch.ones(2).retainGrad());
    });
  });

  it('notes-18 retainGrad follows an in-place op on the tensor itself', () => {
    replay('notes-18-retain-grad-inplace', (print) => {
      const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const y = x.mul(3);
      y.retainGrad();
      y.mul_(2);
      y.sum().backward();
      print(y.grad, y.retainsGrad);
      print(x.grad);
    });
  });

  it('notes-9 a hook may replace the gradient; remove() takes it off', () => {
    replay('notes-9-hooks', (print, error) => {
      const v = torch.tensor([0.0, 0.0, 0.0], { requiresGrad: true });
      const h = v.registerHook((grad) => grad.mul(2));
      v.backward(torch.tensor([1.0, 2.0, 3.0]));
      print(v.grad);
      h.remove();
      v.backward(torch.tensor([1.0, 2.0, 3.0]));
      print(v.grad);
      const seen: torch.Tensor[] = [];
      const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const y = x.mul(x);
      y.registerHook((g) => void seen.push(g.clone()));
      y.sum().backward();
      print(seen[0]);
      print(x.grad);
      error(() => torch.ones(2).registerHook((g) => g));
    });
  });

  it('notes-10 detach shares storage and the version counter, and drops history', () => {
    replay('notes-10-detach', (print, error) => {
      const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const y = x.exp();
      const d = y.detach();
      print(d, d.requiresGrad, d.isLeaf, d.gradFn);
      d.zero_();
      print(y);
      print(y.version);
      error(() => y.sum().backward());
    });
  });

  it('notes-11 gradFn.nextFunctions walks back to AccumulateGrad', () => {
    replay('notes-11-grad-fn-graph', (print) => {
      const x = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const y = torch.tensor([3.0, 4.0]);
      const z = x.mul(y).sum();
      print(z.gradFn);
      const mul = z.gradFn!.nextFunctions[0][0]!;
      print(mul);
      print(mul.nextFunctions[0][0], mul.nextFunctions[0][1]);
      print(mul.nextFunctions[1][0]);
      print(x.gradFn, z.isLeaf);
    });
  });

  it('notes-12 graph buffers are freed after backward unless retainGraph', () => {
    replay('notes-12-second-backward', (print, error) => {
      const x = torch.tensor([1.5], { requiresGrad: true });
      const y = x.mul(x).sum();
      y.backward(null, { retainGraph: true });
      print(x.grad);
      y.backward();
      print(x.grad);
      error(() => y.backward());
    });
  });

  it('notes-13 autograd.grad with createGraph gives a differentiable gradient', () => {
    replay('notes-13-autograd-grad', (print, error) => {
      const x = torch.tensor(3.0, { requiresGrad: true });
      const y = x.pow(3);
      const [dy] = torch.autograd.grad(y, x, { createGraph: true });
      print(dy);
      print(dy!.requiresGrad);
      const [d2y] = torch.autograd.grad(dy!, x);
      print(d2y);
      print(x.grad);
      const w = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const u = torch.tensor([5.0], { requiresGrad: true });
      error(() => torch.autograd.grad(w.mul(2).sum(), [w, u]));
      const g = torch.autograd.grad(w.mul(2).sum(), [w, u], { allowUnused: true });
      print(g[0], g[1]);
    });
  });

  it('notes-14 setting .data keeps requiresGrad and history', () => {
    replay('notes-14-data-setter', (print) => {
      const w = torch.tensor([1.0, 2.0], { requiresGrad: true });
      w.data = torch.tensor([5.0, 6.0, 7.0], { dtype: 'float32' });
      print(w);
      print(new Size(w.shape), w.isLeaf);
      w.mul(2).sum().backward();
      print(w.grad);
    });
  });
});

describe('in-place ops through views (CopySlices)', () => {
  it('notes-15 rebases the base history and regenerates the views', () => {
    replay('notes-15-copy-slices', (print) => {
      const a = torch.tensor(
        [
          [1.0, 2.0],
          [3.0, 4.0],
        ],
        { requiresGrad: true },
      );
      const x = a.clone();
      const v0 = x.index(0);
      const v1 = x.index(1);
      const vall = x.slice(0); // x[:]
      print(v0.gradFn, v1.gradFn, vall.gradFn);
      v0.mul_(2);
      print(x.gradFn, v0.gradFn, v1.gradFn, vall.gradFn);
      print(x);
      print(v0);
      print(x.gradFn!.nextFunctions[0][0], x.gradFn!.nextFunctions[1][0]);
      print(v0.gradFn!.nextFunctions[0][0]);
      vall
        .mul(
          torch.tensor(
            [
              [1.0, 10.0],
              [100.0, 1000.0],
            ],
            f32,
          ),
        )
        .sum()
        .backward();
      print(a.grad);
    });
  });

  it('notes-16 copy_ and in-place ops into slices carry gradients to their sources', () => {
    replay('notes-16-copy-into-view', (print) => {
      const b = torch.zeros(2, 2);
      const src = torch.tensor([1.0, 2.0], { requiresGrad: true });
      b.index(0).copy_(src);
      print(b);
      print(b.requiresGrad, b.isLeaf);
      b.mul(3).sum().backward();
      print(src.grad);
      const a = torch.arange(6.0, { dtype: 'float32' }).requiresGrad_();
      const x = a.mul(1);
      const v = x.view(2, 3).index(':', 1);
      v.mul_(10);
      print(x);
      x.sum().backward();
      print(a.grad);
      const base = torch.zeros(3);
      const w = torch.tensor([2.0], { requiresGrad: true });
      base.slice(0, 1, 2).mul_(w);
      print(base.gradFn, base.requiresGrad);
      print(base.gradFn!.nextFunctions[0][0], base.gradFn!.nextFunctions[1][0]);
      base.slice(0, 1, 2).add_(w);
      print(base);
      base.sum().backward();
      print(w.grad);
    });
  });

  it('notes-17 regenerated view history, double backward, and the forbidden cases', () => {
    replay('notes-17-view-inplace-rules', (print, error) => {
      const a = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const x = a.mul(1);
      const w = x.index(0);
      torch.noGrad(() => x.add_(1));
      print(w.gradFn, x.gradFn);
      print(w);
      const y = a.mul(1);
      error(() => y.unbind(0)[0].mul_(2));
      error(() => y.split(1)[1].mul_(2));
      const u = torch.noGrad(() => y.index(0));
      error(() => u.mul_(2));
      const a2 = torch.tensor([1.0, 2.0], { requiresGrad: true });
      const x2 = a2.clone();
      x2.index(0).mul_(a2.index(1));
      const [g] = torch.autograd.grad(x2.pow(2).sum(), a2, { createGraph: true });
      print(g);
      g!.sum().backward();
      print(a2.grad);
    });
  });
});

describe('views whose base changed, and leaves detached after the graph was built (PyTorch 1.13 values)', () => {
  it('an expanded view of a leaf changed under noGrad sums its gradient over the repeats', () => {
    const leaf = torch.ones([2, 3], { dtype: 'float64', requiresGrad: true });
    const e = leaf.expand([2, 2, 3]);
    torch.noGrad(() => leaf.add_(-0.5));
    expect(e.gradFn?.name()).toBe('AsStridedBackward0');
    e.sum().backward();
    expect(Array.from((leaf.grad as torch.Tensor).toArray())).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('a leaf detached in place after the graph was built takes no gradient', () => {
    const x = torch.tensor([1.5, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    x.detach_();
    y.backward();
    expect(x.grad).toBeNull();
  });
});
