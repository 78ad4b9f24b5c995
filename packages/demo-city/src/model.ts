/**
 * The Demo City: a smart city of a few hundred assets — ICCC, CCTV, adaptive traffic signals,
 * water and power SCADA, environmental sensors, public Wi-Fi, e-governance portals, a payment
 * gateway and the data centre that carries them — with its departments, owners, city services
 * and the dependency graph between them, in exactly the form the asset import API takes
 * (`POST /api/v1/assets/import`, format json).
 *
 * The structure (what depends on what, where redundancy is and where it is not) is fixed, so
 * every service has a known set of single points of failure; the seed varies what a real city
 * varies — how many cameras, junctions, sensors, access points and office PCs each zone has,
 * their makes and firmware, where they stand.
 */
import { Dice } from './dice.js';

/** The city's local time offset (IST): devices log in it, with the offset written. */
export const CITY_UTC_OFFSET_MINUTES = 330;

/** What a device is, for the traffic it makes. */
export type DeviceRole =
  | 'core-switch'
  | 'access-switch'
  | 'edge-router'
  | 'firewall'
  | 'dmz-firewall'
  | 'ids'
  | 'zeek'
  | 'ups'
  | 'power-feeder'
  | 'substation'
  | 'domain-controller'
  | 'linux-server'
  | 'web-server'
  | 'database'
  | 'payment-gateway'
  | 'admin-workstation'
  | 'iccc-app'
  | 'vms'
  | 'vms-database'
  | 'video-wall'
  | 'nvr'
  | 'camera'
  | 'camera-vendor-server'
  | 'operator-workstation'
  | 'office-workstation'
  | 'atcs-server'
  | 'traffic-controller'
  | 'scada-server'
  | 'hmi'
  | 'historian'
  | 'plc'
  | 'rtu'
  | 'power-scada'
  | 'power-rtu'
  | 'iot-platform'
  | 'mqtt-broker'
  | 'sensor'
  | 'wifi-controller'
  | 'radius'
  | 'wifi-portal'
  | 'wifi-ap';

/** An asset row as the import API reads it (JSON). */
export interface DemoAsset {
  name: string;
  kind: string;
  zone: 'it' | 'ot' | 'iot' | 'dmz' | 'cloud';
  department: string;
  /** the owner's username */
  owner: string;
  criticality: number;
  description: string;
  vendor?: string;
  product?: string;
  version?: string;
  ward?: string;
  site: string;
  latitude: number;
  longitude: number;
  tags: string[];
  ips?: string[];
  macs?: string[];
  hostnames?: string[];
  personalData?: boolean;
  internetExposed?: boolean;
}

export interface DemoService {
  name: string;
  description: string;
  citizenImpact: number;
  populationServed: number;
  mtdMinutes: number;
  department: string;
  owner: string;
}

export interface DemoEdge {
  from: string;
  to: string;
  type: 'depends_on' | 'powered_by' | 'network_via' | 'data_from' | 'supports';
  timeToImpactMinutes?: number;
  redundancyGroup?: string;
  redundancyK?: number;
  note?: string;
}

export interface DemoOwner {
  username: string;
  displayName: string;
  department: string;
}

/** How an asset takes part in the traffic: what it is, its address, and its neighbours. */
export interface Device {
  name: string;
  role: DeviceRole;
  ip: string | null;
  hostname: string | null;
  department: string;
  /** city zone (north, south, east, west) for field devices; pumping station number for water */
  group: string | null;
  /** assets it talks to by design (a camera's NVR, a controller's central server …) */
  peers: string[];
  vendor: string | null;
}

export interface DemoCity {
  name: string;
  /** DNS domain of the city's public sites and internal hosts */
  domain: string;
  seed: number;
  owners: DemoOwner[];
  departments: string[];
  assets: DemoAsset[];
  services: DemoService[];
  edges: DemoEdge[];
  devices: Device[];
  /**
   * Values for the city rules' `|expand` placeholders that this city needs set
   * (`detection.placeholders`): its SCADA masters and its camera networks.
   */
  placeholders: { scada_masters: string[]; camera_networks: string[] };
}

/** The document `POST /api/v1/assets/import` takes (format json). */
export function importDocument(city: DemoCity): {
  assets: DemoAsset[];
  services: DemoService[];
  edges: DemoEdge[];
} {
  return { assets: city.assets, services: city.services, edges: city.edges };
}

export const DEFAULT_SEED = 1;

const ZONES = ['north', 'south', 'east', 'west'] as const;
type CityZone = (typeof ZONES)[number];
/** Wards 1–24: six per zone. */
const WARDS: Record<CityZone, number[]> = {
  north: [1, 2, 3, 4, 5, 6],
  south: [7, 8, 9, 10, 11, 12],
  east: [13, 14, 15, 16, 17, 18],
  west: [19, 20, 21, 22, 23, 24],
};
const CENTRE = { lat: 19.874, lon: 75.343 };
const ZONE_OFFSET: Record<CityZone, { lat: number; lon: number }> = {
  north: { lat: 0.035, lon: 0 },
  south: { lat: -0.035, lon: 0 },
  east: { lat: 0, lon: 0.04 },
  west: { lat: 0, lon: -0.04 },
};

const DEPT = {
  iccc: 'ICCC',
  it: 'IT and e-Governance',
  water: 'Water Supply',
  power: 'Electrical',
  traffic: 'Traffic',
  env: 'Environment',
  revenue: 'Revenue',
  health: 'Health',
  finance: 'Finance',
  spv: 'Smart City SPV',
} as const;

const OWNERS: DemoOwner[] = [
  { username: 'priya.iccc', displayName: 'Priya Nair', department: DEPT.iccc },
  { username: 'arun.it', displayName: 'Arun Kulkarni', department: DEPT.it },
  { username: 'suresh.water', displayName: 'Suresh Patil', department: DEPT.water },
  { username: 'kavita.power', displayName: 'Kavita Deshmukh', department: DEPT.power },
  { username: 'imran.traffic', displayName: 'Imran Shaikh', department: DEPT.traffic },
  { username: 'meena.env', displayName: 'Meena Iyer', department: DEPT.env },
  { username: 'rajesh.revenue', displayName: 'Rajesh Jadhav', department: DEPT.revenue },
  { username: 'fatima.health', displayName: 'Fatima Qureshi', department: DEPT.health },
  { username: 'deepak.finance', displayName: 'Deepak Rao', department: DEPT.finance },
  { username: 'neha.spv', displayName: 'Neha Joshi', department: DEPT.spv },
];

const ownerOf = (department: string): string =>
  OWNERS.find((o) => o.department === department)!.username;

const CAMERA_MAKES = [
  ['Drishti Vision', 'DV-IPC-4M-B', ['V5.6.3', 'V5.7.1']],
  ['CP Plus', 'CP-UNC-TA41PL3', ['2.622.0000000.3', '2.800.0000000.1']],
  ['Hikvision', 'DS-2CD2043G2-I', ['V5.7.3', 'V5.7.15']],
  ['Dahua', 'IPC-HFW2431S-S-S2', ['2.800.0000000.13']],
  ['Axis', 'P1455-LE', ['10.12.153', '11.5.64']],
] as const;
/** The camera make whose fleet the vendor's device-management server looks after. */
export const MANAGED_CAMERA_VENDOR = 'Drishti Vision';

const JUNCTION_ROADS = [
  'Station Road',
  'Jalna Road',
  'Paithan Gate',
  'Kranti Chowk',
  'Cidco Bus Stand',
  'Gulmandi',
  'Railway Overbridge',
  'Market Yard',
  'Collector Office',
  'Civil Hospital',
  'Bajaj Nagar',
  'University Gate',
];

/** A locally administered MAC made from the IP, so it is unique and stable. */
function macOf(ip: string): string {
  const [, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  return ['02', '5a', '00', b, c, d]
    .map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x))
    .join(':');
}

class CityBuilder {
  readonly assets: DemoAsset[] = [];
  readonly services: DemoService[] = [];
  readonly edges: DemoEdge[] = [];
  readonly devices: Device[] = [];

  constructor(
    readonly dice: Dice,
    readonly domain: string,
  ) {}

  place(zone: CityZone | null, spread = 0.02): { latitude: number; longitude: number } {
    const off = zone ? ZONE_OFFSET[zone] : { lat: 0, lon: 0 };
    const j = () => (this.dice.float() - 0.5) * spread;
    return {
      latitude: Math.round((CENTRE.lat + off.lat + j()) * 1e5) / 1e5,
      longitude: Math.round((CENTRE.lon + off.lon + j()) * 1e5) / 1e5,
    };
  }

  add(
    role: DeviceRole,
    asset: Omit<DemoAsset, 'owner' | 'latitude' | 'longitude'> & {
      latitude?: number;
      longitude?: number;
    },
    options: { ip?: string; group?: string; peers?: string[]; cityZone?: CityZone | null } = {},
  ): DemoAsset {
    const where = this.place(options.cityZone ?? null, options.cityZone ? 0.03 : 0.004);
    const ip = options.ip ?? null;
    const full: DemoAsset = {
      ...asset,
      owner: ownerOf(asset.department),
      latitude: asset.latitude ?? where.latitude,
      longitude: asset.longitude ?? where.longitude,
      ...(ip && { ips: [ip], macs: [macOf(ip)] }),
      ...(ip && { hostnames: [asset.name] }),
    };
    this.assets.push(full);
    this.devices.push({
      name: asset.name,
      role,
      ip,
      hostname: ip ? asset.name : null,
      department: asset.department,
      group: options.group ?? null,
      peers: options.peers ?? [],
      vendor: asset.vendor ?? null,
    });
    return full;
  }

  edge(
    from: string,
    to: string,
    type: DemoEdge['type'],
    extra: Omit<DemoEdge, 'from' | 'to' | 'type'> = {},
  ): void {
    this.edges.push({ from, to, type, ...extra });
  }

  /** `from` needs any `k` of `to`. */
  group(
    from: string,
    to: readonly string[],
    type: DemoEdge['type'],
    group: string,
    k: number,
    extra: Omit<DemoEdge, 'from' | 'to' | 'type'> = {},
  ): void {
    for (const t of to)
      this.edges.push({ from, to: t, type, redundancyGroup: group, redundancyK: k, ...extra });
  }
}

/** The data-centre essentials every server in it needs: power from either UPS, either core switch. */
const DC_UPS = ['dc-ups-a', 'dc-ups-b'];
const CORE = ['core-sw-01', 'core-sw-02'];

function inDataCentre(b: CityBuilder, name: string): void {
  b.group(name, DC_UPS, 'powered_by', 'ups', 1);
  b.group(name, CORE, 'network_via', 'core', 1);
}

/**
 * Builds the city for a seed. Same seed, same city: names, addresses and edges are stable, so
 * importing it again changes nothing.
 */
export function demoCity(seed: number = DEFAULT_SEED): DemoCity {
  const dice = new Dice(seed);
  const b = new CityBuilder(dice.fork(1), 'demo-city.example');
  const site = {
    dc: 'Smart City Data Centre, Town Hall',
    iccc: 'Integrated Command and Control Centre, Town Hall',
    water: 'Water Works Control Room, Harsul',
    power: 'Electrical Control Room, Chikalthana',
  };
  const here = (zone: CityZone | null = null) => b.place(zone, 0.004);

  // ---- power: two substations, feeders for the data centre and the pumping stations ----
  for (const [name, zone] of [
    ['substation-east', 'east'],
    ['substation-west', 'west'],
  ] as const)
    b.add(
      'substation',
      {
        name,
        kind: 'other',
        zone: 'ot',
        department: DEPT.power,
        criticality: 5,
        description: `33/11 kV substation (${zone} of the city)`,
        site: `${zone === 'east' ? 'Chikalthana' : 'Padegaon'} 33/11 kV substation`,
        tags: ['power', 'substation'],
        ...b.place(zone, 0.01),
      },
      { cityZone: zone },
    );
  const feeders: [string, string, string][] = [
    ['feeder-dc-a', 'substation-east', 'Town Hall data centre, incomer A'],
    ['feeder-dc-b', 'substation-west', 'Town Hall data centre, incomer B'],
    ['feeder-ps1-a', 'substation-east', 'Pumping station 1, incomer A'],
    ['feeder-ps1-b', 'substation-west', 'Pumping station 1, incomer B'],
    ['feeder-ps2-a', 'substation-east', 'Pumping station 2, incomer A'],
    ['feeder-ps2-b', 'substation-east', 'Pumping station 2, incomer B (same substation)'],
    ['feeder-ps3', 'substation-west', 'Pumping station 3, single incomer'],
  ];
  for (const [name, substation, description] of feeders) {
    b.add('power-feeder', {
      name,
      kind: 'power_feeder',
      zone: 'ot',
      department: DEPT.power,
      criticality: 4,
      description: `11 kV feeder: ${description}`,
      site: description,
      tags: ['power', 'feeder'],
    });
    b.edge(name, substation, 'powered_by');
  }

  // ---- data centre: UPS, core, firewalls, internet, sensors ----
  for (const [name, ip] of [
    ['dc-ups-a', '10.10.0.30'],
    ['dc-ups-b', '10.10.0.31'],
  ] as const) {
    b.add(
      'ups',
      {
        name,
        kind: 'ups',
        zone: 'it',
        department: DEPT.it,
        criticality: 5,
        description: 'Data-centre UPS (40 kVA, 30 minutes on battery)',
        vendor: 'Vertiv',
        product: 'Liebert EXS 40kVA',
        site: site.dc,
        tags: ['data-centre', 'power'],
        ...here(),
      },
      { ip },
    );
    b.group(name, ['feeder-dc-a', 'feeder-dc-b'], 'powered_by', 'grid', 1, {
      timeToImpactMinutes: 30,
      note: 'on battery for 30 minutes',
    });
  }
  for (const [name, ip] of [
    ['core-sw-01', '10.10.0.2'],
    ['core-sw-02', '10.10.0.3'],
  ] as const) {
    b.add(
      'core-switch',
      {
        name,
        kind: 'network_device',
        zone: 'it',
        department: DEPT.it,
        criticality: 5,
        description: 'Data-centre core switch (stacked pair)',
        vendor: 'Cisco',
        product: 'Catalyst 9500-48Y4C',
        version: '17.9.4a',
        site: site.dc,
        tags: ['data-centre', 'network'],
        ...here(),
      },
      { ip },
    );
    b.group(name, DC_UPS, 'powered_by', 'ups', 1);
  }
  for (const [name, ip] of [
    ['edge-rtr-01', '10.10.0.8'],
    ['edge-rtr-02', '10.10.0.9'],
  ] as const) {
    b.add(
      'edge-router',
      {
        name,
        kind: 'network_device',
        zone: 'dmz',
        department: DEPT.it,
        criticality: 4,
        description: `Internet edge router (${name === 'edge-rtr-01' ? 'BSNL' : 'RailTel'} 1 Gbit/s)`,
        vendor: 'Cisco',
        product: 'ASR 1001-X',
        version: '17.6.5',
        site: site.dc,
        tags: ['internet', 'network'],
        ...here(),
      },
      { ip },
    );
    b.group(name, DC_UPS, 'powered_by', 'ups', 1);
  }
  for (const [name, ip] of [
    ['fw-dc-01', '10.10.0.4'],
    ['fw-dc-02', '10.10.0.5'],
  ] as const) {
    b.add(
      'firewall',
      {
        name,
        kind: 'firewall',
        zone: 'it',
        department: DEPT.it,
        criticality: 5,
        description:
          'Perimeter and segmentation firewall (HA pair): DoS policy on the internet links, policies between IT, ICCC, OT and field networks',
        vendor: 'Fortinet',
        product: 'FortiGate 600F',
        version: '7.2.8',
        site: site.dc,
        tags: ['data-centre', 'firewall'],
        ...here(),
      },
      { ip },
    );
    inDataCentre(b, name);
    b.group(name, ['edge-rtr-01', 'edge-rtr-02'], 'network_via', 'internet', 1);
  }
  b.add(
    'dmz-firewall',
    {
      name: 'fw-dmz-01',
      kind: 'firewall',
      zone: 'dmz',
      department: DEPT.it,
      criticality: 4,
      description: 'Perimeter firewall in front of the e-governance DMZ (single unit)',
      vendor: 'Palo Alto Networks',
      product: 'PA-3220',
      version: '10.2.4',
      site: site.dc,
      tags: ['dmz', 'firewall', 'internet'],
      internetExposed: true,
      ...here(),
    },
    { ip: '10.10.0.6' },
  );
  inDataCentre(b, 'fw-dmz-01');
  b.group('fw-dmz-01', ['fw-dc-01', 'fw-dc-02'], 'network_via', 'perimeter', 1);
  for (const [name, ip, role, product, description] of [
    [
      'ids-edge-01',
      '10.10.0.20',
      'ids',
      'Suricata 7.0',
      'Network IDS on the internet edge (mirror of both uplinks)',
    ],
    [
      'zeek-dc-01',
      '10.10.0.21',
      'zeek',
      'Zeek 6.0',
      'Network sensor on the data-centre and DMZ segments',
    ],
    [
      'zeek-iccc-01',
      '10.20.0.21',
      'zeek',
      'Zeek 6.0',
      'Network sensor on the camera and ICCC networks',
    ],
    [
      'zeek-ot-01',
      '10.50.0.40',
      'zeek',
      'Zeek 6.0 + ICSNPP',
      'Network sensor on the water and power OT networks (Modbus, DNP3 parsers)',
    ],
  ] as const) {
    b.add(
      role,
      {
        name,
        kind: 'server',
        zone: name === 'zeek-ot-01' ? 'ot' : 'it',
        department: DEPT.it,
        criticality: 3,
        description,
        vendor: name === 'ids-edge-01' ? 'OISF' : 'Zeek Project',
        product,
        site: name === 'zeek-ot-01' ? site.water : site.dc,
        tags: ['security', 'sensor'],
        ...here(),
      },
      { ip },
    );
  }

  // ---- directory and shared IT ----
  for (const [name, ip] of [
    ['ad-dc-01', '10.10.1.10'],
    ['ad-dc-02', '10.10.1.11'],
  ] as const) {
    b.add(
      'domain-controller',
      {
        name,
        kind: 'server',
        zone: 'it',
        department: DEPT.it,
        criticality: 4,
        description: 'Active Directory domain controller and DNS resolver (corp.demo-city.example)',
        vendor: 'Microsoft',
        product: 'Windows Server 2022',
        site: site.dc,
        tags: ['directory', 'dns'],
        ...here(),
      },
      { ip },
    );
    inDataCentre(b, name);
  }
  b.add(
    'linux-server',
    {
      name: 'backup-01',
      kind: 'server',
      zone: 'it',
      department: DEPT.it,
      criticality: 3,
      description: 'Backup server (nightly database and VM backups)',
      vendor: 'Canonical',
      product: 'Ubuntu Server 22.04 LTS',
      site: site.dc,
      tags: ['backup'],
      ...here(),
    },
    { ip: '10.10.1.20' },
  );
  inDataCentre(b, 'backup-01');
  b.add(
    'web-server',
    {
      name: 'eoffice-app-01',
      kind: 'web_application',
      zone: 'it',
      department: DEPT.it,
      criticality: 2,
      description: 'Municipal e-office (file movement, internal approvals)',
      vendor: 'NIC',
      product: 'eOffice',
      version: '7.3',
      site: site.dc,
      tags: ['e-governance', 'internal'],
      ...here(),
    },
    { ip: '10.10.1.30' },
  );
  inDataCentre(b, 'eoffice-app-01');
  b.group('eoffice-app-01', ['ad-dc-01', 'ad-dc-02'], 'depends_on', 'directory', 1);
  for (const [name, ip] of [
    ['it-admin-ws-01', '10.10.2.11'],
    ['it-admin-ws-02', '10.10.2.12'],
    ['it-admin-ws-03', '10.10.2.13'],
  ] as const)
    b.add(
      'admin-workstation',
      {
        name,
        kind: 'workstation',
        zone: 'it',
        department: DEPT.it,
        criticality: 3,
        description: 'IT administrator jump host (SSH to servers)',
        vendor: 'Canonical',
        product: 'Ubuntu Desktop 22.04 LTS',
        site: site.dc,
        tags: ['admin'],
        ...here(),
      },
      { ip },
    );

  // ---- e-governance DMZ and its databases ----
  const dmzWeb = (
    name: string,
    ip: string,
    department: string,
    description: string,
    publicHost: string,
    personalData: boolean,
  ) => {
    b.add(
      'web-server',
      {
        name,
        kind: 'web_application',
        zone: 'dmz',
        department,
        criticality: 3,
        description: `${description} (https://${publicHost}.${b.domain})`,
        vendor: 'F5',
        product: 'nginx',
        version: '1.24.0',
        site: site.dc,
        tags: ['e-governance', 'internet'],
        internetExposed: true,
        personalData,
        ...here(),
      },
      { ip, group: publicHost },
    );
    inDataCentre(b, name);
    b.edge(name, 'fw-dmz-01', 'network_via');
  };
  dmzWeb(
    'ptax-web-01',
    '10.15.0.11',
    DEPT.revenue,
    'Property-tax portal, web node 1',
    'ptax',
    true,
  );
  dmzWeb(
    'ptax-web-02',
    '10.15.0.12',
    DEPT.revenue,
    'Property-tax portal, web node 2',
    'ptax',
    true,
  );
  dmzWeb(
    'cert-web-01',
    '10.15.0.21',
    DEPT.health,
    'Birth and death certificates portal',
    'certificates',
    true,
  );
  b.add(
    'payment-gateway',
    {
      name: 'pay-gw-01',
      kind: 'payment_gateway',
      zone: 'dmz',
      department: DEPT.finance,
      criticality: 4,
      description: `City payment gateway: property tax, water bills and fees to the bank aggregator (https://pay.${b.domain})`,
      vendor: 'Bank aggregator integration',
      product: 'nginx + payment API',
      version: '3.4.1',
      site: site.dc,
      tags: ['payments', 'internet'],
      internetExposed: true,
      ...here(),
    },
    { ip: '10.15.0.31', group: 'pay' },
  );
  inDataCentre(b, 'pay-gw-01');
  b.edge('pay-gw-01', 'fw-dmz-01', 'network_via');
  for (const [name, ip, department, description, peers] of [
    [
      'ptax-db-01',
      '10.10.3.11',
      DEPT.revenue,
      'Property-tax database: owners, addresses, assessments, payments',
      ['ptax-web-01', 'ptax-web-02'],
    ],
    [
      'cert-db-01',
      '10.10.3.21',
      DEPT.health,
      'Civil registration database: births, deaths, parents, Aadhaar-linked applicant records',
      ['cert-web-01'],
    ],
  ] as const) {
    b.add(
      'database',
      {
        name,
        kind: 'database',
        zone: 'it',
        department,
        criticality: 4,
        description,
        vendor: 'PostgreSQL',
        product: 'PostgreSQL',
        version: '15.6',
        site: site.dc,
        tags: ['database', 'personal-data'],
        personalData: true,
        ...here(),
      },
      { ip, peers: [...peers] },
    );
    inDataCentre(b, name);
  }
  for (const web of ['ptax-web-01', 'ptax-web-02']) {
    b.edge(web, 'ptax-db-01', 'depends_on');
    b.edge(web, 'pay-gw-01', 'depends_on', { note: 'tax is paid through the gateway' });
  }
  b.edge('cert-web-01', 'cert-db-01', 'depends_on');

  // ---- ICCC ----
  for (let i = 1; i <= 4; i++) {
    const name = `iccc-app-0${i}`;
    b.add(
      'iccc-app',
      {
        name,
        kind: 'server',
        zone: 'it',
        department: DEPT.iccc,
        criticality: 4,
        description: `ICCC integrated operations platform, application node ${i}`,
        vendor: 'Canonical',
        product: 'Ubuntu Server 22.04 LTS',
        site: site.iccc,
        tags: ['iccc'],
        ...here(),
      },
      { ip: `10.20.0.1${i}`, peers: ['iccc-db-01', 'iccc-db-02'] },
    );
    inDataCentre(b, name);
    b.group(name, ['iccc-db-01', 'iccc-db-02'], 'depends_on', 'database', 1);
  }
  for (const [name, ip] of [
    ['iccc-db-01', '10.20.0.15'],
    ['iccc-db-02', '10.20.0.16'],
  ] as const) {
    b.add(
      'database',
      {
        name,
        kind: 'database',
        zone: 'it',
        department: DEPT.iccc,
        criticality: 4,
        description: 'ICCC platform database (streaming replica pair)',
        vendor: 'PostgreSQL',
        product: 'PostgreSQL',
        version: '15.6',
        site: site.iccc,
        tags: ['iccc', 'database'],
        ...here(),
      },
      { ip, peers: ['iccc-app-01', 'iccc-app-02', 'iccc-app-03', 'iccc-app-04'] },
    );
    inDataCentre(b, name);
  }
  const nvrs = ZONES.map((z) => `nvr-${z}-01`);
  for (let i = 1; i <= 3; i++) {
    const name = `vms-0${i}`;
    b.add(
      'vms',
      {
        name,
        kind: 'nvr_vms',
        zone: 'it',
        department: DEPT.iccc,
        criticality: 4,
        description: `Video management server ${i} (management and mobile server)`,
        vendor: 'Milestone Systems',
        product: 'XProtect Corporate 2023 R3 on Windows Server 2019',
        version: '23.3a',
        site: site.iccc,
        tags: ['iccc', 'cctv', 'windows'],
        ...here(),
      },
      { ip: `10.20.0.3${i}`, peers: nvrs },
    );
    inDataCentre(b, name);
    b.edge(name, 'vms-sql-01', 'depends_on', {
      timeToImpactMinutes: 30,
      note: 'recording continues, configuration and login stop',
    });
    b.group(name, nvrs, 'data_from', 'recorders', 1);
  }
  b.add(
    'vms-database',
    {
      name: 'vms-sql-01',
      kind: 'database',
      zone: 'it',
      department: DEPT.iccc,
      criticality: 4,
      description: 'VMS configuration database (single SQL Server instance)',
      vendor: 'Microsoft',
      product: 'SQL Server 2019 Standard',
      site: site.iccc,
      tags: ['iccc', 'cctv', 'windows'],
      ...here(),
    },
    { ip: '10.20.0.34' },
  );
  inDataCentre(b, 'vms-sql-01');
  b.add(
    'video-wall',
    {
      name: 'videowall-01',
      kind: 'server',
      zone: 'it',
      department: DEPT.iccc,
      criticality: 4,
      description: 'Video wall controller (6x4 wall in the ICCC operations hall)',
      vendor: 'Barco',
      product: 'TransForm N',
      site: site.iccc,
      tags: ['iccc', 'cctv'],
      ...here(),
    },
    { ip: '10.20.0.40', peers: ['vms-01', 'vms-02', 'vms-03'] },
  );
  inDataCentre(b, 'videowall-01');
  b.add(
    'camera-vendor-server',
    {
      name: 'cam-vendor-mgmt-01',
      kind: 'server',
      zone: 'it',
      department: DEPT.iccc,
      criticality: 3,
      description: `${MANAGED_CAMERA_VENDOR} device-management and firmware-update server, run by the vendor under the CCTV maintenance contract`,
      vendor: MANAGED_CAMERA_VENDOR,
      product: 'DV Device Manager',
      version: '4.2.0',
      site: site.iccc,
      tags: ['iccc', 'cctv', 'vendor-managed'],
      ...here(),
    },
    { ip: '10.20.0.50' },
  );
  inDataCentre(b, 'cam-vendor-mgmt-01');
  for (let i = 1; i <= 6; i++)
    b.add(
      'operator-workstation',
      {
        name: `iccc-ws-0${i}`,
        kind: 'workstation',
        zone: 'it',
        department: DEPT.iccc,
        criticality: 2,
        description: `ICCC operator console ${i}`,
        vendor: 'Dell',
        product: 'OptiPlex 7010, Windows 11 Enterprise',
        site: site.iccc,
        tags: ['iccc', 'windows'],
        ...here(),
      },
      { ip: `10.20.2.1${i}`, peers: ['vms-01', 'vms-02', 'vms-03', 'iccc-app-01'] },
    );

  // ---- field networks: one aggregation switch per zone carries cameras, junctions, Wi-Fi ----
  const zoneIndex = (z: CityZone) => ZONES.indexOf(z) + 1;
  const makes = dice.fork(2);
  let cameraNo = 0;
  for (const z of ZONES) {
    const agg = `agg-sw-${z}`;
    b.add(
      'access-switch',
      {
        name: agg,
        kind: 'network_device',
        zone: 'iot',
        department: DEPT.iccc,
        criticality: 3,
        description: `Field aggregation switch, ${z} zone fibre ring (cameras, junctions, Wi-Fi)`,
        vendor: 'Cisco',
        product: 'Catalyst IE-5000',
        version: '15.2(8)E3',
        site: `${z[0]!.toUpperCase()}${z.slice(1)} zone point of presence`,
        tags: ['network', 'field'],
        ...b.place(z, 0.01),
      },
      { ip: `10.30.${zoneIndex(z)}.1`, group: z, cityZone: z },
    );
    b.group(agg, CORE, 'network_via', 'core', 1);
    const nvr = `nvr-${z}-01`;
    b.add(
      'nvr',
      {
        name: nvr,
        kind: 'nvr_vms',
        zone: 'iot',
        department: DEPT.iccc,
        criticality: 3,
        description: `Network video recorder for the ${z} zone cameras (30 days of footage)`,
        vendor: 'Hikvision',
        product: 'DS-9664NI-M8',
        version: 'V4.62.210',
        site: site.iccc,
        tags: ['cctv', 'recording'],
        ...here(),
      },
      { ip: `10.20.1.1${zoneIndex(z)}`, group: z },
    );
    inDataCentre(b, nvr);
    const count = makes.int(26, 34);
    const cameras: string[] = [];
    for (let i = 1; i <= count; i++) {
      cameraNo++;
      const name = `cam-${z[0]}-${String(i).padStart(3, '0')}`;
      const ward = makes.pick(WARDS[z]);
      const [vendor, product, versions] = makes.weighted(
        CAMERA_MAKES.map((m, idx) => [m, idx === 0 ? 3 : 2] as const),
      );
      b.add(
        'camera',
        {
          name,
          kind: 'camera',
          zone: 'iot',
          department: DEPT.iccc,
          criticality: 3,
          description: `CCTV camera ${cameraNo}, ward ${ward} (${makes.pick(['junction', 'market', 'bus stand', 'school gate', 'main road', 'park'])})`,
          vendor,
          product,
          version: makes.pick(versions),
          ward: `Ward ${ward}`,
          site: `Pole ${makes.int(100, 999)}`,
          tags: ['cctv', `ward-${ward}`],
        },
        {
          ip: `10.30.${zoneIndex(z)}.${10 + i}`,
          group: z,
          peers: [nvr, ...(vendor === MANAGED_CAMERA_VENDOR ? ['cam-vendor-mgmt-01'] : [])],
          cityZone: z,
        },
      );
      b.edge(name, agg, 'network_via');
      cameras.push(name);
    }
    b.group(nvr, cameras, 'data_from', 'cameras', 1);
  }

  // ---- adaptive traffic signals ----
  b.add(
    'atcs-server',
    {
      name: 'atcs-srv-01',
      kind: 'server',
      zone: 'ot',
      department: DEPT.traffic,
      criticality: 4,
      description: 'Adaptive traffic control central server (plans, green waves, junction health)',
      vendor: 'Canonical',
      product: 'Ubuntu Server 20.04 LTS',
      site: site.iccc,
      tags: ['traffic'],
      ...here(),
    },
    { ip: '10.10.1.40' },
  );
  inDataCentre(b, 'atcs-srv-01');
  const junctions: string[] = [];
  const jd = dice.fork(3);
  let junctionNo = 0;
  for (const z of ZONES) {
    const n = jd.int(8, 12);
    for (let i = 1; i <= n; i++) {
      junctionNo++;
      const name = `atc-j${String(junctionNo).padStart(3, '0')}`;
      const ward = jd.pick(WARDS[z]);
      const vendor = jd.pick([
        ['Siemens', 'sX Controller', '4.2'],
        ['Swarco', 'ITC-3', '3.1.7'],
        ['Keltron', 'KTC-500', '2.8'],
      ] as const);
      b.add(
        'traffic-controller',
        {
          name,
          kind: 'traffic_controller',
          zone: 'ot',
          department: DEPT.traffic,
          criticality: 4,
          description: `Traffic signal controller, ${jd.pick(JUNCTION_ROADS)} junction (ward ${ward})`,
          vendor: vendor[0],
          product: vendor[1],
          version: vendor[2],
          ward: `Ward ${ward}`,
          site: `Junction ${junctionNo}`,
          tags: ['traffic', `ward-${ward}`],
        },
        {
          ip: `10.40.${zoneIndex(z)}.${10 + i}`,
          group: z,
          peers: ['atcs-srv-01'],
          cityZone: z,
        },
      );
      b.edge(name, `agg-sw-${z}`, 'network_via');
      junctions.push(name);
    }
  }

  // ---- water SCADA: control room, three pumping stations, reservoirs ----
  b.add(
    'access-switch',
    {
      name: 'ot-core-sw-01',
      kind: 'network_device',
      zone: 'ot',
      department: DEPT.water,
      criticality: 5,
      description: 'OT core switch: water and power SCADA networks (single unit)',
      vendor: 'Hirschmann',
      product: 'MACH4000',
      version: '9.0.05',
      site: site.water,
      tags: ['ot', 'network'],
      ...here(),
    },
    { ip: '10.50.0.2' },
  );
  const scada = ['scada-srv-01', 'scada-srv-02'];
  for (const [i, name] of scada.entries()) {
    b.add(
      'scada-server',
      {
        name,
        kind: 'scada_server',
        zone: 'ot',
        department: DEPT.water,
        criticality: 5,
        description: `Water SCADA server (${i === 0 ? 'primary' : 'hot standby'})`,
        vendor: 'AVEVA',
        product: 'Plant SCADA 2023 on Windows Server 2019',
        version: '8.0',
        site: site.water,
        tags: ['water', 'scada', 'windows'],
        ...here(),
      },
      { ip: `10.50.0.1${i}` },
    );
    b.edge(name, 'ot-core-sw-01', 'network_via');
  }
  for (const [name, ip] of [
    ['hmi-01', '10.50.0.20'],
    ['hmi-02', '10.50.0.21'],
  ] as const) {
    b.add(
      'hmi',
      {
        name,
        kind: 'hmi',
        zone: 'ot',
        department: DEPT.water,
        criticality: 4,
        description: 'Operator HMI in the water works control room',
        vendor: 'AVEVA',
        product: 'Plant SCADA client on Windows 10 IoT',
        site: site.water,
        tags: ['water', 'scada', 'windows'],
        ...here(),
      },
      { ip },
    );
    b.group(name, scada, 'depends_on', 'scada', 1);
  }
  b.add(
    'historian',
    {
      name: 'historian-01',
      kind: 'server',
      zone: 'ot',
      department: DEPT.water,
      criticality: 3,
      description: 'Process historian (flows, levels, pump hours)',
      vendor: 'AVEVA',
      product: 'Historian 2023',
      site: site.water,
      tags: ['water', 'scada'],
      ...here(),
    },
    { ip: '10.50.0.30' },
  );
  b.group('historian-01', scada, 'data_from', 'scada', 1);
  const stationFeeders: Record<number, string[]> = {
    1: ['feeder-ps1-a', 'feeder-ps1-b'],
    2: ['feeder-ps2-a', 'feeder-ps2-b'],
    3: ['feeder-ps3'],
  };
  const stationWards = ['wards 1–8', 'wards 9–16', 'wards 17–24'];
  const stationPopulation = [420_000, 385_000, 360_000];
  const stationNames = ['Harsul', 'Nakshatrawadi', 'Jaikwadi road'];
  for (let p = 1; p <= 3; p++) {
    const plc = `ps-${p}-plc`;
    const vendor = p === 3 ? 'Modicon M241' : 'Modicon M580';
    const rtus = [`esr-${p}a-rtu`, `esr-${p}b-rtu`];
    b.add(
      'plc',
      {
        name: plc,
        kind: 'plc_rtu',
        zone: 'ot',
        department: DEPT.water,
        criticality: 5,
        description: `Pumping station ${p} (${stationNames[p - 1]}) PLC: pumps, valves, chlorination`,
        vendor: 'Schneider Electric',
        product: vendor,
        version: p === 3 ? '5.1.9.34' : '4.10',
        site: `Pumping station ${p}, ${stationNames[p - 1]}`,
        tags: ['water', 'plc', 'modbus'],
        ...b.place(ZONES[p - 1]!, 0.01),
      },
      { ip: `10.50.${p}.10`, group: String(p), peers: rtus },
    );
    b.group(plc, scada, 'depends_on', 'scada', 1, {
      timeToImpactMinutes: 240,
      note: 'local logic keeps pumping; set-points and schedules stop after a shift',
    });
    b.edge(plc, 'ot-core-sw-01', 'network_via', { timeToImpactMinutes: 240 });
    const f = stationFeeders[p]!;
    if (f.length > 1) b.group(plc, f, 'powered_by', 'power', 1);
    else b.edge(plc, f[0]!, 'powered_by');
    for (const [i, rtu] of rtus.entries()) {
      b.add(
        'rtu',
        {
          name: rtu,
          kind: 'plc_rtu',
          zone: 'ot',
          department: DEPT.water,
          criticality: 4,
          description: `Elevated service reservoir ${p}${i === 0 ? 'A' : 'B'} level and outlet valve RTU`,
          vendor: 'Schneider Electric',
          product: 'SCADAPack 570',
          version: '9.1',
          site: `Elevated service reservoir ${p}${i === 0 ? 'A' : 'B'}`,
          tags: ['water', 'rtu', 'modbus'],
          ...b.place(ZONES[p - 1]!, 0.02),
        },
        { ip: `10.50.${p}.2${i}`, group: String(p) },
      );
      b.edge(rtu, 'ot-core-sw-01', 'network_via');
    }
    b.group(plc, rtus, 'data_from', 'levels', 1, { timeToImpactMinutes: 60 });
    b.services.push({
      name: `Water supply – zone ${'ABC'[p - 1]} (${stationWards[p - 1]})`,
      description: `Drinking water pumped from station ${p} to ${stationWards[p - 1]}`,
      citizenImpact: 5,
      populationServed: stationPopulation[p - 1]!,
      mtdMinutes: 240,
      department: DEPT.water,
      owner: ownerOf(DEPT.water),
    });
    b.edge(plc, b.services.at(-1)!.name, 'supports');
  }

  // ---- power SCADA (feeder monitoring over DNP3) ----
  b.add(
    'power-scada',
    {
      name: 'power-scada-01',
      kind: 'scada_server',
      zone: 'ot',
      department: DEPT.power,
      criticality: 5,
      description: 'Distribution SCADA master: feeder breakers and substation telemetry (DNP3)',
      vendor: 'Schneider Electric',
      product: 'EcoStruxure ADMS',
      version: '3.9',
      site: site.power,
      tags: ['power', 'scada', 'dnp3'],
      ...here(),
    },
    { ip: '10.55.0.10' },
  );
  b.edge('power-scada-01', 'ot-core-sw-01', 'network_via');
  const powerRtus = ['sub-east-rtu', 'sub-west-rtu'];
  for (const [i, name] of powerRtus.entries()) {
    b.add(
      'power-rtu',
      {
        name,
        kind: 'plc_rtu',
        zone: 'ot',
        department: DEPT.power,
        criticality: 4,
        description: `Substation RTU (${i === 0 ? 'east' : 'west'}): breakers, feeder currents`,
        vendor: 'SEL',
        product: 'RTAC SEL-3530',
        version: 'R151',
        site: `${i === 0 ? 'Chikalthana' : 'Padegaon'} 33/11 kV substation`,
        tags: ['power', 'rtu', 'dnp3'],
        ...b.place(i === 0 ? 'east' : 'west', 0.01),
      },
      { ip: `10.55.0.2${i}` },
    );
    b.edge(name, 'ot-core-sw-01', 'network_via');
  }

  // ---- environment: sensors over MQTT to the city IoT platform ----
  b.add(
    'mqtt-broker',
    {
      name: 'mqtt-broker-01',
      kind: 'server',
      zone: 'iot',
      department: DEPT.env,
      criticality: 3,
      description: 'MQTT broker for field sensors (TLS, port 8883)',
      vendor: 'EMQ',
      product: 'EMQX 5.3',
      site: site.dc,
      tags: ['iot', 'environment'],
      ...here(),
    },
    { ip: '10.10.1.51' },
  );
  inDataCentre(b, 'mqtt-broker-01');
  b.add(
    'iot-platform',
    {
      name: 'env-platform-01',
      kind: 'server',
      zone: 'it',
      department: DEPT.env,
      criticality: 3,
      description: 'Environmental data platform: air quality index, flood levels, public alerts',
      vendor: 'Canonical',
      product: 'Ubuntu Server 22.04 LTS',
      site: site.dc,
      tags: ['environment'],
      ...here(),
    },
    { ip: '10.10.1.50', peers: ['mqtt-broker-01'] },
  );
  inDataCentre(b, 'env-platform-01');
  b.edge('env-platform-01', 'mqtt-broker-01', 'data_from');
  const sensors: string[] = [];
  const sd = dice.fork(4);
  for (const z of ZONES) {
    const aq = sd.int(2, 4);
    const flood = sd.int(1, 3);
    for (let i = 1; i <= aq + flood; i++) {
      const isAq = i <= aq;
      const name = `${isAq ? 'aqs' : 'flood'}-${z[0]}-${String(isAq ? i : i - aq).padStart(2, '0')}`;
      const ward = sd.pick(WARDS[z]);
      b.add(
        'sensor',
        {
          name,
          kind: 'sensor',
          zone: 'iot',
          department: DEPT.env,
          criticality: 2,
          description: isAq
            ? `Air quality station (PM2.5, PM10, NO2, O3), ward ${ward}`
            : `Flood level sensor (nala / underpass), ward ${ward}`,
          vendor: isAq ? 'Oizom' : 'Libelium',
          product: isAq ? 'Polludrone Smart' : 'Smart Water Xtreme',
          version: isAq ? '3.4' : '2.1',
          ward: `Ward ${ward}`,
          site: isAq ? `AQ station, ward ${ward}` : `Underpass, ward ${ward}`,
          tags: ['environment', isAq ? 'air-quality' : 'flood'],
        },
        {
          ip: `10.60.${zoneIndex(z)}.${10 + i}`,
          group: z,
          peers: ['mqtt-broker-01'],
          cityZone: z,
        },
      );
      sensors.push(name);
    }
  }
  b.group('mqtt-broker-01', sensors, 'data_from', 'sensors', 1);

  // ---- public Wi-Fi ----
  for (const [role, name, ip, kind, description, product] of [
    [
      'wifi-controller',
      'wlc-01',
      '10.10.1.60',
      'network_device',
      'Wi-Fi controller for the city hotspots',
      'Catalyst 9800-40',
    ],
    [
      'radius',
      'radius-01',
      '10.10.1.61',
      'server',
      'RADIUS for hotspot logins (OTP to mobile number)',
      'FreeRADIUS 3.2 on Ubuntu 22.04',
    ],
    [
      'wifi-portal',
      'wifi-portal-01',
      '10.15.0.41',
      'web_application',
      `Hotspot captive portal (https://wifi.demo-city.example)`,
      'nginx + portal app',
    ],
  ] as const) {
    b.add(
      role,
      {
        name,
        kind,
        zone: role === 'wifi-portal' ? 'dmz' : 'it',
        department: DEPT.spv,
        criticality: 2,
        description,
        vendor: role === 'wifi-controller' ? 'Cisco' : 'Smart City SPV',
        product,
        site: site.dc,
        tags: ['wifi'],
        ...(role === 'wifi-portal' && { internetExposed: true, personalData: true }),
        ...here(),
      },
      { ip },
    );
    inDataCentre(b, name);
  }
  b.edge('wifi-portal-01', 'fw-dmz-01', 'network_via');
  const aps: string[] = [];
  const wd = dice.fork(5);
  let apNo = 0;
  for (const z of ZONES) {
    const n = wd.int(6, 9);
    for (let i = 1; i <= n; i++) {
      apNo++;
      const name = `wifi-ap-${String(apNo).padStart(3, '0')}`;
      const ward = wd.pick(WARDS[z]);
      b.add(
        'wifi-ap',
        {
          name,
          kind: 'wifi_ap',
          zone: 'iot',
          department: DEPT.spv,
          criticality: 2,
          description: `Public Wi-Fi hotspot, ${wd.pick(['bus stop', 'garden', 'market', 'railway station forecourt', 'ward office'])}, ward ${ward}`,
          vendor: 'Cisco',
          product: 'Catalyst 9124AXI',
          version: '17.9.4',
          ward: `Ward ${ward}`,
          site: `Hotspot ${apNo}`,
          tags: ['wifi', `ward-${ward}`],
        },
        {
          ip: `10.70.${zoneIndex(z)}.${10 + i}`,
          group: z,
          peers: ['wlc-01'],
          cityZone: z,
        },
      );
      b.edge(name, `agg-sw-${z}`, 'network_via');
      aps.push(name);
    }
  }

  // ---- department offices ----
  const od = dice.fork(6);
  const offices: [string, string, number][] = [
    [DEPT.revenue, 'rev', od.int(4, 7)],
    [DEPT.health, 'hlth', od.int(3, 5)],
    [DEPT.finance, 'fin', od.int(3, 5)],
    [DEPT.water, 'wtr', od.int(3, 5)],
    [DEPT.traffic, 'trf', od.int(2, 4)],
    [DEPT.env, 'env', od.int(2, 3)],
    [DEPT.it, 'it', od.int(3, 5)],
  ];
  for (const [index, [department, short, n]] of offices.entries())
    for (let i = 1; i <= n; i++)
      b.add(
        'office-workstation',
        {
          name: `${short}-pc-${String(i).padStart(2, '0')}`,
          kind: 'workstation',
          zone: 'it',
          department,
          criticality: 2,
          description: `${department} office PC ${i}`,
          vendor: od.pick(['Dell', 'HP', 'Lenovo']),
          product: 'Windows 11 Pro',
          version: od.pick(['23H2', '22H2']),
          site: 'Town Hall',
          tags: ['office', 'windows'],
          ...here(),
        },
        { ip: `10.80.${index + 1}.${20 + i}`, peers: ['ad-dc-01', 'ad-dc-02', 'eoffice-app-01'] },
      );

  // ---- city services and what supports them ----
  const service = (
    s: Omit<DemoService, 'owner'>,
    hard: string[],
    groups: { group: string; k: number; members: string[] }[] = [],
  ) => {
    b.services.push({ ...s, owner: ownerOf(s.department) });
    for (const h of hard) b.edge(h, s.name, 'supports');
    for (const g of groups)
      for (const m of g.members)
        b.edges.push({
          from: m,
          to: s.name,
          type: 'supports',
          redundancyGroup: g.group,
          redundancyK: g.k,
        });
  };
  service(
    {
      name: 'CCTV monitoring at the ICCC',
      description:
        'Live city surveillance on the ICCC video wall, for police and disaster response',
      citizenImpact: 4,
      populationServed: 1_250_000,
      mtdMinutes: 60,
      department: DEPT.iccc,
    },
    ['videowall-01'],
    [{ group: 'vms', k: 2, members: ['vms-01', 'vms-02', 'vms-03'] }],
  );
  service(
    {
      name: 'ICCC city operations platform',
      description: 'Integrated dashboards, incident dispatch and inter-department coordination',
      citizenImpact: 4,
      populationServed: 1_250_000,
      mtdMinutes: 120,
      department: DEPT.iccc,
    },
    [],
    [
      {
        group: 'platform',
        k: 2,
        members: ['iccc-app-01', 'iccc-app-02', 'iccc-app-03', 'iccc-app-04'],
      },
    ],
  );
  service(
    {
      name: 'Adaptive traffic signal control',
      description: 'Signal plans that follow traffic at the city junctions (fixed-time fallback)',
      citizenImpact: 4,
      populationServed: 1_250_000,
      mtdMinutes: 60,
      department: DEPT.traffic,
    },
    ['atcs-srv-01'],
    [{ group: 'junctions', k: 1, members: junctions }],
  );
  service(
    {
      name: 'Power supply monitoring',
      description: 'Feeder and substation telemetry, remote breaker operation, outage detection',
      citizenImpact: 4,
      populationServed: 1_250_000,
      mtdMinutes: 120,
      department: DEPT.power,
    },
    ['power-scada-01'],
    [{ group: 'substations', k: 1, members: powerRtus }],
  );
  service(
    {
      name: 'Air quality and flood early warning',
      description: 'Public air quality index and flood alerts for underpasses and nalas',
      citizenImpact: 3,
      populationServed: 1_250_000,
      mtdMinutes: 180,
      department: DEPT.env,
    },
    ['env-platform-01'],
  );
  service(
    {
      name: 'Public Wi-Fi',
      description: 'Free hotspots at bus stops, gardens and markets (OTP login)',
      citizenImpact: 2,
      populationServed: 150_000,
      mtdMinutes: 1440,
      department: DEPT.spv,
    },
    ['wlc-01', 'radius-01', 'wifi-portal-01'],
    [{ group: 'hotspots', k: 1, members: aps }],
  );
  service(
    {
      name: 'Property tax payments',
      description: 'Assessment look-up, online payment and receipts for property tax',
      citizenImpact: 3,
      populationServed: 310_000,
      mtdMinutes: 1440,
      department: DEPT.revenue,
    },
    [],
    [{ group: 'web', k: 1, members: ['ptax-web-01', 'ptax-web-02'] }],
  );
  service(
    {
      name: 'Birth and death certificates',
      description: 'Applications, verification and download of civil registration certificates',
      citizenImpact: 3,
      populationServed: 1_250_000,
      mtdMinutes: 2880,
      department: DEPT.health,
    },
    ['cert-web-01'],
  );
  service(
    {
      name: 'Online payments to the city',
      description: 'Water bills, trade licences and fees paid online',
      citizenImpact: 4,
      populationServed: 450_000,
      mtdMinutes: 480,
      department: DEPT.finance,
    },
    ['pay-gw-01'],
  );
  service(
    {
      name: 'Municipal e-office',
      description: 'Internal file movement and approvals for all departments',
      citizenImpact: 2,
      populationServed: 4_000,
      mtdMinutes: 480,
      department: DEPT.it,
    },
    ['eoffice-app-01'],
  );

  const ipOf = (name: string) => b.devices.find((d) => d.name === name)!.ip!;
  return {
    name: 'Demo City',
    domain: b.domain,
    seed,
    owners: OWNERS,
    departments: Object.values(DEPT),
    assets: b.assets,
    services: b.services,
    edges: b.edges,
    devices: b.devices,
    placeholders: {
      scada_masters: [
        'scada-srv-01',
        'scada-srv-02',
        'hmi-01',
        'hmi-02',
        'historian-01',
        'power-scada-01',
      ].map(ipOf),
      camera_networks: ZONES.map((z) => `10.30.${zoneIndex(z)}.*`),
    },
  };
}
