import type { AlertRecord } from '@prahari/store';

export type AlertListener = (alerts: readonly AlertRecord[]) => void;

/** Fans recorded alert changes out to live-stream clients, in revision order. */
export class AlertStream {
  #listeners = new Set<AlertListener>();

  subscribe(listener: AlertListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get clients(): number {
    return this.#listeners.size;
  }

  publish(alerts: readonly AlertRecord[]): void {
    for (const listener of this.#listeners) listener(alerts);
  }
}
