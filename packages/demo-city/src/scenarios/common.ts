import type { Dice } from '../dice.js';
import type { DemoCity, Device } from '../model.js';

/** The city's device by asset name; a scenario names only what the model builds. */
export function device(city: DemoCity, name: string): Device {
  const d = city.devices.find((x) => x.name === name);
  if (!d) throw new Error(`the Demo City has no asset '${name}'`);
  return d;
}

/**
 * Where each scenario's attacker comes from: documentation ranges, so no real party is named,
 * and a slice of its own per scenario, so the indicators one drill leaves on the server never
 * name the attacker of another.
 */
const OUTSIDERS = {
  'ssh-brute-force': ['203.0.113', 2, 62],
  'camera-vendor-c2': ['203.0.113', 66, 126],
  'certificates-exfiltration': ['203.0.113', 130, 190],
  'property-tax-defacement': ['198.51.100', 2, 126],
} as const;

export function outsider(dice: Dice, scenario: keyof typeof OUTSIDERS): string {
  const [prefix, first, last] = OUTSIDERS[scenario];
  return `${prefix}.${dice.int(first, last)}`;
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
