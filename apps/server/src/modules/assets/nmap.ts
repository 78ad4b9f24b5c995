/**
 * Reading nmap's XML output (`nmap -oX`): hosts with their addresses, hostnames, open ports and
 * services, and OS guesses. Parsed by fast-xml-parser with entity expansion bounded; nothing in
 * the document is fetched or executed.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { AssetKind } from '@prahari/store';

export interface NmapPort {
  protocol: string;
  port: number;
  /** open, closed, filtered, open|filtered … */
  state: string;
  service: string | null;
  product: string | null;
  version: string | null;
  extraInfo: string | null;
  /** the OS type a service banner names (e.g. Linux) */
  osType: string | null;
  cpe: string[];
}

export interface NmapHost {
  /** 1-based line of the host's element in the text */
  line: number;
  /** up, down, unknown */
  state: string;
  ipv4: string | null;
  ipv6: string | null;
  mac: string | null;
  macVendor: string | null;
  /** user-given names first, then reverse DNS (PTR) */
  hostnames: string[];
  ports: NmapPort[];
  /** the most accurate OS match, e.g. "Linux 5.0 - 5.2 (97%)", or a service banner's OS type */
  osGuess: string | null;
  /** when nmap finished with the host (ISO), if it says */
  seenAt: string | null;
}

export interface NmapScan {
  args: string | null;
  version: string | null;
  startedAt: string | null;
  hosts: NmapHost[];
}

export class NmapFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  'host',
  'address',
  'hostname',
  'port',
  'cpe',
  'osmatch',
  'osclass',
  'extraports',
  'portused',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
  processEntities: {
    enabled: true,
    maxEntityCount: 20,
    maxEntitySize: 1000,
    maxTotalExpansions: 1000,
    maxExpandedLength: 100_000,
  },
});

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const nodes = (v: unknown): Node[] =>
  Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Node[]) : [];
const node = (v: unknown): Node | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;
const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : (str(node(v)?.['#text']) ?? null);

function epoch(v: unknown): string | null {
  const n = Number(v);
  return typeof v === 'string' && Number.isFinite(n) && n > 0
    ? new Date(n * 1000).toISOString()
    : null;
}

/** The 1-based line of each `<host` element, in document order. */
function hostLines(xml: string): number[] {
  const lines: number[] = [];
  const re = /<host[\s>/]/g;
  let line = 1;
  let last = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    for (let i = last; i < m.index; i++) if (xml.charCodeAt(i) === 10) line++;
    last = m.index;
    lines.push(line);
  }
  return lines;
}

/** Parses `nmap -oX` output; throws NmapFormatError with the line when it is not that. */
export function parseNmapXml(xml: string): NmapScan {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new NmapFormatError(
      `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`,
      valid.err.line,
    );
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw new NmapFormatError(`cannot read the XML: ${(err as Error).message}`, 1);
  }
  const run = node(doc.nmaprun);
  if (!run) {
    const root = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
    throw new NmapFormatError(
      `this is not nmap XML output: the root element is <${root ?? '?'}>, not <nmaprun> (run nmap with -oX FILE)`,
      1,
    );
  }
  const lines = hostLines(xml);
  const hosts = nodes(run.host).map((h, i): NmapHost => {
    const addresses = nodes(h.address);
    const addr = (type: string) => addresses.find((a) => a.addrtype === type);
    const mac = addr('mac');
    const names = nodes(node(h.hostnames)?.hostname);
    const hostnames = [
      ...names.filter((n) => n.type === 'user'),
      ...names.filter((n) => n.type !== 'user'),
    ]
      .map((n) => str(n.name))
      .filter((n): n is string => n !== null);
    const ports = nodes(node(h.ports)?.port).map((p): NmapPort => {
      const service = node(p.service);
      return {
        protocol: str(p.protocol) ?? 'tcp',
        port: Number(p.portid),
        state: str(node(p.state)?.state) ?? 'unknown',
        service: str(service?.name),
        product: str(service?.product),
        version: str(service?.version),
        extraInfo: str(service?.extrainfo),
        osType: str(service?.ostype),
        cpe: (Array.isArray(service?.cpe) ? (service.cpe as unknown[]) : [])
          .map(text)
          .filter((c): c is string => c !== null),
      };
    });
    const matches = nodes(node(h.os)?.osmatch)
      .map((m) => ({ name: str(m.name), accuracy: Number(m.accuracy) || 0 }))
      .filter((m) => m.name !== null)
      .sort((a, b) => b.accuracy - a.accuracy);
    const best = matches[0];
    const banner = ports.find((p) => p.osType !== null)?.osType ?? null;
    return {
      line: lines[i] ?? 1,
      state: str(node(h.status)?.state) ?? 'unknown',
      ipv4: str(addr('ipv4')?.addr),
      ipv6: str(addr('ipv6')?.addr),
      mac: str(mac?.addr),
      macVendor: str(mac?.vendor),
      hostnames: [...new Set(hostnames)],
      ports: ports.filter((p) => Number.isInteger(p.port) && p.port >= 0 && p.port <= 65535),
      osGuess: best ? `${best.name} (${best.accuracy}%)` : banner,
      seenAt: epoch(h.endtime) ?? epoch(h.starttime),
    };
  });
  return {
    args: str(run.args),
    version: str(run.version),
    startedAt: epoch(run.start),
    hosts,
  };
}

const CAMERA = /hikvision|dahua|axis|hanwha|camera|ipcam|onvif|cp plus/i;

/**
 * A first guess of what a newly found host is, from its services: RTSP or a camera maker's
 * banner is a camera, Modbus/DNP3/IEC 104/S7/EtherNet-IP/BACnet a PLC or RTU, a database port a
 * database. Anything else is `other` until a person says.
 */
export function guessKind(ports: readonly NmapPort[], macVendor: string | null): AssetKind {
  const open = ports.filter((p) => p.state.startsWith('open'));
  const has = (names: string[], numbers: number[]) =>
    open.some((p) => (p.service !== null && names.includes(p.service)) || numbers.includes(p.port));
  if (
    has(['rtsp'], [554]) ||
    (macVendor !== null && CAMERA.test(macVendor)) ||
    open.some((p) => CAMERA.test(`${p.product ?? ''} ${p.extraInfo ?? ''}`))
  )
    return 'camera';
  if (
    has(
      ['modbus', 'dnp', 'dnp3', 'iec-104', 'iso-tsap', 'EtherNetIP-2', 'bacnet'],
      [502, 20000, 2404, 102, 44818, 47808],
    )
  )
    return 'plc_rtu';
  if (
    has(
      ['mysql', 'postgresql', 'ms-sql-s', 'oracle-tns', 'mongodb', 'redis'],
      [3306, 5432, 1433, 1521, 27017, 6379],
    )
  )
    return 'database';
  return 'other';
}
