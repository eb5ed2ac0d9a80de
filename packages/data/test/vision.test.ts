import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { DataLoader, type Image, transforms, utils } from '@kindling/data';
import { DatasetFolder, ImageFolder, decodeImage, encodePng, loadImage, saveImage } from '@kindling/data/node';
import golden from './fixtures/vision.json';

const TREE = join(__dirname, 'fixtures', 'image-folder');
const tmp = mkdtempSync(join(tmpdir(), 'kindling-vision-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Pixels {
  height: number;
  width: number;
  channels: number;
  data: number[];
}
interface Values {
  shape: number[];
  values: number[];
}

function expectPixels(actual: Image, expected: Pixels, what: string): void {
  expect([actual.height, actual.width, actual.channels], what).toEqual([
    expected.height,
    expected.width,
    expected.channels,
  ]);
  expect(Array.from(actual.data), what).toEqual(expected.data);
}
const toImage = (p: Pixels): Image => ({
  data: Uint8Array.from(p.data),
  height: p.height,
  width: p.width,
  channels: p.channels,
});
const toTensor = (v: Values): torch.Tensor => torch.tensor(v.values, { dtype: 'float32' }).reshape(v.shape);

describe('ImageFolder', () => {
  const ds = new ImageFolder(TREE);

  it("lists torchvision's classes and samples in its order, skipping files without an image extension", () => {
    expect(ds.classes).toEqual(golden.imageFolder.classes);
    expect(ds.classToIdx).toEqual(golden.imageFolder.classToIdx);
    expect(ds.samples.map(([p, t]) => [p.slice(TREE.length + 1), t])).toEqual(
      golden.imageFolder.samples.map((s) => [s.path, s.target]),
    );
    expect(ds.targets).toEqual(golden.imageFolder.samples.map((s) => s.target));
    expect(ds.imgs).toBe(ds.samples);
    expect(ds.length).toBe(golden.imageFolder.samples.length);
  });

  it("decodes PNG (gray, palette, RGBA, 16-bit, 1-bit), JPEG (4:4:4, 4:2:0) and netpbm to PIL's RGB pixels exactly", () => {
    golden.imageFolder.samples.forEach((s, i) => {
      const [img, target] = ds.get(i);
      expect(target).toBe(s.target);
      expectPixels(img, s.image, s.path);
    });
  });

  it('applies transform and targetTransform, and batches through a DataLoader', () => {
    const tds = new ImageFolder<torch.Tensor, number>(TREE, {
      transform: new transforms.Compose([new transforms.Resize([4, 4]), new transforms.ToTensor()]),
      targetTransform: (t: number) => t * 10,
    });
    const [x, y] = tds.get(-1);
    expect(x.shape).toEqual([3, 4, 4]);
    expect(y).toBe(20);
    const [xb, yb] = new DataLoader(tds, { batchSize: 5 })[Symbol.iterator]().next().value as [
      torch.Tensor,
      torch.Tensor,
    ];
    expect(xb.shape).toEqual([5, 3, 4, 4]);
    expect(Array.from(yb.toArray())).toEqual([0, 0, 0, 10, 10]);
  });

  it("takes is_valid_file or extensions (not both) and gives torchvision's errors", () => {
    const noJpeg = new ImageFolder(TREE, { isValidFile: (p) => !/\.(jpe?g|txt)$/.test(p) });
    expect(noJpeg.samples.length).toBe(golden.imageFolder.samples.length - 2);
    expect(() => new ImageFolder(TREE, { isValidFile: (p) => p.endsWith('.png') })).toThrow(
      'Found no valid file for the classes cat-b. ',
    );
    expect(() => new DatasetFolder(TREE, { loader: loadImage, extensions: ['.gif'] })).toThrow(
      'Found no valid file for the classes cat, cat-b, dog. Supported extensions are: .gif',
    );
    expect(() => new DatasetFolder(TREE, { loader: loadImage })).toThrow(
      'Both extensions and is_valid_file cannot be None or not None at the same time',
    );
    expect(() => new ImageFolder(join(TREE, 'cat', 'sub'))).toThrow(
      `Couldn't find any class folder in ${join(TREE, 'cat', 'sub')}.`,
    );
    expect(() => ds.get(ds.length)).toThrow(torch.IndexError);
  });

  it('follows a symbolic link to a folder once, even one that points back up the tree', () => {
    const root = join(tmp, 'links');
    mkdirSync(join(root, 'a'), { recursive: true });
    writeFileSync(join(root, 'a', 'x.png'), encodePng({ data: new Uint8Array(3), height: 1, width: 1, channels: 3 }));
    symlinkSync(join(TREE, 'cat', 'sub'), join(root, 'a', 'linked'));
    symlinkSync(root, join(root, 'a', 'loop'));
    const linked = new ImageFolder(root);
    expect(linked.samples.map(([p]) => p.slice(root.length + 1))).toEqual(['a/x.png', 'a/linked/c.ppm']);
  });

  it('names what is wrong with a file it cannot read', () => {
    const bad = join(tmp, 'bad');
    mkdirSync(join(bad, 'k'), { recursive: true });
    writeFileSync(join(bad, 'k', 'a.bmp'), Uint8Array.from([0x42, 0x4d, 0, 0]));
    writeFileSync(join(bad, 'k', 'b.jpg'), readFileSync(join(TREE, 'dog', 'f.jpeg')).subarray(0, 200));
    writeFileSync(join(bad, 'k', 'c.png'), Uint8Array.from([1, 2, 3]));
    writeFileSync(join(bad, 'k', 'd.ppm'), 'P6\n4 4\n255\n\x01\x02');
    const bds = new ImageFolder(bad);
    expect(() => bds.get(0)).toThrow(/a\.bmp: cannot decode BMP images \(Kindling reads PNG, JPEG and PPM\/PGM\/PBM\)/);
    expect(() => bds.get(1)).toThrow(/b\.jpg: cannot decode the image: corrupt or truncated JPEG data/);
    expect(() => bds.get(2)).toThrow(/c\.png: cannot identify image file/);
    expect(() => bds.get(3)).toThrow(
      /d\.ppm: cannot decode the image: image file is truncated \(46 bytes not processed\)/,
    );
  });
});

describe('image files', () => {
  it('round-trips gray, gray+alpha, RGB and RGBA images through PNG', () => {
    for (const channels of [1, 2, 3, 4]) {
      const img: Image = {
        data: Uint8Array.from({ length: 5 * 3 * channels }, (_, i) => (i * 37) % 256),
        height: 5,
        width: 3,
        channels,
      };
      const back = decodeImage(encodePng(img));
      expectPixels(back, { ...img, data: Array.from(img.data) }, `${channels} channels`);
    }
  });

  it("scales plain and binary netpbm samples from maxval as Pillow does (Python's round)", () => {
    const plain = decodeImage(new TextEncoder().encode('P2\n# comment\n4 1\n10\n1 3 5 7\n'));
    const binary = decodeImage(Uint8Array.from([...new TextEncoder().encode('P5\n4 1\n10\n'), 1, 3, 5, 7]));
    expect(Array.from(plain.data)).toEqual([26, 76, 128, 178]);
    expect(Array.from(binary.data)).toEqual([26, 76, 128, 178]);
    expect(Array.from(decodeImage(new TextEncoder().encode('P1\n3 2\n0 1 0\n1 1 0\n')).data)).toEqual([
      255, 0, 255, 0, 0, 255,
    ]);
    expect(() => decodeImage(new TextEncoder().encode('P2\n1 1\n10\n11\n'))).toThrow(
      'Channel value too large for this mode: 11',
    );
  });
});

describe('Resize on images', () => {
  it("gives PIL's antialiased bilinear pixels, up, down and mixed, RGB and gray", () => {
    for (const c of golden.resize.cases) {
      const input = toImage(golden.resize.inputs[c.input as 'rgb' | 'gray']);
      const out = new transforms.Resize(c.size, { maxSize: c.maxSize }).forward(input);
      expectPixels(out, c.output, `${c.input} ${JSON.stringify(c.size)} max ${c.maxSize}`);
    }
  });

  it('refuses images with an alpha channel, saying what to do', () => {
    const rgba: Image = { data: new Uint8Array(16), height: 2, width: 2, channels: 4 };
    expect(() => new transforms.Resize(3).forward(rgba)).toThrow(
      'Resize takes gray or RGB images; this one has 4 channels (convert it to RGB first)',
    );
  });
});

describe('RandomResizedCrop', () => {
  const inputs = {
    rgb: toImage(golden.randomResizedCrop.inputs.rgb),
    wide: toImage(golden.randomResizedCrop.inputs.wide),
  };
  const tensor = toTensor(golden.randomResizedCrop.inputs.tensor);

  it("gives torchvision's pixels for the windows it drew (PIL images and tensors)", () => {
    for (const c of golden.randomResizedCrop.cases) {
      const what = `seed ${c.seed} ${c.input} ${JSON.stringify(c.size)} at ${c.window}`;
      const src = c.input === 'tensor' ? tensor : inputs[c.input as 'rgb' | 'wide'];
      const [top, left, h, w] = c.window;
      const out = transforms.resizedCrop(src, top, left, h, w, typeof c.size === 'number' ? [c.size, c.size] : c.size);
      if (out instanceof torch.Tensor) {
        const want = c.output as Values;
        expect(out.shape, what).toEqual(want.shape);
        torch.testing.assertClose(out, toTensor(want), { rtol: 0, atol: 1e-6 });
      } else expectPixels(out, c.output as Pixels, what);
    }
  });

  it("draws windows by torchvision's rule: area and aspect ratio within bounds, else its central crop", () => {
    const wide = golden.randomResizedCrop.cases.filter((c) => c.input === 'wide');
    for (const c of wide)
      expect(transforms.RandomResizedCrop.getParams(inputs.wide, [0.9, 1], [3 / 4, 4 / 3])).toEqual(c.window);
    torch.manualSeed(0);
    for (let k = 0; k < 200; k++) {
      const [top, left, h, w] = transforms.RandomResizedCrop.getParams(inputs.rgb, [0.5, 1], [0.5, 2]);
      expect(top >= 0 && left >= 0 && top + h <= 17 && left + w <= 23).toBe(true);
      // Rounding h and w to integers moves area and ratio by at most half a pixel per side.
      expect((h + 1) * (w + 1)).toBeGreaterThanOrEqual(0.5 * 17 * 23);
      expect((w + 0.5) / Math.max(h - 0.5, 0.5)).toBeGreaterThanOrEqual(0.5);
      expect((w - 0.5) / (h + 0.5)).toBeLessThanOrEqual(2);
    }
    const out = new transforms.RandomResizedCrop([6, 10]).forward(inputs.rgb);
    expect([out.height, out.width, out.channels]).toEqual([6, 10, 3]);
  });

  it('takes a generator instead of the global one', () => {
    const a = new transforms.RandomResizedCrop(8, { generator: new torch.Generator().manualSeed(3) }).forward(
      inputs.rgb,
    );
    torch.manualSeed(3);
    const b = new transforms.RandomResizedCrop(8).forward(inputs.rgb);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});

describe('utils.makeGrid and saveImage', () => {
  const inputs = golden.makeGrid.inputs;

  it("tiles images as torchvision's make_grid does, with every option", () => {
    for (const c of golden.makeGrid.cases) {
      const input = toTensor(inputs[c.input as keyof typeof inputs]);
      const grid = utils.makeGrid(input, c.options as utils.MakeGridOptions);
      expect(grid.shape, JSON.stringify(c)).toEqual(c.grid.shape);
      torch.testing.assertClose(grid, toTensor(c.grid), { rtol: 0, atol: 1e-6 });
      expect(Array.from(utils.gridToImage(grid).data)).toEqual(c.saved);
    }
  });

  it('takes a list of images, and leaves the input alone when normalizing', () => {
    const batch = toTensor(inputs.batch);
    const before = batch.clone();
    const fromList = utils.makeGrid([batch.select(0, 0), batch.select(0, 1)], { normalize: true });
    torch.testing.assertClose(fromList, utils.makeGrid(batch.narrow(0, 0, 2), { normalize: true }));
    torch.testing.assertClose(batch, before);
    expect(() => utils.makeGrid([1, 2] as unknown as torch.Tensor[])).toThrow(
      'tensor or list of tensors expected, got list',
    );
  });

  it('writes the PNG save_image writes', () => {
    const c = golden.makeGrid.cases[1];
    const path = join(tmp, 'grid.png');
    saveImage(toTensor(inputs.batch), path, c.options as utils.MakeGridOptions);
    const img = decodeImage(readFileSync(path));
    expect([img.channels, img.height, img.width]).toEqual(c.grid.shape);
    expect(Array.from(img.data)).toEqual(c.saved);
    expect(() => saveImage(toTensor(inputs.batch), join(tmp, 'grid.jpg'))).toThrow("saveImage writes PNG files; got '");
  });
});
