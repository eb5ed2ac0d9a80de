/**
 * `torch.device` and `torch.cuda`: Kindling computes on the CPU. Devices are named by their strings (`'cpu'`,
 * `'cuda:0'`), so `torch.device('cuda' if torch.cuda.is_available() else 'cpu')` ports as it reads; moving a
 * tensor to any device but the CPU fails with PyTorch's message for a build without that device.
 */
import { AssertionError, RuntimeError } from './errors.js';

const DEVICE_TYPES = [
  'cpu',
  'cuda',
  'ipu',
  'xpu',
  'mkldnn',
  'opengl',
  'opencl',
  'ideep',
  'hip',
  've',
  'fpga',
  'ort',
  'xla',
  'lazy',
  'vulkan',
  'mps',
  'meta',
  'hpu',
  'privateuseone',
];

/** `torch.device(type, index?)`: the device's string, checked. */
export function device(type: string, index?: number): string {
  const [kind, rest] = type.split(':');
  if (!DEVICE_TYPES.includes(kind) || (rest !== undefined && !/^\d+$/.test(rest))) {
    throw new RuntimeError(`Expected one of ${DEVICE_TYPES.join(', ')} device type at start of device string: ${type}`);
  }
  return index === undefined ? type : `${kind}:${index}`;
}

/**
 * Whether `spec` names a device rather than a dtype: true for the CPU; another device throws (PyTorch's message
 * when CUDA is missing, a plain one for the rest).
 */
export function isCpuDevice(spec: string): boolean {
  const kind = spec.split(':')[0];
  if (!DEVICE_TYPES.includes(kind)) return false;
  if (kind === 'cpu') return true;
  if (kind === 'cuda') throw new AssertionError('Torch not compiled with CUDA enabled');
  throw new RuntimeError(`Kindling computes on the CPU only; it cannot use the ${kind} device`);
}

/** `torch.cuda`: no CUDA device is ever available. */
export const cuda = {
  isAvailable: (): boolean => false,
  deviceCount: (): number => 0,
};
