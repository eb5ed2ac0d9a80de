/** Removable hook handles for Modules (PyTorch's RemovableHandle). */

let nextId = 0;

export class RemovableHandle {
  readonly id = nextId++;
  private readonly registry: Map<number, unknown>;

  constructor(registry: Map<number, unknown>) {
    this.registry = registry;
  }

  remove(): void {
    this.registry.delete(this.id);
  }

  [Symbol.dispose](): void {
    this.remove();
  }
}
