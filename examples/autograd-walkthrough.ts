/**
 * A walk through PyTorch's autograd, in Kindling. Each step mirrors the Python a PyTorch user knows; the
 * comments show that Python, and the printed output is what PyTorch prints.
 *
 *   npx -y pnpm@9.15.9 example
 */
import * as torch from '@kindling/core';

const show = (label: string, value: unknown): void => console.log(`${label.padEnd(28)} ${String(value)}`);

console.log('# 1. Tensors that require grad record their history');
// x = torch.ones(2, 2, requires_grad=True)
const x = torch.ones([2, 2], { requiresGrad: true });
show('x', x);
// y = x + 2; z = y * y * 3; out = z.mean()
const y = x.add(2);
const z = y.mul(y).mul(3);
const out = z.mean();
show('y', y);
show('y.grad_fn', y.gradFn?.name());
show('x.is_leaf, y.is_leaf', `${x.isLeaf} ${y.isLeaf}`);
show('out', out);

console.log('\n# 2. backward() fills .grad of the leaves, and gradients accumulate');
out.backward();
show('x.grad', x.grad);
x.sum().backward();
show('x.grad after x.sum()', x.grad);
x.grad!.zero_();
x.sum().backward();
show('after zero_() and again', x.grad);

console.log('\n# 3. A vector output needs the gradient of the result: z.backward(v)');
const a = torch.tensor([1.0, 2.0, 3.0, 4.0], { requiresGrad: true });
const b = a.mul(2).view(2, 2);
show('b', b);
b.backward(
  torch.tensor([
    [1.0, 0.1],
    [0.01, 0.001],
  ]),
);
show('a.grad', a.grad);

console.log('\n# 4. no_grad: nothing inside is recorded');
const w = torch.tensor([1.1], { requiresGrad: true });
const w2 = w.mul(2);
const c = torch.noGrad(() => w2.mul(2));
show('c', c);
show('c.requires_grad', c.requiresGrad);
{
  using _ = torch.noGrad();
  // An in-place op under no_grad keeps the tensor's history.
  w2.mul_(2);
}
show('w2 after mul_ in no_grad', w2);

console.log('\n# 5. detach() and .data share storage but not history');
const p = torch.ones([1], { requiresGrad: true });
const q = p.mul(2);
p.data.mul_(100);
q.backward();
show('p', p);
show('p.grad', p.grad);
show('q.detach()', q.detach());

console.log('\n# 6. Second derivatives: autograd.grad with createGraph');
const t = torch.tensor(3.0, { requiresGrad: true });
const [dt] = torch.autograd.grad(t.pow(3), t, { createGraph: true });
show('d/dt t^3 at 3', dt);
const [d2t] = torch.autograd.grad(dt!, t);
show('d2/dt2 t^3 at 3', d2t);

console.log('\n# 7. In-place changes to saved tensors are caught');
const m = torch.tensor([1.0, 2.0], { requiresGrad: true }).mul(1);
const m2 = m.mul(m);
m.add_(1);
try {
  m2.sum().backward();
} catch (e) {
  show('RuntimeError', (e as Error).message.split('. Hint')[0]);
}
