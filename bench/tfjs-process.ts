/**
 * TensorFlow.js's WASM backend (4.22, SIMD; XNNPACK) on bench/wasm.ts's workloads, in a process of its own (a child
 * of the benchmark, answering over Node's IPC channel), as PyTorch runs in a process of its own for `pnpm bench`.
 * Loaded into Kindling's process, tfjs-core's objects made V8 start a full collection after nearly every ResNet-18
 * forward of Kindling's (13 in 13 forwards of a program holding two ResNet-18s, against 5 in 20 without tfjs-core),
 * which made Kindling's two-thread forward 15–20% slower (native: a median of 23.7 against 18.7 ms).
 *
 * A workload is set up once; then `calibrate` warms it up and finds how many iterations a sample needs, and
 * `sample` times that many here, so that no messaging is timed.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WARM_UP_MS, iterationsFor, sampleMs, warmUp } from './harness.js';
import type { TfjsReply, TfjsRequest } from './tfjs-remote.js';

function tfjsGemm(n: number): () => void {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  return () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
}

/**
 * W2 in tfjs: the same layer sizes and PyTorch's default init scale, cross entropy, momentum SGD. The backward
 * pass is written out (tfjs-core's tape needs its gradient registry, which only the full tfjs bundle loads): the
 * same kernels its autograd would run, without its bookkeeping.
 */
function tfjsMlpStep(): () => void {
  const sizes = [784, 512, 256, 10];
  const W: tf.Variable[] = [];
  const b: tf.Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]);
    W.push(tf.variable(tf.randomUniform([sizes[i], sizes[i + 1]], -bound, bound)));
    b.push(tf.variable(tf.randomUniform([sizes[i + 1]], -bound, bound)));
  }
  const params = [...W, ...b];
  const velocity = params.map((p) => tf.variable(tf.zerosLike(p)));
  const x = tf.randomNormal([128, 784]);
  const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32'), 10);
  return () => {
    tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x, W[0]), b[0]));
      const h2 = tf.relu(tf.add(tf.matMul(h1, W[1]), b[1]));
      const z = tf.add(tf.matMul(h2, W[2]), b[2]);
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1)));
      const dz = tf.div(tf.sub(tf.softmax(z), y), 128);
      const dh2 = tf.mul(tf.matMul(dz, W[2], false, true), tf.step(h2));
      const dh1 = tf.mul(tf.matMul(dh2, W[1], false, true), tf.step(h1));
      const grads = [
        tf.matMul(x, dh1, true),
        tf.matMul(h1, dh2, true),
        tf.matMul(h2, dz, true),
        tf.sum(dh1, 0),
        tf.sum(dh2, 0),
        tf.sum(dz, 0),
      ];
      params.forEach((p, i) => {
        velocity[i].assign(tf.add(tf.mul(velocity[i], 0.9), grads[i]));
        p.assign(tf.sub(p, tf.mul(velocity[i], 0.01)));
      });
      loss.dataSync();
    });
  };
}

/** W4's eval forward in tfjs: ResNet-18 (NHWC, 'same' padding: the shapes and FLOPs of torchvision's), 1×224×224×3. */
function tfjsResnet18Forward(): () => void {
  const conv = (cin: number, cout: number, k: number) =>
    tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cin)));
  const bn = (c: number) => ({
    mean: tf.zeros([c]),
    variance: tf.ones([c]),
    scale: tf.ones([c]),
    offset: tf.zeros([c]),
  });
  const applyBn = (x: tf.Tensor4D, b: ReturnType<typeof bn>) =>
    tf.batchNorm(x, b.mean, b.variance, b.offset, b.scale, 1e-5);
  const blocks: {
    c1: tf.Tensor4D;
    b1: ReturnType<typeof bn>;
    c2: tf.Tensor4D;
    b2: ReturnType<typeof bn>;
    stride: number;
    down: { c: tf.Tensor4D; b: ReturnType<typeof bn> } | null;
  }[] = [];
  let cin = 64;
  for (const [cout, stride] of [
    [64, 1],
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
  ]) {
    const down = stride !== 1 || cin !== cout ? { c: conv(cin, cout, 1) as tf.Tensor4D, b: bn(cout) } : null;
    blocks.push({
      c1: conv(cin, cout, 3) as tf.Tensor4D,
      b1: bn(cout),
      c2: conv(cout, cout, 3) as tf.Tensor4D,
      b2: bn(cout),
      stride,
      down,
    });
    cin = cout;
  }
  const stem = conv(3, 64, 7) as tf.Tensor4D;
  const stemBn = bn(64);
  const fc = tf.randomNormal([512, 1000], 0, 0.02);
  const x = tf.randomNormal([1, 224, 224, 3]) as tf.Tensor4D;
  return () => {
    tf.tidy(() => {
      let h = tf.maxPool(tf.relu(applyBn(tf.conv2d(x, stem, 2, 'same'), stemBn)) as tf.Tensor4D, 3, 2, 'same');
      for (const b of blocks) {
        const y = tf.relu(applyBn(tf.conv2d(h, b.c1, b.stride, 'same'), b.b1)) as tf.Tensor4D;
        const z = applyBn(tf.conv2d(y, b.c2, 1, 'same'), b.b2);
        const skip = b.down ? applyBn(tf.conv2d(h, b.down.c, b.stride, 'same'), b.down.b) : h;
        h = tf.relu(tf.add(z, skip)) as tf.Tensor4D;
      }
      tf.matMul(tf.mean(h, [1, 2]), fc).dataSync();
    });
  };
}

const workloads: (() => void)[] = [];

function answer(request: TfjsRequest): TfjsReply {
  switch (request.op) {
    case 'setup': {
      const { workload } = request;
      workloads.push(
        workload.kind === 'gemm'
          ? tfjsGemm(workload.n)
          : workload.kind === 'mlp'
            ? tfjsMlpStep()
            : tfjsResnet18Forward(),
      );
      return { id: workloads.length - 1 };
    }
    case 'calibrate':
      warmUp(workloads[request.id], WARM_UP_MS);
      return { iterations: iterationsFor(workloads[request.id], request.minMs) };
    case 'sample':
      return { ms: sampleMs(workloads[request.id], request.iterations) };
  }
}

const tfjsDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
setWasmPaths(`${join(tfjsDir, 'dist')}/`);
let startFailure: TfjsReply | null = null;
try {
  await tf.setBackend('wasm');
  await tf.ready();
} catch (e) {
  startFailure = { error: `tfjs-wasm did not start: ${(e as Error).message}` };
}
process.on('message', (request: TfjsRequest) => {
  let reply: TfjsReply;
  try {
    reply = startFailure ?? answer(request);
  } catch (e) {
    reply = { error: (e as Error).stack ?? String(e) };
  }
  process.send?.(reply);
});
// The benchmark disconnecting is the end.
process.on('disconnect', () => process.exit(0));
