/**
 * The browser page in a real browser: Chromium (Debian's, headless, driven by playwright-core) loads
 * examples/browser from a local server with the cross-origin isolation headers, trains a few dozen steps on the
 * WebAssembly kernels with threads, and the test checks that the loss fell, test accuracy rose, threads were
 * used, and that a screenshot of the page is not blank. Without isolation the page says it runs one thread; with
 * the data missing it says so instead of hanging.
 *
 * Needs /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Where it is missing the suite is
 * skipped with a note, unless KINDLING_REQUIRE_BROWSER=1 (as in CI) makes that a failure.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromium } from 'playwright-core';
import { buildPage, servePage } from '../browser/serve.js';
import { runEvaluate } from '../evaluate/evaluate.js';
import type { Image } from '@kindling/data';
import { decodeImage, toRGB } from '@kindling/data/node';
import type { DemoState } from '../browser/view.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.KINDLING_REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`note: ${CHROMIUM} not found; the browser tests are skipped (apt-get install chromium)`);

const STEPS = 40;
const out = fileURLToPath(new URL('../../runs/browser/', import.meta.url));

describe.runIf(available || required)('the browser page (examples/browser) in Chromium', () => {
  let browser: Browser;
  const servers: Server[] = [];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required here (KINDLING_REQUIRE_BROWSER=1)`).toBe(true);
    await buildPage();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
  });

  async function open(query: string, isolated = true, checkpoint?: string): Promise<{ state: DemoState; png: Buffer }> {
    const { server, url } = await servePage({ isolated });
    servers.push(server);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}${query}`);
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { kindlingDemo?: DemoState }).kindlingDemo;
        return s !== undefined && (s.error !== null || (s.ready && !s.running && s.accuracies.length > 1));
      },
      undefined,
      { timeout: 150_000, polling: 250 },
    );
    const state = await page.evaluate(() => (globalThis as unknown as { kindlingDemo: DemoState }).kindlingDemo);
    const png = await page.screenshot({ fullPage: true });
    if (checkpoint !== undefined) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      await download.saveAs(checkpoint);
    }
    await page.close();
    expect(errors).toEqual([]);
    return { state, png };
  }

  it(`trains ${STEPS} steps on the WebAssembly kernels with threads: the loss falls and test accuracy rises`, async () => {
    mkdirSync(out, { recursive: true });
    const checkpoint = join(out, 'fashion-cnn-browser.safetensors');
    const { state, png } = await open(`?autostart=1&steps=${STEPS}`, true, checkpoint);
    expect(state.error).toBeNull();
    expect(state.crossOriginIsolated).toBe(true);
    expect(state.backend).toBe('wasm');
    expect(state.threads).toBeGreaterThan(1);
    expect(state.step).toBe(STEPS);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(state.losses.slice(-10))).toBeLessThan(mean(state.losses.slice(0, 5)) * 0.8);
    const [first, last] = [state.accuracies[0][1], state.accuracies.at(-1)?.[1] ?? 0];
    expect(last).toBeGreaterThan(first + 0.2);
    expect(state.imagesPerSecond).toBeGreaterThan(0);
    writeFileSync(join(out, 'training.png'), png);
    // The chart, the numbers and the prediction grid: far more than a blank page's one or two colours.
    expect(colourCount(toRGB(decodeImage(png)))).toBeGreaterThan(20);
    // The downloaded checkpoint is the evaluate example's input in Node: the same accuracy on the same images.
    const evaluated = runEvaluate({ checkpoint, batchSize: 500, memoryBatches: 0, memoryBatchSize: 0, log: () => {} });
    expect(evaluated.total).toBe(1000);
    expect(Math.abs(evaluated.accuracy - last)).toBeLessThanOrEqual(0.003);
    console.log(
      `browser: ${state.step} steps, loss ${state.losses[0].toFixed(3)} -> ${state.losses.at(-1)?.toFixed(3)}, accuracy ${(first * 100).toFixed(1)}% -> ${(last * 100).toFixed(1)}%, ${state.imagesPerSecond.toFixed(0)} images/s on ${state.threads} threads`,
    );
  }, 200_000);

  it('without cross-origin isolation, says it runs one thread, and still trains', async () => {
    const { state } = await open('?autostart=1&steps=3', false);
    expect(state.crossOriginIsolated).toBe(false);
    expect(state.threads).toBe(1);
    expect(state.notes.join('\n')).toMatch(/not cross-origin isolated/);
    expect(state.step).toBe(3);
  }, 200_000);

  it('with the kernels or the data missing, says what happened and what still works', async () => {
    const noKernels = (await open('?autostart=1&steps=2&wasm=missing/')).state;
    expect(noKernels.backend).toBe('typescript');
    expect(noKernels.notes.join('\n')).toMatch(/WebAssembly kernels could not start .*TypeScript kernels/);
    expect(noKernels.step).toBe(2);
    const noData = (await open('?autostart=1&data=missing/')).state;
    expect(noData.error).toMatch(/Fashion-MNIST sample could not be loaded/);
    expect(noData.notes.join('\n')).toMatch(/nothing to train on; the kernels above still work/);
  }, 200_000);
});

/** Distinct colours at 4 bits per channel: a blank or one-colour screenshot has very few. */
function colourCount(img: Image): number {
  const seen = new Set<number>();
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) seen.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
  return seen.size;
}
