/**
 * pytorch/examples' mnist/main.py, ported line by line (reference.py beside this file is the Python, with the same
 * two changes: train-classifier's Fashion-MNIST data, and each epoch's time printed). The two print the same lines.
 *
 *   npx -y pnpm@9.15.9 example:mnist --epochs 1            # the committed Fashion-MNIST sample
 *   npx -y pnpm@9.15.9 example:mnist --full --epochs 1     # all 60,000 + 10,000 images
 *
 * Options as mnist/main.py: --batch-size N (64), --test-batch-size N (1000), --epochs N (14), --lr X (1.0),
 * --gamma X (0.7), --dry-run, --seed N (1), --log-interval N (10), --save-model; and --data DIR, --full.
 */
import * as torch from '@kindling/core';
import type { Tensor } from '@kindling/core';
import { F, Module, nn } from '@kindling/nn';
import { Adadelta, lrScheduler, type Optimizer } from '@kindling/optim';
import { DataLoader, transforms } from '@kindling/data';
import { FashionMNIST } from '@kindling/data/node';
import { numberFlag, parseFlags, runMain, stringFlag } from '../shared/cli.js';
import { fashionDataRoot } from '../shared/fashion-mnist.js';

const { formatFixed } = torch.compat;

class Net extends Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: Tensor): Tensor {
    x = this.conv1.forward(x);
    x = F.relu(x);
    x = this.conv2.forward(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1.forward(x);
    x = torch.flatten(x, 1);
    x = this.fc1.forward(x);
    x = F.relu(x);
    x = this.dropout2.forward(x);
    x = this.fc2.forward(x);
    const output = F.logSoftmax(x, 1);
    return output;
  }
}

/** The loaders' type: batches of [images, labels] from a Fashion-MNIST dataset (so `loader.dataset.length` is known). */
type Loader = DataLoader<[Tensor, number], [Tensor, Tensor], FashionMNIST<Tensor, number>>;

interface Args {
  logInterval: number;
  dryRun: boolean;
}

function train(args: Args, model: Net, device: string, trainLoader: Loader, optimizer: Optimizer, epoch: number): void {
  model.train();
  let batchIdx = 0;
  for (let [data, target] of trainLoader) {
    [data, target] = [data.to(device), target.to(device)];
    optimizer.zeroGrad();
    const output = model.forward(data);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    if (batchIdx % args.logInterval === 0) {
      console.log(
        `Train Epoch: ${epoch} [${batchIdx * data.size(0)}/${trainLoader.dataset.length} ` +
          `(${formatFixed((100 * batchIdx) / trainLoader.length, 0)}%)]\tLoss: ${formatFixed(loss.item(), 6)}`,
      );
      if (args.dryRun) break;
    }
    batchIdx++;
  }
}

function test(model: Net, device: string, testLoader: Loader): void {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  torch.noGrad(() => {
    for (let [data, target] of testLoader) {
      [data, target] = [data.to(device), target.to(device)];
      const output = model.forward(data);
      testLoss += F.nllLoss(output, target, { reduction: 'sum' }).item(); // sum up batch loss
      const pred = output.argmax(1, true); // get the index of the max log-probability
      correct += pred.eq(target.viewAs(pred)).sum().item();
    }
  });

  testLoss /= testLoader.dataset.length;

  const n = testLoader.dataset.length;
  console.log(
    `\nTest set: Average loss: ${formatFixed(testLoss, 4)}, Accuracy: ${correct}/${n} (${formatFixed((100 * correct) / n, 0)}%)\n`,
  );
}

await runMain(() => {
  // Training settings
  const flags = parseFlags(process.argv.slice(2), [
    'batch-size',
    'test-batch-size',
    'epochs',
    'lr',
    'gamma',
    'no-cuda',
    'dry-run',
    'seed',
    'log-interval',
    'save-model',
    'data',
    'full',
  ]);
  const args = {
    batchSize: numberFlag(flags, 'batch-size', 64),
    testBatchSize: numberFlag(flags, 'test-batch-size', 1000),
    epochs: numberFlag(flags, 'epochs', 14),
    lr: numberFlag(flags, 'lr', 1.0),
    gamma: numberFlag(flags, 'gamma', 0.7),
    noCuda: flags['no-cuda'] === true,
    dryRun: flags['dry-run'] === true,
    seed: numberFlag(flags, 'seed', 1),
    logInterval: numberFlag(flags, 'log-interval', 10),
    saveModel: flags['save-model'] === true,
  };
  const useCuda = !args.noCuda && torch.cuda.isAvailable();

  torch.manualSeed(args.seed);

  const device = torch.device(useCuda ? 'cuda' : 'cpu');

  const trainKwargs = { batchSize: args.batchSize };
  const testKwargs = { batchSize: args.testBatchSize };

  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);
  const root = fashionDataRoot({ dataDir: stringFlag(flags, 'data'), full: flags.full === true }).root;
  const dataset1 = new FashionMNIST<Tensor, number>({ root, train: true, transform });
  const dataset2 = new FashionMNIST<Tensor, number>({ root, train: false, transform });
  const trainLoader = new DataLoader(dataset1, trainKwargs);
  const testLoader = new DataLoader(dataset2, testKwargs);

  const model = new Net().to(device);
  const optimizer = new Adadelta(model.parameters(), { lr: args.lr });

  const scheduler = new lrScheduler.StepLR(optimizer, 1, args.gamma);
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const start = performance.now();
    train(args, model, device, trainLoader, optimizer, epoch);
    const seconds = (performance.now() - start) / 1000;
    test(model, device, testLoader);
    console.log(
      `epoch ${epoch}: ${formatFixed(seconds, 1)} s training (${formatFixed(dataset1.length / seconds, 0)} img/s)\n`,
    );
    scheduler.step();
  }

  if (args.saveModel) torch.save(model.stateDict(), 'mnist_cnn.safetensors');
});
