/**
 * The walk-throughs of the five seed articles, ported line by line from their (restored) Python, with the
 * output real PyTorch 1.13 prints as the expected strings (fixtures/seeds.json, tools/golden/seeds.py).
 * Random tensors are replaced by the fixed values the articles printed, in the Python and here alike.
 */
import { describe, expect, it, vi } from 'vitest';
import * as torch from '@kindling/core';
import { replay } from './helpers/walkthrough.js';

describe('seed 000: with torch.no_grad()', () => {
  it('000-1 records grad_fn on every result', () => {
    replay('000-1-track', (print) => {
      const a = torch.tensor([1.1], { requiresGrad: true });
      const b = a.mul(2);
      print(b);
      const c = b.mul(2);
      print(c);
      c.backward();
      print(a.grad);
    });
  });

  it('000-2 a result computed under noGrad has no history', () => {
    replay('000-2-no-grad', (print, error) => {
      const a = torch.tensor([1.1], { requiresGrad: true });
      const b = a.mul(2);
      print(b);
      const c = torch.noGrad(() => b.mul(2));
      print(c);
      print(c.requiresGrad);
      error(() => c.backward());
    });
  });

  it('000-3 continuing from a noGrad result cuts the path to a (block form)', () => {
    replay('000-3-cut', (print, error) => {
      const a = torch.tensor([1.1], { requiresGrad: true });
      const b = a.mul(2);
      print(b);
      let c: torch.Tensor;
      {
        using _ = torch.noGrad();
        c = b.mul(2);
      }
      print(c);
      print(c.requiresGrad);
      const d = c.mul(2);
      const e = d.mul(2);
      print(e);
      print(e.requiresGrad);
      error(() => e.backward());
      print(a.grad);
    });
  });

  it('000-4 a second path from a still carries a gradient', () => {
    replay('000-4-other-path', (print) => {
      const a = torch.tensor([1.1], { requiresGrad: true });
      const b = a.mul(2);
      print(b);
      const c = torch.noGrad(() => b.mul(2));
      print(c);
      print(c.requiresGrad);
      const d = c.mul(2);
      const e = d.mul(2);
      const f = a.mul(e);
      print(f);
      f.backward();
      print(a.grad);
    });
  });

  it('000-5 only floating point tensors can require grad', () => {
    replay('000-5-int-grad', (print, error) => {
      error(() => torch.tensor([1], { dtype: 'int64', requiresGrad: true }));
      print(torch.tensor([1.0], { requiresGrad: true }));
    });
  });

  it('000-6 an in-place op under noGrad keeps the history', () => {
    replay('000-6-inplace-under-no-grad', (print) => {
      const a = torch.tensor([1.1], { requiresGrad: true });
      const b = a.mul(2);
      torch.noGrad(() => b.mul_(2));
      print(b);
      print(b.requiresGrad);
      b.backward();
      print(a.grad);
    });
  });
});

describe('seed 001: autograd mechanics', () => {
  it('001-1 excludes subgraphs that do not require grad', () => {
    replay('001-1-exclude-subgraphs', (print) => {
      const x = torch.tensor([
        [0.5, -1.0, 2.0],
        [1.5, 0.0, -0.5],
        [3.0, 1.0, -2.0],
      ]); // torch.randn(3, 3)
      const y = torch.tensor([
        [1.0, 2.0, 3.0],
        [-1.0, -2.0, -3.0],
        [0.25, 0.5, 0.75],
      ]); // torch.randn(3, 3)
      const z = torch.tensor(
        [
          [0.1, 0.2, 0.3],
          [0.4, 0.5, 0.6],
          [0.7, 0.8, 0.9],
        ],
        { requiresGrad: true },
      );
      const a = x.add(y);
      print(a.requiresGrad);
      const b = z.add(a);
      print(b.requiresGrad);
      print(b.gradFn);
      print(a.isLeaf, b.isLeaf, z.isLeaf);
    });
  });

  it('001-1 with random tensors: the flags do not depend on the values', () => {
    const x = torch.randn(3, 3);
    const z = torch.randn([3, 3], { requiresGrad: true });
    expect(x.add(torch.randn(3, 3)).requiresGrad).toBe(false);
    expect(z.add(x).requiresGrad).toBe(true);
  });

  it('001-2 finetuning at tensor level: gradients reach only the new leaf', () => {
    replay('001-2-finetune', (print) => {
      const w1 = torch.tensor(
        [
          [1.0, -1.0],
          [0.5, 2.0],
          [0.0, 1.0],
        ],
        { requiresGrad: true },
      );
      const b1 = torch.tensor([0.1, -0.1], { requiresGrad: true });
      for (const param of [w1, b1]) param.requiresGrad = false;
      const fc = torch.tensor([[2.0], [-3.0]], { requiresGrad: true }); // the replaced last layer
      const inp = torch.tensor([[1.0, 2.0, 3.0]], { dtype: 'float32' }); // JS cannot tell 1.0 from 1
      const features = inp.mm(w1).add(b1);
      print(features.requiresGrad);
      const out = features.mm(fc);
      print(out);
      out.sum().backward();
      print(w1.grad);
      print(b1.grad);
      print(fc.grad);
    });
  });

  it('001-3 in-place correctness check on a saved output', () => {
    replay('001-3-version-check', (print, error) => {
      const x = torch.tensor([1.0, 2.0, 3.0], { requiresGrad: true });
      const y = x.exp();
      print(y.version);
      y.add_(1);
      print(y.version);
      print(y.gradFn);
      error(() => y.sum().backward());
    });
  });
});

describe('seed 002: the autograd process', () => {
  it('002-1 a leaf and the result of one op', () => {
    replay('002-1-graph', (print) => {
      const x = torch.tensor([1.0], { requiresGrad: true });
      print(x);
      const y = x.add(1);
      print(y);
    });
  });

  it('002-2 isLeaf', () => {
    replay('002-2-is-leaf', (print) => {
      const x = torch.tensor([1.0], { requiresGrad: true });
      const k = torch.tensor([2.0]);
      const y = k.mul(x);
      print(k.isLeaf);
      print(x.isLeaf);
      print(y.isLeaf);
    });
  });

  it('002-3 requiresGrad is false by default; results record gradFn', () => {
    replay('002-3-requires-grad', (print) => {
      const x = torch.tensor([1.0], { dtype: 'float32' });
      print(x);
      x.add_(1); // x += 1
      print(x);
      const y = torch.tensor([2.0], { requiresGrad: true });
      print(y);
      const z = y.add(1.0);
      print(z);
      print(y);
      print(y.gradFn);
    });
  });

  it('002-4 .grad is filled by backward, on leaves only (with a warning for non-leaves)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      replay('002-4-grad', (print) => {
        const y = torch.tensor([2.0], { requiresGrad: true });
        print(y);
        print(y.grad);
        const z = y.add(1.0);
        print(z);
        print(y);
        print(y.grad);
        print(z.grad);
        z.backward();
        print(y.grad);
        print(z.grad);
      });
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('The .grad attribute of a Tensor that is not a leaf Tensor is being accessed.'),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('002-5 noGrad: the subtraction is not recorded', () => {
    replay('002-5-no-grad', (print) => {
      const y = torch.tensor([1.0], { requiresGrad: true });
      print(y);
      let z = y.add(1.0);
      print(z);
      print(z.gradFn);
      {
        using _ = torch.noGrad();
        z = y.sub(2);
      }
      print(z);
      print(z.gradFn);
    });
  });

  it('002-6 assigning .data replaces the values and keeps the history', () => {
    replay('002-6-data', (print) => {
      const y = torch.tensor([1.0], { requiresGrad: true });
      print(y);
      const z = y.add(1.0);
      print(z);
      print(z.gradFn);
      z.data = y.data.sub(2);
      print(z);
      print(z.gradFn);
    });
  });
});

const Y003 = [
  [-0.281, -2.7142, 1.8053],
  [-0.6549, 1.073, -1.947],
  [0.5629, -0.0692, -0.7376],
];
const X003 = [
  [0.8037, 0.2443, 0.3994],
  [0.9879, 0.9484, 0.4035],
  [0.3057, 0.6682, 0.4186],
];

describe('seed 003: the graph, detach, noGrad', () => {
  it('003-1 gradients of sum(mm(x, y)) reach only y', () => {
    replay('003-1-graph', (print) => {
      const x = torch.arange(9, { dtype: 'float32' }).view(3, 3);
      print('x does not record its history:', x, x.requiresGrad);
      const y = torch.tensor(Y003, { requiresGrad: true }); // torch.randn(3, 3, requires_grad=True)
      print('y has requires_grad set:', y, y.requiresGrad);
      const z = torch.sum(torch.mm(x, y));
      z.backward();
      print('z:', z, z.requiresGrad);
      print('no gradient kept for x:', x.grad);
      print('gradient kept for y:', y.grad);
      print(y.isLeaf, z.isLeaf, z.gradFn, y.device);
    });
  });

  it('003-2 detach() takes a tensor out of the graph', () => {
    replay('003-2-detach', (print) => {
      const x = torch.tensor(X003, { requiresGrad: true }); // torch.rand(3, 3, requires_grad=True)
      const w = torch.ones([3, 3], { requiresGrad: true });
      print(x);
      print(w);
      const yy = torch.mm(w, x);
      print(yy.requiresGrad);
      const detachYy = yy.detach();
      const y = torch.sum(yy);
      y.backward();
      print('detached copy:', detachYy.grad, detachYy.requiresGrad, detachYy.isLeaf);
      print('gradient of x:', x.grad);
      print('gradient of w:', w.grad);
    });
  });

  it('003-3 inside noGrad results do not require grad', () => {
    replay('003-3-no-grad', (print) => {
      const x = torch.tensor(X003, { requiresGrad: true });
      const w = torch.ones([3, 3], { requiresGrad: true });
      let y = torch.sum(torch.mm(w, x));
      print('recording:', y.requiresGrad);
      torch.noGrad(() => {
        y = torch.sum(torch.mm(w, x));
        print('inside no_grad:', y.requiresGrad);
      });
    });
  });
});

describe('seed 004: automatic gradients', () => {
  it('004-1 gradFn, isLeaf and the forward pass', () => {
    replay('004-1-tensor', (print) => {
      const x = torch.ones(2, 2, { requiresGrad: true });
      print(x);
      print(x.gradFn);
      const y = x.add(2);
      print(y);
      print(y.gradFn);
      print(x.isLeaf, y.isLeaf);
      const z = y.mul(y).mul(3);
      const out = z.mean();
      print(z, out);
    });
  });

  it('004-2 requiresGrad_() switches the flag in place', () => {
    replay('004-2-requires-grad-', (print) => {
      let a = torch.tensor([
        [0.3, -1.2],
        [2.0, 0.5],
      ]); // torch.randn(2, 2)
      a = a.mul(3).div(a.sub(1));
      print(a.requiresGrad);
      a.requiresGrad_(true);
      print(a.requiresGrad);
      const b = a.mul(a).sum();
      print(b.gradFn);
    });
  });

  it('004-3 gradients accumulate; zero them between passes', () => {
    replay('004-3-accumulate', (print) => {
      const x = torch.ones(2, 2, { requiresGrad: true });
      const y = x.add(2);
      const z = y.mul(y).mul(3);
      const out = z.mean();
      out.backward();
      print(x.grad);
      const out2 = x.sum();
      out2.backward();
      print(x.grad);
      const out3 = x.sum();
      x.grad!.data.zero_();
      out3.backward();
      print(x.grad);
    });
  });

  it('004-4 backward of a non-scalar needs the gradient argument', () => {
    replay('004-4-vector', (print, error) => {
      const x = torch.tensor([1.0, 2.0, 3.0, 4.0], { requiresGrad: true });
      const y = torch.mul(2, x);
      const z = y.view(2, 2);
      print(z);
      error(() => z.backward());
      const v = torch.tensor(
        [
          [1.0, 0.1],
          [0.01, 0.001],
        ],
        { dtype: torch.float },
      );
      z.backward(v);
      print(x.grad);
    });
  });

  it('004-5 a noGrad branch contributes no gradient', () => {
    replay('004-5-interrupt', (print) => {
      const x = torch.tensor(1.0, { requiresGrad: true });
      const y1 = x.pow(2);
      const y2 = torch.noGrad(() => x.pow(2));
      const y3 = y1.add(y2);
      print(x.requiresGrad);
      print(y1.requiresGrad);
      print(y2.requiresGrad);
      print(y3.requiresGrad);
      y3.backward();
      print(x.grad);
    });
  });

  it('004-6 changes through .data are invisible to autograd', () => {
    replay('004-6-data', (print) => {
      const x = torch.ones(1, { requiresGrad: true });
      print(x.data);
      print(x.data.requiresGrad);
      const y = torch.mul(2, x);
      x.data.mul_(100); // x.data *= 100
      y.backward();
      print(x);
      print(x.grad);
    });
  });
});
