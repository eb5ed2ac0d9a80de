/** torch.device, torch.cuda and t.type(): the blitz tutorials' device lines port as they read (PyTorch 1.13's messages). */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';

describe('devices', () => {
  it('picks the CPU the way PyTorch code does, and moves tensors there', () => {
    const device = torch.device(torch.cuda.isAvailable() ? 'cuda:0' : 'cpu');
    expect(device).toBe('cpu');
    expect(torch.cuda.deviceCount()).toBe(0);
    const x = torch.ones([2]);
    expect(x.to(device)).toBe(x);
    expect(x.to(torch.device('cpu', 0))).toBe(x);
    expect(x.device).toBe('cpu');
  });

  it("names other devices, and fails with PyTorch's message when one is used", () => {
    expect(torch.device('cuda', 1)).toBe('cuda:1');
    expect(() => torch.device('foo')).toThrow(
      'Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone device type at start of device string: foo',
    );
    expect(() => torch.ones([2]).to(torch.device('cuda'))).toThrow(
      new torch.AssertionError('Torch not compiled with CUDA enabled'),
    );
    expect(() => torch.ones([2]).to('mps')).toThrow('Kindling computes on the CPU only; it cannot use the mps device');
    expect(() => torch.ones([2]).to('foo' as torch.DType)).toThrow('device type at start of device string: foo');
  });

  it("gives PyTorch's type names from t.type()", () => {
    expect(torch.ones([2]).type()).toBe('torch.FloatTensor');
    expect(torch.ones([2], { dtype: 'int64' }).type()).toBe('torch.LongTensor');
    expect(torch.ones([2]).type('float64').dtype).toBe('float64');
  });
});
