/**
 * `torch.einsum`, as PyTorch computes it (aten/src/ATen/native/Linear.cpp): the equation parsed into one label list
 * per operand, each operand permuted (after taking diagonals for repeated labels, and unsqueezing the labels it
 * lacks) to the output's labels followed by the contracted ones, then the operands contracted left to right, each
 * pair by permutes, reshapes and one `bmm`. The graph is therefore PyTorch's own: the same nodes, the same
 * gradients.
 */
import { RuntimeError, TorchTypeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { bmm } from './linalg.js';
import { diagonal } from './rearrange.js';

/** Labels A–Z are 0–25, a–z 26–51 (PyTorch's order: uppercase first); ELLIPSIS marks "...". */
const LETTERS = 26;
const TOTAL_LABELS = 2 * LETTERS;
const ELLIPSIS = TOTAL_LABELS;

function labelOf(c: string): number {
  return c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + LETTERS;
}

function letterOf(label: number): string {
  return String.fromCharCode(label < LETTERS ? label + 65 : label - LETTERS + 97);
}

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** Each operand's labels (ELLIPSIS where "..." stands), from the equation's left-hand side. */
function parseInputs(lhs: string, count: number): number[][] {
  const labels: number[][] = Array.from({ length: count }, () => []);
  let op = 0;
  let ellipsisSeen = false;
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i];
    if (c === ' ') continue;
    if (c === '.') {
      if (ellipsisSeen)
        throw new RuntimeError(`einsum(): found '.' for operand ${op} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.'))
        throw new RuntimeError(`einsum(): found '.' for operand ${op} that is not part of any ellipsis`);
      labels[op].push(ELLIPSIS);
      ellipsisSeen = true;
    } else if (c === ',') {
      op++;
      if (op >= count) throw new RuntimeError('einsum(): fewer operands were provided than specified in the equation');
      ellipsisSeen = false;
    } else {
      if (!isLetter(c)) {
        throw new RuntimeError(
          `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`,
        );
      }
      labels[op].push(labelOf(c));
    }
  }
  if (op !== count - 1) throw new RuntimeError('einsum(): more operands were provided than specified in the equation');
  return labels;
}

/**
 * Where each label goes in the aligned layout: the output's labels first (with the ellipsis dims where the output
 * puts them), then the contracted ones. `outDims` counts the output's dims.
 */
interface Layout {
  labelIndex: number[];
  ellipsisIndex: number;
  outDims: number;
  dims: number;
}

function layoutOf(equation: string, arrow: number, lhsLength: number, counts: number[], ellipsisDims: number): Layout {
  const labelIndex = new Array<number>(TOTAL_LABELS).fill(-1);
  let at = 0;
  let ellipsisIndex = 0;
  let ellipsisInOutput = false;
  if (arrow < 0) {
    // Implicit output: the ellipsis dims, then the labels seen once, in label order.
    at = ellipsisDims;
    ellipsisInOutput = true;
    for (let label = 0; label < TOTAL_LABELS; label++) if (counts[label] === 1) labelIndex[label] = at++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === ' ') continue;
      if (c === '.') {
        if (ellipsisInOutput)
          throw new RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.'))
          throw new RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)");
        ellipsisIndex = at;
        at += ellipsisDims;
        ellipsisInOutput = true;
        continue;
      }
      if (!isLetter(c)) {
        throw new RuntimeError(
          `einsum(): invalid subscript given at index ${lhsLength + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`,
        );
      }
      const label = labelOf(c);
      if (!(counts[label] > 0 && labelIndex[label] === -1)) {
        const why =
          labelIndex[label] > -1
            ? 'appears more than once in the output'
            : 'does not appear in the equation for any input operand';
        throw new RuntimeError(`einsum(): output subscript ${c} ${why}`);
      }
      labelIndex[label] = at++;
    }
  }
  const outDims = at;
  if (!ellipsisInOutput) {
    ellipsisIndex = at;
    at += ellipsisDims;
  }
  for (let label = 0; label < TOTAL_LABELS; label++)
    if (counts[label] > 0 && labelIndex[label] === -1) labelIndex[label] = at++;
  return { labelIndex, ellipsisIndex, outDims, dims: at };
}

/**
 * `(left * right).sum(sumDims, keepdim = true)` for operands of the same number of dims (broadcasting where a size
 * is 1), by permutes, reshapes and one batched matrix product (PyTorch's sumproduct_pair).
 */
function sumProductPair(leftIn: Tensor, rightIn: Tensor, sumDims: readonly number[]): Tensor {
  if (sumDims.length === 0) return leftIn.mul(rightIn);
  let left = leftIn;
  let right = rightIn;
  const dim = left.ndim;
  const summed = new Set(sumDims);
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  let [lroSize, loSize, roSize, sumSize] = [1, 1, 1, 1];
  for (let i = 0; i < dim; i++) {
    const sl = left.shape[i] !== 1;
    const sr = right.shape[i] !== 1;
    if (summed.has(i)) {
      if (sl && sr) {
        if (left.shape[i] !== right.shape[i]) throw new RuntimeError('non-broadcast dimensions must match');
        sumSize *= left.shape[i];
      } else if (sl) left = left.sum(i, true);
      else if (sr) right = right.sum(i, true);
    } else if (sl && sr) {
      if (left.shape[i] !== right.shape[i]) throw new RuntimeError('non-broadcast dimensions must match');
      lro.push(i);
      lroSize *= left.shape[i];
    } else if (sl) {
      lo.push(i);
      loSize *= left.shape[i];
    } else {
      ro.push(i);
      roSize *= right.shape[i];
    }
  }
  const outSize = [
    ...lro.map((d) => left.shape[d]),
    ...lo.map((d) => left.shape[d]),
    ...sumDims.map(() => 1),
    ...ro.map((d) => right.shape[d]),
  ];
  const leftOrder = [...lro, ...lo, ...sumDims, ...ro];
  const rightOrder = [...lro, ...sumDims, ...ro, ...lo];
  const outOrder = new Array<number>(dim).fill(-1);
  leftOrder.forEach((d, i) => (outOrder[d] = i));
  const l = left.permute(leftOrder).reshape([lroSize, loSize, sumSize]);
  const r = right.permute(rightOrder).reshape([lroSize, sumSize, roSize]);
  return bmm(l, r).view(outSize).permute(outOrder);
}

function isTensorList(x: Tensor | readonly Tensor[] | undefined): x is readonly Tensor[] {
  return Array.isArray(x);
}

/**
 * `einsum(equation, ...operands)` (or the operands as one list): the sum over the contracted labels of the product
 * of the operands, as Einstein summation spells it (`'bij,bjk->bik'` is a batched matrix product, `'ii->i'` a
 * diagonal, `'...ij->...ji'` a transpose of the last two dims).
 *
 * @example
 * ```ts
 * const a = torch.arange(6).reshape(2, 3);
 * const b = torch.arange(3);
 * console.log(torch.einsum('ij,j->i', a, b));
 * console.log(torch.einsum('ij->ji', a));
 * ```
 * ```text
 * tensor([ 5, 14])
 * tensor([[0, 3],
 *         [1, 4],
 *         [2, 5]])
 * ```
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const [first] = operands;
  const ops: Tensor[] =
    operands.length === 1 && isTensorList(first)
      ? [...first]
      : operands.map((t) => {
          if (isTensorList(t)) throw new TorchTypeError('einsum(): operands must be Tensors, or one list of them');
          return t;
        });
  if (ops.length === 0) {
    throw new ValueError(
      'einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list',
    );
  }
  const arrow = equation.indexOf('->');
  const lhs = arrow < 0 ? equation : equation.slice(0, arrow);
  const opLabels = parseInputs(lhs, ops.length);

  const counts = new Array<number>(TOTAL_LABELS).fill(0);
  let ellipsisDims = 0;
  opLabels.forEach((labels, i) => {
    const ndim = ops[i].ndim;
    const hasEllipsis = labels.includes(ELLIPSIS);
    const named = labels.length - (hasEllipsis ? 1 : 0);
    if (hasEllipsis) ellipsisDims = Math.max(ellipsisDims, ndim - named);
    for (const label of labels) if (label !== ELLIPSIS) counts[label]++;
    if (hasEllipsis ? named > ndim : named !== ndim) {
      throw new RuntimeError(
        hasEllipsis
          ? `einsum(): the number of subscripts in the equation (${named}) is more than the number of dimensions (${ndim}) for operand ${i}`
          : `einsum(): the number of subscripts in the equation (${named}) does not match the number of dimensions (${ndim}) for operand ${i} and no ellipsis was given`,
      );
    }
  });
  const { labelIndex, ellipsisIndex, outDims, dims } = layoutOf(equation, arrow, lhs.length, counts, ellipsisDims);

  // Align every operand to the layout: diagonals for repeated labels, size-1 dims for missing ones, one permute.
  const labelSize = new Array<number>(TOTAL_LABELS).fill(1);
  const ellipsisSizes = new Array<number>(ellipsisDims).fill(1);
  const dimCounts = new Array<number>(dims).fill(0);
  const aligned = ops.map((operand, i) => {
    let op = operand;
    const permutation = new Array<number>(dims).fill(-1);
    let dim = 0;
    for (const s of opLabels[i]) {
      if (s === ELLIPSIS) {
        const covered = operand.ndim - (opLabels[i].length - 1);
        for (let j = ellipsisDims - covered; j < ellipsisDims; j++) {
          const size = op.shape[dim];
          if (size !== 1) {
            if (ellipsisSizes[j] !== 1 && ellipsisSizes[j] !== size) {
              throw new RuntimeError(
                `einsum(): dimension ${dim} covered by ellipsis in operand ${i}has size ${size} which does not broadcast with previously seen ellipsis with size ${ellipsisSizes[j]} for the respective dimension`,
              );
            }
            ellipsisSizes[j] = size;
            dimCounts[ellipsisIndex + j]++;
          }
          permutation[ellipsisIndex + j] = dim++;
        }
      } else if (permutation[labelIndex[s]] === -1) {
        const size = op.shape[dim];
        if (size !== 1) {
          if (labelSize[s] !== 1 && labelSize[s] !== size) {
            throw new RuntimeError(
              `einsum(): subscript ${letterOf(s)} has size ${size} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`,
            );
          }
          labelSize[s] = size;
          dimCounts[labelIndex[s]]++;
        }
        permutation[labelIndex[s]] = dim++;
      } else {
        // A repeated label: its diagonal, moved to where the label first stood.
        const prev = permutation[labelIndex[s]];
        if (op.shape[dim] !== op.shape[prev]) {
          throw new RuntimeError(
            `einsum(): subscript ${letterOf(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape[dim]} != ${op.shape[prev]}`,
          );
        }
        op = diagonal(op, 0, prev, dim).movedim(-1, prev);
      }
    }
    for (let k = 0; k < dims; k++) {
      if (permutation[k] === -1) {
        op = op.unsqueeze(dim);
        permutation[k] = dim++;
      }
    }
    return op.permute(permutation);
  });

  // Contract left to right; a contracted dim is summed as soon as no later operand has it.
  while (aligned.length > 1) {
    let a = aligned.shift() as Tensor;
    let b = aligned.shift() as Tensor;
    const sumDims: number[] = [];
    const aSums: number[] = [];
    const bSums: number[] = [];
    for (let d = outDims; d < dims; d++) {
      if (a.shape[d] !== 1 && b.shape[d] !== 1) {
        if (--dimCounts[d] === 1) {
          sumDims.push(d);
          dimCounts[d] = 0;
        }
      } else if (dimCounts[d] === 1) {
        if (a.shape[d] !== 1) {
          aSums.push(d);
          dimCounts[d] = 0;
        } else if (b.shape[d] !== 1) {
          bSums.push(d);
          dimCounts[d] = 0;
        }
      }
    }
    if (aSums.length > 0) a = a.sum(aSums, true);
    if (bSums.length > 0) b = b.sum(bSums, true);
    aligned.unshift(sumProductPair(a, b, sumDims));
  }

  const result = aligned[0];
  if (dims === outDims) return result;
  // Two operands or more leave the contracted dims at size 1 (a view drops them); one operand sums them.
  if (ops.length > 1) return result.view(result.shape.slice(0, outDims));
  return result.sum(Array.from({ length: dims - outDims }, (_, k) => outDims + k));
}
