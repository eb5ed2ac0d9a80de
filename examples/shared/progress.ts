/** A one-line progress bar with live loss and images/second (plain lines when not on a terminal). */

export class ProgressBar {
  private readonly start = performance.now();
  private lastPrint = 0;
  private readonly tty = Boolean(process.stdout.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number, images: number, loss: number): void {
    const now = performance.now();
    const last = done === this.total;
    if (!last && now - this.lastPrint < (this.tty ? 100 : 5000)) return;
    this.lastPrint = now;
    const width = 24;
    const filled = Math.round((done / this.total) * width);
    const rate = images / ((now - this.start) / 1000);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total}  loss ${loss.toFixed(4)}  ${rate.toFixed(0)} img/s`;
    if (this.tty) process.stdout.write(`\r${line}${last ? '\n' : ''}`);
    else console.log(line);
  }

  /** Seconds since the bar was made. */
  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }
}
