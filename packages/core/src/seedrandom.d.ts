// @types/seedrandom describes only the package root, whose main file pulls in Node's `crypto`. The algorithm
// modules under lib/ are self-contained CommonJS files that run in browsers too; each exports the same function
// the root exposes as a property (`seedrandom.xor4096`).
declare module 'seedrandom/lib/xor4096.js' {
  import type seedrandom from 'seedrandom';

  const xor4096: seedrandom['xor4096'];
  export default xor4096;
}
