/** torch.utils.data.get_worker_info: which background worker this code runs in, if any. */

export interface WorkerInfo {
  /** 0 .. numWorkers - 1 */
  id: number;
  numWorkers: number;
  /** the seed the worker's default generator was given for this epoch (base seed + id) */
  seed: number;
  /** the worker's own copy of the dataset (null while its constructor runs) */
  dataset: unknown;
}

let current: WorkerInfo | null = null;

/** In a DataLoader worker, its id, count, seed and dataset; `null` in the main thread. */
export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

/** @internal set by the worker entry */
export function setWorkerInfo(info: WorkerInfo | null): void {
  current = info;
}
