/**
 * Evaluate the checkpoint that train-classifier saves: accuracy, per-class accuracy, a confusion matrix, and proof
 * that evaluation under noGrad keeps no graph.
 *
 *   npx -y pnpm@9.15.9 example              # first: trains and saves runs/fashion-cnn.safetensors
 *   npx -y pnpm@9.15.9 example:evaluate     # then: evaluates it on the test set
 *
 * Options: --checkpoint PATH (runs/fashion-cnn.safetensors), --full, --data DIR, --batch-size N (500),
 * --memory-batches N (8; 0 skips the comparison without noGrad), --memory-batch-size N (50).
 * Run with node's --expose-gc (the pnpm script does) for memory readings after a full GC.
 */
import { numberFlag, parseFlags, runMain, stringFlag } from '../shared/cli.js';
import { CLASSES } from '../shared/fashion-mnist.js';
import { formatConfusion, formatMemory, runEvaluate } from './evaluate.js';

await runMain(() => {
  const flags = parseFlags(process.argv.slice(2), [
    'batch-size',
    'checkpoint',
    'data',
    'full',
    'memory-batch-size',
    'memory-batches',
  ]);
  if (flags.help) {
    console.log(
      'usage: example:evaluate [--checkpoint PATH] [--full | --data DIR] [--batch-size N] [--memory-batches N] [--memory-batch-size N]',
    );
    return;
  }
  const r = runEvaluate({
    checkpoint: stringFlag(flags, 'checkpoint') ?? 'runs/fashion-cnn.safetensors',
    dataDir: stringFlag(flags, 'data'),
    full: flags.full === true,
    batchSize: numberFlag(flags, 'batch-size', 500),
    memoryBatches: numberFlag(flags, 'memory-batches', 8),
    memoryBatchSize: numberFlag(flags, 'memory-batch-size', 50),
  });
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(`\ntest accuracy ${pct(r.accuracy)} (${r.correct}/${r.total})\n`);
  const width = Math.max(...CLASSES.map((n) => n.length));
  for (const c of r.perClass)
    console.log(`  ${c.name.padEnd(width)}  ${pct(c.accuracy).padStart(7)}  (${c.correct}/${c.total})`);
  console.log(`\n${formatConfusion(r.confusion, CLASSES)}\n`);

  console.log(
    `no graph kept: ${r.outputs} outputs under noGrad; with a gradFn: ${r.outputsWithGradFn}; requiring grad: ${r.outputsRequiringGrad}`,
  );
  const mem = formatMemory(r.memory);
  const how = r.memory.afterGc ? 'after a full GC' : 'no GC exposed (run node with --expose-gc for exact readings)';
  console.log(`memory after each batch, heapUsed+arrayBuffers MB (${how}): ${mem.perBatch}`);
  console.log(
    `  heapUsed spread ${(mem.spread / 2 ** 20).toFixed(2)} MB; growth per batch ${(mem.growthPerBatch / 2 ** 20).toFixed(2)} MB`,
  );
  if (r.comparison) {
    const a = formatMemory(r.comparison.noGrad);
    const b = formatMemory(r.comparison.withGrad);
    const n = r.comparison.noGrad.heapUsed.length - 1;
    console.log(
      `\nthe same loop over ${n} batches, keeping every output, MB before and after each batch (heapUsed+arrayBuffers):`,
    );
    console.log(`  with noGrad:    ${a.perBatch}`);
    console.log(`  without noGrad: ${b.perBatch}`);
    console.log(
      `  growth per batch: ${(a.growthPerBatch / 2 ** 20).toFixed(2)} MB with noGrad, ${(b.growthPerBatch / 2 ** 20).toFixed(2)} MB without ` +
        '(each kept output holds its graph and the activations saved for backward)',
    );
  }
  console.log(`\n${r.seconds.toFixed(1)} s`);
  if (r.outputsWithGradFn > 0 || r.outputsRequiringGrad > 0) process.exitCode = 1;
});
