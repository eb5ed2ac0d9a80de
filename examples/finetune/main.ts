/**
 * Finetune a pretrained ResNet-18 on classes it never saw, as in PyTorch's autograd notes: freeze every
 * parameter, replace model.fc, optimize only the new head.
 *
 *   npx -y pnpm@9.15.9 example:finetune                         # pretrains on classes 0-4 once (runs/), then finetunes
 *   npx -y pnpm@9.15.9 example:finetune --checkpoint resnet18.safetensors
 *
 * Options: --checkpoint PATH, --out DIR (runs), --full, --data DIR, --epochs N (3), --pretrain-epochs N (1),
 * --batch-size N (32), --lr X (0.01), --seed N (0), --limit N (1000 images per split; 0: all).
 *
 * Any ResNet-18 state dict loads (its fc is replaced), torchvision's ImageNet weights included (the .pth as
 * PyTorch saved it, read by torch.load directly); the images here stay 28x28 Fashion-MNIST normalisation, so ImageNet
 * features transfer less well than they would on ImageNet-sized, ImageNet-normalised inputs.
 */
import { numberFlag, parseFlags, runMain, stringFlag } from '../shared/cli.js';
import { runFinetune } from './finetune.js';

await runMain(() => {
  const flags = parseFlags(process.argv.slice(2), [
    'batch-size',
    'checkpoint',
    'data',
    'epochs',
    'full',
    'limit',
    'lr',
    'out',
    'pretrain-epochs',
    'seed',
  ]);
  if (flags.help) {
    console.log(
      'usage: example:finetune [--checkpoint PATH] [--out DIR] [--full | --data DIR] [--epochs N] [--pretrain-epochs N] [--batch-size N] [--lr X] [--seed N] [--limit N]',
    );
    return;
  }
  const r = runFinetune({
    checkpoint: stringFlag(flags, 'checkpoint'),
    out: stringFlag(flags, 'out') ?? 'runs',
    dataDir: stringFlag(flags, 'data'),
    full: flags.full === true,
    epochs: numberFlag(flags, 'epochs', 3),
    pretrainEpochs: numberFlag(flags, 'pretrain-epochs', 1),
    batchSize: numberFlag(flags, 'batch-size', 32),
    lr: numberFlag(flags, 'lr', 0.01),
    seed: numberFlag(flags, 'seed', 0),
    limit: numberFlag(flags, 'limit', 1000),
  });
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const same = r.frozenChecksumBefore === r.frozenChecksumAfter && r.frozenChanged.length === 0;
  console.log('\nsummary');
  console.log(
    `  frozen parameters + BN buffers (${r.frozenTensors} tensors, ${r.frozenValues.toLocaleString('en-US')} values)`,
  );
  console.log(`    sha256 before ${r.frozenChecksumBefore}`);
  console.log(`    sha256 after  ${r.frozenChecksumAfter}`);
  console.log(`    ${same ? 'bit-identical' : `CHANGED: ${r.frozenChanged.join(', ')}`}`);
  console.log(
    `  gradients: ${r.backwards} backward passes; frozen parameters with a gradient after any of them: ${r.backwardsWithFrozenGrad}; ` +
      `passes where fc lacked a gradient: ${r.backwardsWithoutHeadGrad}`,
  );
  console.log(
    `  the backbone's output ${r.backboneRecordedGraph ? 'recorded a graph' : 'never required grad: no graph was recorded through the frozen layers'}`,
  );
  console.log(
    `  fc.weight moved by up to ${r.headChange.toExponential(3)}; batch loss ${r.firstBatchLoss.toFixed(4)} -> ${r.lastBatchLoss.toFixed(4)}`,
  );
  console.log(
    `  held-out accuracy on classes 5-9 (${r.testImages} images): ${pct(r.accuracyBefore)} before, ${pct(r.accuracyAfter)} after`,
  );
  const s = r.seconds;
  console.log(
    `  time: pretrain ${s.pretrain.toFixed(1)} s, load ${s.load.toFixed(1)} s, finetune ${s.train.toFixed(1)} s (${r.backwards} steps on ${r.trainImages} images), ` +
      `evaluation ${s.evaluate.toFixed(1)} s, total ${s.total.toFixed(1)} s`,
  );
  console.log(`  checkpoint ${r.checkpoint} (${r.checkpointSource}); finetuned model saved to ${r.finetuned}`);
  if (!same || r.backwardsWithFrozenGrad > 0 || r.backwardsWithoutHeadGrad > 0) process.exitCode = 1;
});
