/**
 * ResNet as torchvision builds it: the same modules in the same order, so state-dict keys, their order and
 * their shapes are torchvision's, and a torchvision checkpoint (converted to safetensors) loads unchanged.
 */
import type { Tensor } from '@kindling/core';
import { Module } from '../module.js';
import { Conv2d } from '../layers/conv.js';
import { BatchNorm2d } from '../layers/norm.js';
import { ReLU } from '../layers/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../layers/pooling.js';
import { Linear } from '../layers/linear.js';
import { Sequential } from '../layers/container.js';
import * as init from '../init.js';

function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}

function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

interface BlockOptions {
  stride?: number;
  downsample?: Sequential | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
}

export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null;
  readonly stride: number;

  constructor(inplanes: number, planes: number, options: BlockOptions = {}) {
    super();
    if ((options.groups ?? 1) !== 1 || (options.baseWidth ?? 64) !== 64) {
      throw new Error('BasicBlock only supports groups=1 and base_width=64');
    }
    if ((options.dilation ?? 1) > 1) throw new Error('Dilation > 1 not supported in BasicBlock');
    const stride = options.stride ?? 1;
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.relu = new ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = options.downsample ?? null;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    out.add_(identity);
    return this.relu.forward(out);
  }
}

export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  relu: ReLU;
  downsample: Sequential | null;
  readonly stride: number;

  constructor(inplanes: number, planes: number, options: BlockOptions = {}) {
    super();
    const groups = options.groups ?? 1;
    const width = Math.trunc(planes * ((options.baseWidth ?? 64) / 64)) * groups;
    const stride = options.stride ?? 1;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride, groups, options.dilation ?? 1);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new ReLU(true);
    this.downsample = options.downsample ?? null;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.relu.forward(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    out.add_(identity);
    return this.relu.forward(out);
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions {
  numClasses?: number;
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  replaceStrideWithDilation?: [boolean, boolean, boolean];
}

export class ResNet extends Module {
  private inplanes = 64;
  private dilationRate = 1;
  private readonly groups: number;
  private readonly baseWidth: number;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  maxpool: MaxPool2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool: AdaptiveAvgPool2d;
  fc: Linear;

  constructor(block: Block, layers: [number, number, number, number], options: ResNetOptions = {}) {
    super();
    const dilate = options.replaceStrideWithDilation ?? [false, false, false];
    this.groups = options.groups ?? 1;
    this.baseWidth = options.widthPerGroup ?? 64;
    this.conv1 = new Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(this.inplanes);
    this.relu = new ReLU(true);
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(block, 64, layers[0]);
    this.layer2 = this.makeLayer(block, 128, layers[1], 2, dilate[0]);
    this.layer3 = this.makeLayer(block, 256, layers[2], 2, dilate[1]);
    this.layer4 = this.makeLayer(block, 512, layers[3], 2, dilate[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, options.numClasses ?? 1000);

    for (const m of this.modules()) {
      if (m instanceof Conv2d) init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof BatchNorm2d) {
        init.constant_(m.weight as Tensor, 1);
        init.constant_(m.bias as Tensor, 0);
      }
    }
    if (options.zeroInitResidual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck && m.bn3.weight) init.constant_(m.bn3.weight, 0);
        else if (m instanceof BasicBlock && m.bn2.weight) init.constant_(m.bn2.weight, 0);
      }
    }
  }

  private makeLayer(block: Block, planes: number, blocks: number, stride = 1, dilate = false): Sequential {
    let downsample: Sequential | null = null;
    const previousDilation = this.dilationRate;
    if (dilate) {
      this.dilationRate *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new Sequential(
        conv1x1(this.inplanes, planes * block.expansion, stride),
        new BatchNorm2d(planes * block.expansion),
      );
    }
    const common = { groups: this.groups, baseWidth: this.baseWidth };
    const layers: Module[] = [
      new block(this.inplanes, planes, { stride, downsample, dilation: previousDilation, ...common }),
    ];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++)
      layers.push(new block(this.inplanes, planes, { dilation: this.dilationRate, ...common }));
    return new Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    let y = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    y = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(y))));
    return this.fc.forward(this.avgpool.forward(y).flatten(1));
  }
}

export const resnet18 = (options: ResNetOptions = {}): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], options);
export const resnet34 = (options: ResNetOptions = {}): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], options);
export const resnet50 = (options: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], options);
export const resnet101 = (options: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], options);
export const resnet152 = (options: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], options);
