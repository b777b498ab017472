/** Lets waiters re-check a condition whenever some state changed (`poke`), instead of polling. */
export class StateChanges {
  private waiters: Array<() => void> = [];

  /** Resolves at the next `poke`. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  poke(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
