"""Golden fixtures for @kindling/data's image files and vision transforms, from torchvision 0.14 and Pillow 9.4:

    python3 tools/golden/vision.py  ->  packages/data/test/fixtures/image-folder/  (a small ImageFolder tree)
                                        packages/data/test/fixtures/vision.json

- imageFolder: classes, class_to_idx and the samples of ImageFolder over the tree, each with the RGB pixels
  torchvision's default loader gives (PNG in L / P / RGB / RGBA / 16-bit modes, JPEG 4:4:4 and 4:2:0, binary and
  ASCII PPM/PGM, an upper-case extension, a nested folder, a file that is not an image)
- resize: transforms.Resize on PIL images (Pillow's antialiased bilinear), RGB and L, up, down and mixed
- randomResizedCrop: RandomResizedCrop on a PIL image and on a float tensor after torch.manual_seed, with the
  crop window torchvision drew, including the central-crop fallback
- makeGrid: torchvision.utils.make_grid over seeded inputs with each option; saveImage: the 8-bit HWC array
  save_image writes
"""
import json
import os
import shutil

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image
from torchvision.datasets import ImageFolder
from torchvision.utils import make_grid

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'packages', 'data', 'test', 'fixtures')
TREE = os.path.join(FIXTURES, 'image-folder')
OUT = os.path.join(FIXTURES, 'vision.json')
rng = np.random.RandomState(0)


def rgb(h, w):
    return rng.randint(0, 256, size=(h, w, 3), dtype=np.uint8)


def smooth_rgb(h, w):
    """A gradient with a little noise: JPEG-friendly content, like a photo."""
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), (x + y) * 255 // max(h + w - 2, 1)], -1)
    return np.clip(base + rng.randint(-8, 9, size=(h, w, 3)), 0, 255).astype(np.uint8)


def write_netpbm_ascii(path, magic, arr, maxval):
    h, w = arr.shape[:2]
    with open(path, 'w') as f:
        f.write(f'{magic}\n# written by tools/golden/vision.py\n{w} {h}\n{maxval}\n')
        f.write('\n'.join(' '.join(str(v) for v in row.flatten()) for row in arr) + '\n')


def build_tree():
    shutil.rmtree(TREE, ignore_errors=True)
    for d in ['cat/sub', 'cat-b', 'dog']:
        os.makedirs(os.path.join(TREE, d))
    Image.fromarray(rgb(5, 7)).save(os.path.join(TREE, 'cat', 'a.png'))
    Image.fromarray(smooth_rgb(6, 9)).save(os.path.join(TREE, 'cat', 'b.jpg'), quality=95, subsampling=0)
    Image.fromarray(rgb(3, 4)).save(os.path.join(TREE, 'cat', 'sub', 'c.ppm'))
    with open(os.path.join(TREE, 'cat', 'notes.txt'), 'w') as f:
        f.write('not an image\n')
    write_netpbm_ascii(os.path.join(TREE, 'cat-b', 'p3.ppm'), 'P3', rgb(2, 3), 255)
    write_netpbm_ascii(os.path.join(TREE, 'cat-b', 'p2.pgm'), 'P2', rng.randint(0, 256, size=(3, 2)), 255)
    Image.fromarray(rng.randint(0, 256, size=(4, 6), dtype=np.uint8), 'L').save(os.path.join(TREE, 'dog', 'd.PNG'))
    Image.fromarray(rng.randint(0, 256, size=(5, 5), dtype=np.uint8), 'L').save(os.path.join(TREE, 'dog', 'e.pgm'))
    Image.fromarray(smooth_rgb(12, 16)).save(os.path.join(TREE, 'dog', 'f.jpeg'), quality=75)
    pal = Image.fromarray(rgb(4, 5)).convert('P', palette=Image.ADAPTIVE, colors=6)
    pal.save(os.path.join(TREE, 'dog', 'g.png'))
    rgba = np.concatenate([rgb(4, 4), rng.randint(0, 256, size=(4, 4, 1), dtype=np.uint8)], -1)
    Image.fromarray(rgba, 'RGBA').save(os.path.join(TREE, 'dog', 'h.png'))
    Image.fromarray(rng.randint(0, 600, size=(3, 4)).astype(np.uint16), 'I;16').save(os.path.join(TREE, 'dog', 'i16.png'))
    Image.fromarray(rng.randint(0, 256, size=(4, 4), dtype=np.uint8), 'L').convert('1').save(os.path.join(TREE, 'dog', 'j1.png'))
    with open(os.path.join(TREE, 'README.txt'), 'w') as f:
        f.write('An ImageFolder tree written by tools/golden/vision.py.\n')


def pixels(img):
    a = np.asarray(img)
    return {'height': a.shape[0], 'width': a.shape[1], 'channels': 1 if a.ndim == 2 else a.shape[2], 'data': a.flatten().tolist()}


def image_folder():
    ds = ImageFolder(TREE)
    samples = []
    for i, (path, target) in enumerate(ds.samples):
        img, t = ds[i]
        assert t == target
        samples.append({'path': os.path.relpath(path, TREE), 'target': target, 'image': pixels(img)})
    return {'classes': ds.classes, 'classToIdx': ds.class_to_idx, 'samples': samples}


def resize_cases():
    cases = []
    images = {'rgb': Image.fromarray(rgb(17, 23)), 'gray': Image.fromarray(rng.randint(0, 256, size=(10, 13), dtype=np.uint8), 'L')}
    for name, img in images.items():
        for size, max_size in [(8, None), ([5, 11], None), ([40, 30], None), (17, None), ([17, 9], None), (30, None), (6, 7), ([3, 1], None)]:
            out = T.Resize(size, max_size=max_size)(img)
            cases.append({'input': name, 'size': size, 'maxSize': max_size, 'output': pixels(out)})
    return {'inputs': {k: pixels(v) for k, v in images.items()}, 'cases': cases}


def random_resized_crop_cases():
    img = Image.fromarray(rgb(17, 23))
    wide = Image.fromarray(rgb(3, 60))
    tensor = torch.rand(3, 17, 23, generator=torch.Generator().manual_seed(5))
    cases = []
    for seed in range(6):
        for inp, size, kw in [('rgb', 8, {}), ('rgb', [6, 10], {'scale': (0.5, 1.0), 'ratio': (0.5, 2.0)}), ('wide', 4, {'scale': (0.9, 1.0)}), ('tensor', [7, 5], {})]:
            t = T.RandomResizedCrop(size, **kw)
            src = {'rgb': img, 'wide': wide, 'tensor': tensor}[inp]
            torch.manual_seed(seed)
            window = T.RandomResizedCrop.get_params(src, t.scale, t.ratio)
            torch.manual_seed(seed)
            out = t(src)
            output = {'shape': list(out.shape), 'values': out.flatten().tolist()} if inp == 'tensor' else pixels(out)
            cases.append({'seed': seed, 'input': inp, 'size': size, 'scale': list(t.scale), 'ratio': list(t.ratio), 'window': list(window), 'output': output})
    return {'inputs': {'rgb': pixels(img), 'wide': pixels(wide), 'tensor': {'shape': list(tensor.shape), 'values': tensor.flatten().tolist()}}, 'cases': cases}


def make_grid_cases():
    g = torch.Generator().manual_seed(3)
    inputs = {
        'batch': torch.rand(5, 3, 4, 6, generator=g) * 2 - 0.5,
        'gray': torch.rand(3, 1, 2, 3, generator=g),
        'single': torch.rand(1, 3, 2, 2, generator=g),
        'plane': torch.rand(3, 4, generator=g),
        'chw1': torch.rand(1, 2, 3, generator=g),
    }
    options = [
        ('batch', {}),
        ('batch', {'nrow': 2, 'padding': 1, 'pad_value': 0.5}),
        ('batch', {'nrow': 3, 'padding': 0}),
        ('batch', {'normalize': True}),
        ('batch', {'normalize': True, 'value_range': (0.2, 0.8)}),
        ('batch', {'normalize': True, 'scale_each': True, 'nrow': 5}),
        ('gray', {'nrow': 2}),
        ('single', {}),
        ('plane', {}),
        ('chw1', {'padding': 3}),
    ]
    cases = []
    for name, kw in options:
        grid = make_grid(inputs[name].clone(), **kw)
        saved = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to('cpu', torch.uint8)
        camel = {{'pad_value': 'padValue', 'value_range': 'valueRange', 'scale_each': 'scaleEach'}.get(k, k): (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        cases.append({'input': name, 'options': camel, 'grid': {'shape': list(grid.shape), 'values': grid.flatten().tolist()}, 'saved': saved.flatten().tolist()})
    return {'inputs': {k: {'shape': list(v.shape), 'values': v.flatten().tolist()} for k, v in inputs.items()}, 'cases': cases}


def main():
    build_tree()
    fixtures = {
        'imageFolder': image_folder(),
        'resize': resize_cases(),
        'randomResizedCrop': random_resized_crop_cases(),
        'makeGrid': make_grid_cases(),
    }
    with open(OUT, 'w') as f:
        json.dump(fixtures, f, separators=(',', ':'))
    print(f'wrote {os.path.relpath(OUT)} and {os.path.relpath(TREE)}/')


if __name__ == '__main__':
    main()
