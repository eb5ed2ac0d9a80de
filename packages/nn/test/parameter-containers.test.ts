/**
 * nn.ParameterList and nn.ParameterDict as PyTorch 1.13 has them: reprs (printed by PyTorch for the same
 * containers), names in parameters() and state dicts, tensors made Parameters, PyTorch's errors, and an optimizer
 * that trains what they hold.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn, Module, type ParameterDict, type ParameterList } from '@kindling/nn';
import { SGD } from '@kindling/optim';

class Holder extends Module {
  ps: ParameterList = new nn.ParameterList([torch.randn(2), torch.randn(2)]);
  pd: ParameterDict = new nn.ParameterDict({ w: torch.randn(3) });
}

describe('nn.ParameterList and nn.ParameterDict', () => {
  it('print as PyTorch prints them, alone and inside a module', () => {
    const list = new nn.ParameterList([new nn.Parameter(torch.randn(3, 4)), torch.zeros(5, { dtype: 'float64' })]);
    expect(String(list)).toBe(
      [
        'ParameterList(',
        '    (0): Parameter containing: [torch.float32 of size 3x4]',
        '    (1): Parameter containing: [torch.float64 of size 5]',
        ')',
      ].join('\n'),
    );
    const dict = new nn.ParameterDict({ a: torch.randn(2), b: torch.ones(2, 2) });
    expect(String(dict)).toBe(
      [
        'ParameterDict(',
        '    (a): Parameter containing: [torch.FloatTensor of size 2]',
        '    (b): Parameter containing: [torch.FloatTensor of size 2x2]',
        ')',
      ].join('\n'),
    );
    expect(String(new Holder())).toBe(
      [
        'Holder(',
        '  (ps): ParameterList(',
        '      (0): Parameter containing: [torch.float32 of size 2]',
        '      (1): Parameter containing: [torch.float32 of size 2]',
        '  )',
        '  (pd): ParameterDict(  (w): Parameter containing: [torch.FloatTensor of size 3])',
        ')',
      ].join('\n'),
    );
    expect(String(new nn.ParameterList())).toBe('ParameterList()');
    expect(String(new nn.ParameterDict())).toBe('ParameterDict()');
  });

  it('register what they hold under PyTorch names, as Parameters requiring grad', () => {
    const m = new Holder();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['ps.0', 'ps.1', 'pd.w']);
    expect(Object.keys(m.stateDict())).toEqual(['ps.0', 'ps.1', 'pd.w']);
    const list = new nn.ParameterList([torch.zeros(2)]).append(torch.ones(1));
    expect(list.length).toBe(2);
    expect(list.get(-1)).toBeInstanceOf(nn.Parameter);
    expect(list.get(1).requiresGrad).toBe(true);
    list.set(0, torch.full([3], 2.5));
    expect([...list].map((p) => p.shape[0])).toEqual([3, 1]);
    const dict = new nn.ParameterDict({ a: torch.zeros(1) });
    dict.set('b', torch.ones(2));
    expect([...dict]).toEqual(['a', 'b']);
    expect(dict.has('b')).toBe(true);
    expect(dict.pop('a').shape).toEqual([1]);
    expect(dict.keys()).toEqual(['b']);
  });

  it("refuse a missing position or key with PyTorch's errors", () => {
    expect(() => new nn.ParameterList([torch.zeros(1)]).get(5)).toThrow(
      new torch.IndexError('index 5 is out of range'),
    );
    expect(() => new nn.ParameterDict().get('zz')).toThrow(
      new torch.AttributeError("'ParameterDict' object has no attribute 'zz'"),
    );
  });

  it('hand their parameters to an optimizer, which trains them', () => {
    const m = new Holder();
    const target = torch.tensor([1, 2, 3]);
    const opt = new SGD(m.parameters(), { lr: 0.1 });
    const loss = (): torch.Tensor => m.pd.get('w').sub(target).pow(2).sum().add(m.ps.get(0).pow(2).sum());
    const first = loss().item();
    for (let i = 0; i < 50; i++) {
      opt.zeroGrad();
      loss().backward();
      opt.step();
    }
    expect(loss().item()).toBeLessThan(1e-3 * first);
  });
});
