/**
 * A process-wide gate between ordinary message handling (shared) and suspected crash-loop entries
 * (exclusive). A message that keeps killing its process runs alone, so the documents in flight
 * beside it are not charged an attempt for each of its crashes.
 */
export class ProcessGate {
  private shared = 0;
  private exclusive = false;
  private waiters: Array<() => void> = [];

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Enters at once unless an exclusive run holds or awaits the gate (then await `enterShared`). */
  tryEnterShared(): boolean {
    if (this.exclusive) return false;
    this.shared++;
    return true;
  }

  async enterShared(): Promise<void> {
    while (this.exclusive) await this.wait();
    this.shared++;
  }

  leaveShared(): void {
    this.shared--;
    if (this.waiters.length) this.notify();
  }

  get isExclusive(): boolean {
    return this.exclusive;
  }

  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.wait();
    this.exclusive = true;
    try {
      while (this.shared > 0) await this.wait();
      return await fn();
    } finally {
      this.exclusive = false;
      this.notify();
    }
  }
}
