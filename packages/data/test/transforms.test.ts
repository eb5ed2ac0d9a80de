import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { type Image, transforms } from '@kindling/data';
import golden from './fixtures/data.json';

const { CenterCrop, Compose, Lambda, Normalize, RandomCrop, RandomHorizontalFlip, Resize, ToTensor } = transforms;

interface Spec {
  values: number[];
  shape: number[];
  dtype: torch.DType;
}
const fromSpec = (s: Spec): torch.Tensor => torch.tensor(s.values, { dtype: s.dtype }).reshape(s.shape);

const { assertClose } = torch.testing;

const image = (h: number, w: number, c: number, f: (y: number, x: number, ch: number) => number): Image => {
  const data = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) data[(y * w + x) * c + ch] = f(y, x, ch);
  return { data, height: h, width: w, channels: c };
};

describe('ToTensor', () => {
  it('matches torchvision on HWC uint8 data, value for value (float32 division by 255)', () => {
    const t = golden.toTensor;
    const out = new ToTensor().forward({ data: Uint8Array.from(t.hwc), shape: t.shape });
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual(t.out.shape);
    expect(Array.from(out.toArray())).toEqual(t.out.values);
    const all = new ToTensor().forward({ data: Uint8Array.from({ length: 256 }, (_, i) => i), shape: [16, 16] });
    expect(all.shape).toEqual([1, 16, 16]);
    expect(Array.from(all.toArray())).toEqual(golden.toTensor.all255);
  });

  it('takes Image records, and float arrays unscaled', () => {
    const im = image(2, 3, 3, (y, x, c) => 10 * y + x + 100 * c);
    const t = new ToTensor().forward(im);
    expect(t.shape).toEqual([3, 2, 3]);
    expect(t.select(0, 2).mul(255).round().tolist()).toEqual([
      [200, 201, 202],
      [210, 211, 212],
    ]);
    const f = new ToTensor().forward({ data: new Float64Array([0.5, 2, 3, 4]), shape: [2, 2] });
    expect(f.dtype).toBe('float64');
    expect(f.tolist()).toEqual([
      [
        [0.5, 2],
        [3, 4],
      ],
    ]);
  });

  it("throws torchvision's errors", () => {
    expect(() => new ToTensor().forward(torch.zeros(2, 2) as unknown as Image)).toThrow(
      'pic should be PIL Image or ndarray. Got Tensor',
    );
    expect(() => new ToTensor().forward({ data: new Uint8Array(16), shape: [2, 2, 2, 2] })).toThrow(
      'pic should be 2/3 dimensional. Got 4 dimensions.',
    );
  });
});

describe('Normalize', () => {
  it('matches torchvision', () => {
    const n = golden.normalize;
    assertClose(new Normalize(n.mean, n.std).forward(fromSpec(n.input as Spec)), fromSpec(n.out as Spec), {
      rtol: 0,
      atol: 1e-6,
    });
  });

  it('can work in place, and throws torchvision errors', () => {
    const x = torch.ones([1, 2, 2]);
    expect(new Normalize([0.5], [0.5], true).forward(x)).toBe(x);
    expect(x.tolist()).toEqual([
      [
        [1, 1],
        [1, 1],
      ],
    ]);
    expect(() => new Normalize([0], [0]).forward(torch.ones([1, 2, 2]))).toThrow(
      'std evaluated to zero after conversion to torch.float32, leading to division by zero.',
    );
    expect(() => new Normalize([0], [1]).forward(torch.ones([2, 2]))).toThrow(
      'Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size([2, 2])',
    );
    expect(() => new Normalize([0], [1]).forward(torch.ones([1, 2, 2], { dtype: 'int64' }))).toThrow(
      'Input tensor should be a float tensor. Got torch.int64.',
    );
  });
});

describe('Resize', () => {
  it("matches torchvision's tensor Resize (bilinear, antialias=False) to within one float32 ulp", () => {
    for (const c of golden.resize) {
      const out = new Resize(c.size, { maxSize: c.maxSize }).forward(fromSpec(c.input as Spec));
      assertClose(out, fromSpec(c.out as Spec), {
        rtol: 0,
        atol: 1.2e-7,
        msg: (m) => `${c.input.shape} -> ${JSON.stringify(c.size)}: ${m}`,
      });
    }
  });

  it('returns the input when the size does not change, and rounds integer tensors', () => {
    const x = torch.rand([1, 4, 4]);
    expect(new Resize(4).forward(x)).toBe(x);
    const ints = new Resize([2, 2]).forward(
      torch.tensor([
        [
          [0, 10, 20, 30],
          [0, 10, 20, 30],
        ],
      ]),
    );
    expect(ints.dtype).toBe('int64');
    expect(ints.tolist()).toEqual([
      [
        [5, 25],
        [5, 25],
      ],
    ]);
  });

  it("throws torchvision's errors", () => {
    expect(() => new Resize([1, 2, 3])).toThrow('If size is a sequence, it should have 1 or 2 values');
    expect(() => new Resize([2, 2], { maxSize: 5 }).forward(torch.rand([1, 3, 3]))).toThrow(
      'max_size should only be passed if size specifies the length of the smaller edge',
    );
    expect(() => new Resize(8, { maxSize: 8 }).forward(torch.rand([1, 3, 4]))).toThrow(
      'max_size = 8 must be strictly greater than the requested size for the smaller edge size = [8]',
    );
  });
});

describe('crops and padding', () => {
  const x = fromSpec(golden.crop.input as Spec);
  it('CenterCrop and pad match torchvision (all padding modes)', () => {
    for (const c of golden.crop.cases) {
      const out =
        c.kind === 'center'
          ? new CenterCrop(c.size as number[]).forward(x)
          : transforms.pad(x, c.padding as number[], c.fill as number, c.mode as transforms.PaddingMode);
      assertClose(out, fromSpec(c.out as Spec), { rtol: 0, atol: 0, msg: (m) => `${JSON.stringify(c)}: ${m}` });
    }
  });

  it('RandomCrop picks the window with torch.randint, reproducibly from its generator', () => {
    const crop = (seed: number) => new RandomCrop(3, { padding: 1, generator: new torch.Generator().manualSeed(seed) });
    const a = crop(1);
    const first = [a.forward(x), a.forward(x), a.forward(x)].map((t) => t.tolist());
    const b = crop(1);
    expect([b.forward(x), b.forward(x), b.forward(x)].map((t) => t.tolist())).toEqual(first);
    expect(a.forward(x).shape).toEqual([2, 3, 3]);
    // every crop is a window of the zero-padded input
    const padded = transforms.pad(x, 1);
    const windows = new Set<string>();
    for (let i = 0; i <= 4; i++)
      for (let j = 0; j <= 5; j++)
        windows.add(
          JSON.stringify(
            padded
              .slice(1, i, i + 3)
              .slice(2, j, j + 3)
              .tolist(),
          ),
        );
    for (const t of first) expect(windows.has(JSON.stringify(t))).toBe(true);
  });

  it('RandomCrop pads when needed, returns an exact fit unchanged, and rejects crops larger than the image', () => {
    const small = torch.ones([1, 2, 2]);
    const out = new RandomCrop([4, 4], { padIfNeeded: true, fill: 7 }).forward(small);
    expect(out.shape).toEqual([1, 4, 4]);
    expect(out.sum().item()).toBe(4 + 7 * 12);
    expect(new RandomCrop(2).forward(small)).toBe(small);
    expect(() => new RandomCrop(3).forward(small)).toThrow(
      'Required crop size (3, 3) is larger than input image size (2, 2)',
    );
    expect(() => new RandomCrop([1, 2, 3])).toThrow('Please provide only two dimensions (h, w) for size.');
    expect(() => transforms.pad(small, [1, 2, 3])).toThrow(
      'Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple',
    );
  });

  it('works on HWC Image records too (as torchvision on PIL images)', () => {
    const im = image(4, 5, 3, (y, x, c) => 50 * c + 10 * y + x);
    const asTensor = (i: Image) => new ToTensor().forward(i).mul(255).round();
    const viaImage = asTensor(new CenterCrop([2, 3]).forward(im));
    expect(viaImage.tolist()).toEqual(new CenterCrop([2, 3]).forward(asTensor(im)).tolist());
    const flipped = new RandomHorizontalFlip(1).forward(im);
    expect(asTensor(flipped).tolist()).toEqual(asTensor(im).flip(-1).tolist());
    const cropped = new RandomCrop(4, { padding: 2, generator: new torch.Generator().manualSeed(3) }).forward(im);
    expect([cropped.height, cropped.width, cropped.channels]).toEqual([4, 4, 3]);
  });
});

describe('RandomHorizontalFlip, Compose, Lambda', () => {
  it('flips with probability p, drawing torch.rand(1) from the generator', () => {
    const x = torch.arange(6, { dtype: 'float32' }).reshape(1, 2, 3);
    expect(new RandomHorizontalFlip(1).forward(x).tolist()).toEqual([
      [
        [2, 1, 0],
        [5, 4, 3],
      ],
    ]);
    expect(new RandomHorizontalFlip(0).forward(x)).toBe(x);
    const g = new torch.Generator().manualSeed(4);
    const flip = new RandomHorizontalFlip({ generator: g });
    let flips = 0;
    for (let k = 0; k < 1000; k++) if (flip.forward(x) !== x) flips++;
    expect(Math.abs(flips - 500)).toBeLessThan(60);
    const draws = new torch.Generator().manualSeed(4);
    const again = new RandomHorizontalFlip(0.5, { generator: new torch.Generator().manualSeed(4) });
    for (let k = 0; k < 20; k++)
      expect(again.forward(x) !== x).toBe(torch.rand([1], { generator: draws }).item() < 0.5);
  });

  it('Compose chains transforms and functions; the usual MNIST pipeline', () => {
    const pipeline = new Compose([
      new ToTensor(),
      new Normalize([0.5], [0.5]),
      (t: torch.Tensor) => t.flatten(),
      new Lambda((t: torch.Tensor) => t.shape),
    ]);
    expect(pipeline.forward(image(28, 28, 1, () => 255))).toEqual([784]);
    const norm = new Compose([new ToTensor(), new Normalize([0.5], [0.5])]).forward<torch.Tensor>(
      image(1, 2, 1, (_, x) => 255 * x),
    );
    expect(norm.tolist()).toEqual([[[-1, 1]]]);
    expect(() => new Lambda(3 as unknown as () => void)).toThrow("Argument lambd should be callable, got 'number'");
  });
});
