// Runs the built @kindling/core (dist/, as published) once: the lowered `using` blocks and the bundle work in Node.
import { existsSync } from 'node:fs';
import * as torch from '../packages/core/dist/index.js';

const x = torch.ones([2, 2], { requiresGrad: true });
const out = x.add(2).pow(2).mul(3).mean();
out.backward();
const expected = 'tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])';
if (x.grad.toString() !== expected) {
  console.error(`dist smoke test failed:\n${x.grad}`);
  process.exit(1);
}
{
  const guard = torch.noGrad();
  const y = x.mul(2);
  guard[Symbol.dispose]();
  if (y.requiresGrad || !torch.isGradEnabled()) {
    console.error('dist smoke test failed: noGrad block did not turn recording off');
    process.exit(1);
  }
}
// The bundle finds the native addon from its own location, as an installed package does.
const addonBuilt = existsSync(new URL('../packages/native/build/kindling.node', import.meta.url));
const backend = torch.getKernelBackend().name;
if (addonBuilt && process.env.KINDLING_BACKEND === undefined && backend !== 'native') {
  console.error(`dist smoke test failed: the native addon is built but the bundle chose the ${backend} kernels`);
  process.exit(1);
}
console.log(
  `dist smoke test passed: @kindling/core built output computes gradients (kernel backend: ${backend}, ${torch.getNumThreads()} threads)`,
);
