/**
 * The version counter of a storage. Views and `detach()` share their base's counter, so an in-place change
 * through any of them is seen by every saved tensor; `.data` gets a counter of its own, which is why edits
 * through it are invisible to autograd (as in PyTorch).
 */
export class VersionCounter {
  value = 0;

  bump(): void {
    this.value++;
  }
}
