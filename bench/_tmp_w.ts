import { DataLoader } from '@kindling/data';
import { render } from './dataloader-dataset.js';
for (let i = 0; i < 300; i++) render(i, 8);
let t = performance.now(); for (let i = 0; i < 200; i++) render(i, 20); console.log('main get ms', (performance.now() - t) / 200);
const MODULE = new URL('./dataloader-dataset.ts', import.meta.url);
for (const nw of [1, 2]) {
  const dl = await DataLoader.fromModule(MODULE, { exportName: 'CostlyDataset', args: [1024, 20], batchSize: 32, numWorkers: nw, persistentWorkers: true });
  for (let e = 0; e < 4; e++) {
    const t0 = performance.now(); let k = 0;
    for await (const _ of dl) { k++; }
    console.log(nw, 'workers epoch', (performance.now() - t0).toFixed(0), 'ms', k);
  }
  await dl.close();
}
