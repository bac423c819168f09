/** A sleep that `wake()` cuts short: resync waits end early on pause, resume, step or stop. */
export class InterruptibleSleep {
  private wakeCurrent: (() => void) | undefined;

  /** Waits `ms`, or until woken; `Infinity` waits until woken. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (this.wakeCurrent === done) this.wakeCurrent = undefined;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, ms));
      this.wakeCurrent = done;
    });
  }

  untilWoken(): Promise<void> {
    return this.sleep(Infinity);
  }

  wake(): void {
    this.wakeCurrent?.();
  }
}
