// Overlapping calls share one run: a second caller gets the promise in flight instead of starting
// the work again under the first. The next call after it settles starts a new run.
export class InFlight<T> {
  private current: Promise<T> | undefined;

  get active(): boolean {
    return this.current !== undefined;
  }

  run(work: () => Promise<T>): Promise<T> {
    if (this.current) return this.current;
    const running = (this.current = work());
    const done = () => {
      if (this.current === running) this.current = undefined;
    };
    running.then(done, done);
    return running;
  }

  /** The next call starts afresh, even while this run has not settled. */
  forget(): void {
    this.current = undefined;
  }
}
