import type { Dice } from '../dice.js';
import type { DemoCity, Device } from '../model.js';

/** The city's device by asset name; a scenario names only what the model builds. */
export function device(city: DemoCity, name: string): Device {
  const d = city.devices.find((x) => x.name === name);
  if (!d) throw new Error(`the Demo City has no asset '${name}'`);
  return d;
}

/** An address in a documentation or benchmarking range, so no real party is named as an attacker. */
export function outsider(dice: Dice, prefix: '203.0.113' | '198.51.100'): string {
  return `${prefix}.${dice.int(2, 254)}`;
}

/** `count` different addresses of the 198.18.0.0/15 benchmarking range (a botnet). */
export function botnet(dice: Dice, count: number): string[] {
  const out = new Set<string>();
  while (out.size < count)
    out.add(`198.${dice.int(18, 19)}.${dice.int(0, 255)}.${dice.int(1, 254)}`);
  return [...out];
}

/** A Zeek connection uid. */
export function zeekUid(dice: Dice): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'C';
  for (let i = 0; i < 17; i++) s += chars[dice.int(0, chars.length - 1)];
  return s;
}

export const seconds = (n: number): number => n * 1000;
