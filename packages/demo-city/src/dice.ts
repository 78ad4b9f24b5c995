import { seededRandom } from '@prahari/core';

/**
 * Seeded choices for the city and its traffic: the same seed gives the same city and the same
 * stream, so a demo, a drill or a failing test can be replayed exactly.
 */
export class Dice {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** A number in [0, 1). */
  float(): number {
    return this.#next();
  }

  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.#next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('nothing to pick from');
    return items[Math.floor(this.#next() * items.length)]!;
  }

  /** One of the items, each as likely as its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.#next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += Math.floor(this.#next() * 16).toString(16);
    return out;
  }

  /** A derived generator, so one part of the city can change without reshuffling the rest. */
  fork(salt: number): Dice {
    return new Dice((Math.floor(this.#next() * 0xffffffff) ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
  }
}
