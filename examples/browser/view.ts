/** Drawing for the page: the loss/accuracy chart and the grid of test predictions. */
import type * as torch from '@kindling/core';
import { CLASSES, MEAN, STD } from '../shared/fashion-classes.js';

export interface History {
  /** Training loss per step. */
  losses: number[];
  /** [step, test accuracy] after each evaluation. */
  accuracies: [number, number][];
}

/** What the page exposes on `window.kindlingDemo` for scripts and the browser test. */
export interface DemoState extends History {
  ready: boolean;
  running: boolean;
  backend: string;
  threads: number;
  crossOriginIsolated: boolean;
  step: number;
  epoch: number;
  imagesPerSecond: number;
  notes: string[];
  error: string | null;
}

/** Loss per step (smoothed, left axis) and test accuracy (right axis, 0–100%). */
export function drawChart(canvas: HTMLCanvasElement, history: History): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width: W, height: H } = canvas;
  const pad = { left: 44, right: 64, top: 12, bottom: 24 };
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = '#dde1ea';
  ctx.strokeRect(pad.left, pad.top, W - pad.left - pad.right, H - pad.top - pad.bottom);
  const steps = Math.max(history.losses.length, 1);
  const maxLoss = Math.max(2.5, ...history.losses.slice(0, 5));
  const x = (s: number): number => pad.left + (s / steps) * (W - pad.left - pad.right);
  const yLoss = (l: number): number => pad.top + (1 - Math.min(l, maxLoss) / maxLoss) * (H - pad.top - pad.bottom);
  const yAcc = (a: number): number => pad.top + (1 - a) * (H - pad.top - pad.bottom);
  ctx.fillStyle = '#5b6478';
  ctx.font = '11px system-ui';
  ctx.fillText('loss', 8, pad.top + 10);
  ctx.fillText(maxLoss.toFixed(1), 8, pad.top + 24);
  ctx.fillText('0', 8, H - pad.bottom);
  ctx.fillText('accuracy', W - pad.right + 4, pad.top + 10);
  ctx.fillText('100%', W - pad.right + 4, pad.top + 24);
  ctx.fillText(`step ${history.losses.length}`, W / 2 - 20, H - 6);
  // An exponential moving average, as training dashboards smooth a noisy batch loss.
  ctx.strokeStyle = '#3367d6';
  ctx.lineWidth = 2;
  ctx.beginPath();
  let avg = history.losses[0] ?? 0;
  history.losses.forEach((l, s) => {
    avg = s === 0 ? l : 0.9 * avg + 0.1 * l;
    if (s === 0) ctx.moveTo(x(s), yLoss(avg));
    else ctx.lineTo(x(s), yLoss(avg));
  });
  ctx.stroke();
  ctx.strokeStyle = '#2e7d32';
  ctx.beginPath();
  history.accuracies.forEach(([s, a], i) => (i === 0 ? ctx.moveTo(x(s), yAcc(a)) : ctx.lineTo(x(s), yAcc(a))));
  ctx.stroke();
  for (const [s, a] of history.accuracies) {
    ctx.fillStyle = '#2e7d32';
    ctx.fillRect(x(s) - 2, yAcc(a) - 2, 4, 4);
  }
}

/** Test images (normalised [n, 1, 28, 28]) with their predicted class, framed green when right and red when wrong. */
export function drawPredictions(grid: HTMLElement, images: torch.Tensor, labels: number[], predicted: number[]): void {
  grid.replaceChildren();
  const pixels = images.toArray() as Float32Array;
  labels.forEach((label, i) => {
    const figure = document.createElement('figure');
    figure.className = predicted[i] === label ? 'right' : 'wrong';
    const canvas = document.createElement('canvas');
    canvas.width = 28;
    canvas.height = 28;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const img = ctx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = Math.max(0, Math.min(255, Math.round((pixels[i * 784 + p] * STD + MEAN) * 255)));
      img.data.set([v, v, v, 255], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    const caption = document.createElement('figcaption');
    caption.textContent = CLASSES[predicted[i]];
    figure.append(canvas, caption);
    grid.append(figure);
  });
}
