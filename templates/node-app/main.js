// A project of your own that uses Kindling: a small classifier trained for 50 steps.
//   npm install /path/to/kindling/dist-packages/*.tgz
//   npm start
import * as torch from '@kindling/core';
import { nn } from '@kindling/nn';
import { SGD } from '@kindling/optim';

torch.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 2));
const optimizer = new SGD(model.parameters(), 0.1, 0.9);
const x = torch.randn(64, 4);
const y = x.sum(1).gt(0).long();

let first = null;
let last = null;
for (let step = 0; step < 50; step++) {
  optimizer.zeroGrad();
  const loss = nn.functional.crossEntropy(model.forward(x), y);
  loss.backward();
  optimizer.step();
  first ??= loss.item();
  last = loss.item();
}
const accuracy = torch.noGrad(() => model.forward(x).argmax(1).eq(y).float().mean().item());
console.log(
  `loss ${first.toFixed(4)} -> ${last.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%, kernels: ${torch.getKernelBackend().name}`,
);
