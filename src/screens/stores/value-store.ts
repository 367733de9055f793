/**
 * The latest value of something outside React (a probe's last reading), for
 * `useSyncExternalStore`. Probes report every few seconds, so no batching.
 */
export class ValueStore<T> {
  private readonly listeners = new Set<() => void>();

  constructor(private value: T) {}

  set(value: T): void {
    this.value = value;
    for (const listener of this.listeners) listener();
  }

  readonly getSnapshot = (): T => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
