/** IPv4 / IPv6 CIDR parsing and membership, without allocation on the IPv4 hot path. */

export type Cidr = { v: 4; net: number; mask: number } | { v: 6; net: Uint16Array; bits: number };

export function parseIPv4(s: string): number | undefined {
  let n = 0;
  let parts = 0;
  let cur = -1;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (cur < 0 || cur > 255) return undefined;
      n = n * 256 + cur;
      parts++;
      cur = -1;
    } else if (c >= 48 && c <= 57) {
      cur = cur < 0 ? c - 48 : cur * 10 + (c - 48);
      if (cur > 255) return undefined;
    } else return undefined;
  }
  return parts === 4 ? n >>> 0 : undefined;
}

export function parseIPv6(input: string): Uint16Array | undefined {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const out = new Uint16Array(8);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseHalf = (h: string): number[] | undefined => {
    if (h === '') return [];
    const groups: number[] = [];
    const items = h.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i]!;
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        groups.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        groups.push(parseInt(g, 16));
      }
    }
    return groups;
  };
  const head = parseHalf(halves[0]!);
  const tail = halves.length === 2 ? parseHalf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (head.length + tail.length > (halves.length === 2 ? 7 : 8)) return undefined;
  head.forEach((g, i) => (out[i] = g));
  tail.forEach((g, i) => (out[8 - tail.length + i] = g));
  return out;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', len] = text.trim().split('/');
  if (addr.includes(':')) {
    const net = parseIPv6(addr);
    const bits = len === undefined ? 128 : Number(len);
    if (!net || !Number.isInteger(bits) || bits < 0 || bits > 128) return undefined;
    return { v: 6, net, bits };
  }
  const net = parseIPv4(addr);
  const bits = len === undefined ? 32 : Number(len);
  if (net === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { v: 4, net: (net & mask) >>> 0, mask };
}

/** Tests an address against a list of networks; non-addresses never match. */
export function cidrMatcher(nets: Cidr[]): (addr: string) => boolean {
  const v4 = nets.filter((n): n is Extract<Cidr, { v: 4 }> => n.v === 4);
  const v6 = nets.filter((n): n is Extract<Cidr, { v: 6 }> => n.v === 6);
  return (addr) => {
    if (addr.includes(':')) {
      if (v6.length === 0) return false;
      const a = parseIPv6(addr);
      if (!a) return false;
      for (const n of v6) {
        let bits = n.bits;
        let ok = true;
        for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
          const m = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
          if ((a[i]! & m) !== (n.net[i]! & m)) {
            ok = false;
            break;
          }
        }
        if (ok) return true;
      }
      return false;
    }
    if (v4.length === 0) return false;
    const a = parseIPv4(addr);
    if (a === undefined) return false;
    for (const n of v4) if ((a & n.mask) >>> 0 === n.net) return true;
    return false;
  };
}
