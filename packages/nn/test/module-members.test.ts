import { describe, expect, it } from 'vitest';
import * as torch from '@kindling/core';
import { nn, Module, Parameter, type Tensor } from '@kindling/nn';

class Pair extends Module {
  left = new nn.Linear(2, 2);
  right = new nn.Linear(2, 2);
}

describe('registering members', () => {
  it("rejects a name PyTorch rejects, with PyTorch's messages", () => {
    const m = new Module();
    expect(() => m.registerParameter('a.b', null)).toThrow(new Error('parameter name can\'t contain "."'));
    expect(() => m.registerBuffer('', null)).toThrow(new Error('buffer name can\'t be empty string ""'));
    expect(() => m.registerModule(3 as unknown as string, null)).toThrow(
      new TypeError('module name should be a string. Got number'),
    );
    expect(() => m.registerBuffer('training', null)).toThrow(new Error("attribute 'training' already exists"));
  });

  it('rejects a value of the wrong kind, and a non-leaf parameter', () => {
    const m = new Module();
    expect(() => m.registerParameter('w', torch.zeros(2) as Parameter)).toThrow(
      new TypeError("cannot assign 'torch.FloatTensor' object to parameter 'w' (torch.nn.Parameter or None required)"),
    );
    const nonLeaf = new Parameter(torch.ones(2)).mul(2);
    Object.setPrototypeOf(nonLeaf, Parameter.prototype);
    expect(() => m.registerParameter('w', nonLeaf as Parameter)).toThrow(
      new Error("Cannot assign non-leaf Tensor to parameter 'w'. Model parameters must be created explicitly."),
    );
    expect(() => m.registerBuffer('b', [1] as unknown as Tensor)).toThrow(
      new TypeError("cannot assign 'Array' object to buffer 'b' (torch Tensor or None required)"),
    );
  });

  it('lets only None replace a member by a value of another kind', () => {
    const m = new Pair();
    const fields = m as unknown as Record<string, unknown>;
    expect(() => (fields.left = 1)).toThrow(
      new TypeError("cannot assign 'number' as child module 'left' (torch.nn.Module or None expected)"),
    );
    expect(() => (m.left.weight = torch.zeros(2, 2) as Parameter)).toThrow(
      new TypeError("cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)"),
    );
    m.registerBuffer('steps', torch.tensor(0));
    expect(() => (fields.steps = 'x')).toThrow(
      new TypeError("cannot assign 'string' as buffer 'steps' (torch.Tensor or None expected)"),
    );
    fields.steps = torch.tensor(5);
    fields.right = null;
    expect(m.children()).toEqual([m.left]);
    // A module's own tensors come before its children's, as in PyTorch.
    expect(Object.keys(m.stateDict())).toEqual(['steps', 'left.weight', 'left.bias']);
    delete fields.steps;
    expect(m.buffers()).toEqual([]);
  });
});

describe('walking the tree', () => {
  it('lists a module filed twice once, under its first name', () => {
    const shared = new nn.ReLU();
    const m = new Module();
    m.registerModule('a', shared);
    m.registerModule('b', shared);
    expect(m.namedChildren().map(([name]) => name)).toEqual(['a']);
    expect(m.namedModules().map(([name]) => name)).toEqual(['', 'a']);
    expect([...m.namedModulesIter('root')].map(([name]) => name)).toEqual(['root', 'root.a']);
  });

  it('finds a sub-module by its path, or names the missing step', () => {
    const pair = new Pair();
    const net = new nn.Sequential(pair, new nn.ReLU());
    expect(net.getSubmodule('')).toBe(net);
    expect(net.getSubmodule('0.right')).toBe(pair.right);
    expect(() => net.getSubmodule('0.middle')).toThrow(new Error('Pair has no attribute `middle`'));
  });

  it("gives a module's own members without recursing", () => {
    const m = new Pair();
    const scale = new Parameter(torch.ones(1));
    m.registerParameter('scale', scale);
    expect(m.namedParameters('p', false).map(([name]) => name)).toEqual(['p.scale']);
    expect(m.parameters(false)).toHaveLength(1);
    expect(m.parameters(false)[0]).toBe(scale);
    expect(m.namedBuffers({ recurse: false })).toEqual([]);
  });

  it('gives the state dict with a prefix, detached unless keepVars', () => {
    const m = new Pair();
    const detached = m.stateDict({ prefix: 'net.' });
    expect(Object.keys(detached)).toEqual(['net.left.weight', 'net.left.bias', 'net.right.weight', 'net.right.bias']);
    expect(detached['net.left.weight']).not.toBe(m.left.weight);
    expect(detached['net.left.weight'].requiresGrad).toBe(false);
    expect(m.stateDict({ keepVars: true })['left.weight']).toBe(m.left.weight);
  });
});

describe("methods' optional arguments", () => {
  it("reads them positionally or from an options object, naming the method in Python's errors", () => {
    const m = new Pair();
    const strict = m.loadStateDict.bind(m) as (...args: unknown[]) => unknown;
    expect(() => strict({}, { strict_mode: false })).toThrow(
      new torch.TorchTypeError(
        "Module.load_state_dict() got an unexpected keyword argument 'strict_mode': Kindling spells it 'strictMode'",
      ),
    );
    const missingKeys = ['left.weight', 'left.bias', 'right.weight', 'right.bias'];
    expect(m.loadStateDict({}, false)).toEqual({ missingKeys, unexpectedKeys: [] });
    expect(m.loadStateDict({}, { strict: false })).toEqual({ missingKeys, unexpectedKeys: [] });
  });
});

describe('forward hooks', () => {
  it('passes each pre-hook the arguments the one before returned, and each hook the output', () => {
    const relu = new nn.ReLU();
    const seen: unknown[] = [];
    relu.registerForwardPreHook((_m, input) => torch.neg(input[0] as Tensor));
    relu.registerForwardPreHook((m, input) => {
      seen.push(m === relu, Array.from((input[0] as Tensor).toArray()));
    });
    using doubled = relu.registerForwardHook((_m, _input, output) => (output as Tensor).mul(2));
    relu.registerForwardHook((_m, input, output) => {
      seen.push(Array.from((input[0] as Tensor).toArray()), Array.from((output as Tensor).toArray()));
    });
    expect(doubled.id).toBeTypeOf('number');
    relu.forward(torch.tensor([1, -2]));
    expect(seen).toEqual([true, [-1, 2], [-1, 2], [0, 4]]);
  });
});
