/**
 * Background telemetry of the Demo City: what its devices log on an ordinary day, in the formats
 * they really use. Citizens pay property tax and download certificates, office PCs open
 * documents, NVRs pull camera streams, the SCADA server polls the pumping stations, the edge IDS
 * sees the internet knock. Deterministic per seed; every line is stamped with the time it is
 * asked for, so the caller's clock decides how fast the day passes.
 *
 * Nothing here is an attack. The few things a SOC sees every day anyway — a mistyped password,
 * a bot asking for /wp-login.php, an offline camera, an operator changing a set-point — are
 * rationed in event time (at most one per interval), so no correlation threshold is reached
 * whatever the rate: the background raises no high or critical alert.
 */
import { Dice } from './dice.js';
import type { windowsEvent } from './formats.js';
import {
  SECURITY,
  SYSMON,
  eveLine,
  eveTime,
  fortigateEventLine,
  linuxSyslogLine,
  localIso,
  panCefLine,
  rfc5424,
  webAccessLine,
  windowsEventLine,
  zeekLine,
  type TelemetryLine,
} from './formats.js';
import { MANAGED_CAMERA_VENDOR, type DemoCity, type Device, type DeviceRole } from './model.js';

export interface TelemetryOptions {
  /** default: the city's seed */
  seed?: number;
}

/** Public addresses of the city's citizens: Indian mobile and broadband prefixes. */
const CITIZEN_PREFIXES = [
  '49.36',
  '49.37',
  '49.43',
  '106.205',
  '106.210',
  '117.199',
  '117.211',
  '122.161',
  '157.33',
  '157.34',
  '183.87',
  '223.185',
  '223.187',
];

const BROWSERS = [
  'Mozilla/5.0 (Linux; Android 13; SM-A146B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; CPH2491) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72',
  'Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.5993.111 Mobile Safari/537.36',
];
const CRAWLERS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
];
/** What internet background noise asks a public site for, one path per visitor. */
const BOT_PATHS = [
  '/wp-login.php',
  '/.env',
  '/phpmyadmin/',
  '/admin/',
  '/xmlrpc.php',
  '/.git/config',
];

const ADMINS = ['arun', 'sysadmin', 'deploy', 'ansible'];
const WINDOWS_USERS: Record<string, string[]> = {
  Revenue: ['anita.k', 'vijay.m', 'sunita.p', 'rahul.d'],
  Health: ['sunil.w', 'farah.s', 'prakash.g'],
  Finance: ['neelam.r', 'omkar.b', 'tejas.k'],
  'Water Supply': ['ganesh.p', 'mohan.l'],
  Traffic: ['ashok.t', 'irfan.k'],
  Environment: ['pooja.n', 'ravi.c'],
  'IT and e-Governance': ['arun', 'sachin.it', 'lata.it'],
  ICCC: ['operator1', 'operator2', 'operator3', 'shift.lead'],
};
const DOCUMENTS = [
  'Assessment_Ward12_2026.docx',
  'Tender_Road_Resurfacing.pdf',
  'Monthly_Collection_Report.xlsx',
  'Water_Bill_Arrears.xlsx',
  'Meeting_Minutes_Standing_Committee.docx',
  'Birth_Register_Nov.xlsx',
  'AQI_Weekly_Summary.pdf',
];
/** image, command line, the PE's OriginalFileName */
type App = [string, string, string];
const OFFICE_APPS: App[] = [
  [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"',
    'chrome.exe',
  ],
  [
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --profile-directory=Default',
    'msedge.exe',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n',
    'WinWord.exe',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE"',
    'Excel.exe',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"',
    'Outlook.exe',
  ],
  [
    'C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe',
    '"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe"',
    'Acrobat.exe',
  ],
  ['C:\\Windows\\System32\\notepad.exe', '"C:\\Windows\\system32\\notepad.exe"', 'NOTEPAD.EXE'],
];
const SERVER_APPS: Partial<Record<DeviceRole, App[]>> = {
  vms: [
    [
      'C:\\Program Files\\Milestone\\XProtect Recording Server\\VideoOS.Recorder.Service.exe',
      '"C:\\Program Files\\Milestone\\XProtect Recording Server\\VideoOS.Recorder.Service.exe"',
      'VideoOS.Recorder.Service.exe',
    ],
    [
      'C:\\Program Files\\Milestone\\XProtect Mobile Server\\VideoOS.MobileServer.Service.exe',
      '"C:\\Program Files\\Milestone\\XProtect Mobile Server\\VideoOS.MobileServer.Service.exe"',
      'VideoOS.MobileServer.Service.exe',
    ],
  ],
  'vms-database': [
    [
      'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe',
      '"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe" -sMSSQLSERVER',
      'sqlservr.exe',
    ],
  ],
  'scada-server': [
    [
      'C:\\Program Files (x86)\\AVEVA\\Plant SCADA\\Bin\\Runtime.exe',
      '"C:\\Program Files (x86)\\AVEVA\\Plant SCADA\\Bin\\Runtime.exe" /server',
      'Runtime.exe',
    ],
  ],
  hmi: [
    [
      'C:\\Program Files (x86)\\AVEVA\\Plant SCADA\\Bin\\Client.exe',
      '"C:\\Program Files (x86)\\AVEVA\\Plant SCADA\\Bin\\Client.exe" /display:Overview',
      'Client.exe',
    ],
  ],
  'domain-controller': [
    ['C:\\Windows\\System32\\dfsrs.exe', 'C:\\Windows\\system32\\DFSRs.exe', 'DFSRs.exe'],
  ],
};
const INTERNET_SITES: [string, string][] = [
  ['www.google.com', '142.250.183.'],
  ['outlook.office365.com', '52.98.151.'],
  ['login.microsoftonline.com', '20.190.159.'],
  ['www.india.gov.in', '164.100.166.'],
  ['mahaonline.gov.in', '103.23.150.'],
  ['update.googleapis.com', '142.250.192.'],
  ['www.onlinesbi.sbi', '103.209.96.'],
];
const LINUX_SERVER_ROLES: DeviceRole[] = [
  'linux-server',
  'iccc-app',
  'database',
  'web-server',
  'payment-gateway',
  'camera-vendor-server',
  'atcs-server',
  'iot-platform',
  'mqtt-broker',
  'radius',
  'wifi-portal',
];
const WINDOWS_ROLES: DeviceRole[] = [
  'office-workstation',
  'operator-workstation',
  'vms',
  'vms-database',
  'scada-server',
  'hmi',
  'domain-controller',
];

type Emit = (at: Date) => TelemetryLine;

/** An emitter used at most once per `everyMs` of event time; otherwise `instead` runs. */
interface Rationed {
  everyMs: number;
  last: number;
  emit: Emit;
}

/**
 * The city's background traffic. Call `next(at)` for each line; `at` is the line's time (the
 * caller's clock). The same seed and the same sequence of times give the same lines.
 */
export class TelemetryGenerator {
  readonly #dice: Dice;
  readonly #city: DemoCity;
  readonly #byRole = new Map<DeviceRole, Device[]>();
  readonly #byName = new Map<string, Device>();
  readonly #emitters: (readonly [Emit, number])[];
  #record = 100_000;
  /** cameras that are offline today: their NVR's connection attempts go unanswered */
  readonly #offline: Set<string>;

  constructor(city: DemoCity, options: TelemetryOptions = {}) {
    this.#city = city;
    this.#dice = new Dice((options.seed ?? city.seed) ^ 0x5eed);
    for (const d of city.devices) {
      this.#byName.set(d.name, d);
      const list = this.#byRole.get(d.role);
      if (list) list.push(d);
      else this.#byRole.set(d.role, [d]);
    }
    const cameras = this.#role('camera');
    this.#offline = new Set(
      ['north', 'south', 'east', 'west'].map((z) => {
        const inZone = cameras.filter((c) => c.group === z);
        return inZone[this.#dice.int(0, inZone.length - 1)]!.name;
      }),
    );
    const ration = (everyMs: number, emit: Emit, instead: Emit): Emit => {
      const r: Rationed = { everyMs, last: -Infinity, emit };
      return (at) => {
        if (at.getTime() - r.last < r.everyMs) return instead(at);
        r.last = at.getTime();
        return r.emit(at);
      };
    };
    const minutes = (n: number) => n * 60_000;
    this.#emitters = [
      [(at) => this.#fortigateTraffic(at), 12],
      [
        ration(
          minutes(1),
          (at) => this.#fortigateDeny(at),
          (at) => this.#fortigateTraffic(at),
        ),
        2,
      ],
      [(at) => this.#panTraffic(at), 7],
      [
        ration(
          minutes(2),
          (at) => this.#panDeny(at),
          (at) => this.#panTraffic(at),
        ),
        2,
      ],
      [(at) => this.#webRequest(at), 14],
      [
        ration(
          minutes(3),
          (at) => this.#botProbe(at),
          (at) => this.#webRequest(at),
        ),
        1,
      ],
      [(at) => this.#linuxServer(at), 8],
      [
        ration(
          minutes(10),
          (at) => this.#sshTypo(at),
          (at) => this.#linuxServer(at),
        ),
        1,
      ],
      [(at) => this.#windows(at), 14],
      [
        ration(
          minutes(10),
          (at) => this.#windowsTypo(at),
          (at) => this.#windows(at),
        ),
        1,
      ],
      [(at) => this.#zeekConn(at), 12],
      [
        ration(
          minutes(2),
          (at) => this.#offlineCamera(at),
          (at) => this.#zeekConn(at),
        ),
        1,
      ],
      [(at) => this.#zeekDns(at), 4],
      [(at) => this.#modbusPoll(at), 6],
      [
        ration(
          minutes(5),
          (at) => this.#hmiWrite(at),
          (at) => this.#modbusPoll(at),
        ),
        1,
      ],
      [(at) => this.#dnp3Poll(at), 2],
      [(at) => this.#suricata(at), 6],
      [
        ration(
          minutes(15),
          (at) => this.#suricataScanAlert(at),
          (at) => this.#suricata(at),
        ),
        1,
      ],
      [(at) => this.#nvrSyslog(at), 3],
      [(at) => this.#cameraSyslog(at), 2],
      [(at) => this.#trafficController(at), 3],
      [(at) => this.#wifi(at), 3],
    ];
  }

  /** The next background line, stamped `at`. */
  next(at: Date): TelemetryLine {
    return this.#dice.weighted(this.#emitters)(at);
  }

  // ---- helpers ----

  #role(role: DeviceRole): Device[] {
    return this.#byRole.get(role) ?? [];
  }

  #roles(roles: readonly DeviceRole[]): Device[] {
    return roles.flatMap((r) => this.#role(r));
  }

  #device(name: string): Device {
    const d = this.#byName.get(name);
    if (!d) throw new Error(`the city has no asset '${name}'`);
    return d;
  }

  #citizen(): string {
    const d = this.#dice;
    return `${d.pick(CITIZEN_PREFIXES)}.${d.int(0, 255)}.${d.int(1, 254)}`;
  }

  #port(): number {
    return this.#dice.int(32768, 60999);
  }

  #pid(): number {
    return this.#dice.int(800, 65000);
  }

  #uid(): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = 'C';
    for (let i = 0; i < 17; i++) s += chars[this.#dice.int(0, chars.length - 1)];
    return s;
  }

  // ---- firewalls ----

  #fortigate(at: Date, fields: Record<string, string | number>): TelemetryLine {
    const fw = this.#dice.chance(0.9) ? 'fw-dc-01' : 'fw-dc-02';
    return fortigateEventLine(
      at,
      { name: fw, serial: fw === 'fw-dc-01' ? 'FG6H0FTB21900431' : 'FG6H0FTB21900577' },
      fields,
    );
  }

  #fortigateTraffic(at: Date): TelemetryLine {
    const d = this.#dice;
    const flows: (() => [Device, Device, number, string, number])[] = [
      () => [
        d.pick(this.#role('office-workstation')),
        this.#device(d.pick(['ad-dc-01', 'ad-dc-02'])),
        53,
        'DNS',
        17,
      ],
      () => [
        d.pick(this.#role('office-workstation')),
        this.#device('eoffice-app-01'),
        443,
        'HTTPS',
        6,
      ],
      () => [
        d.pick(this.#role('iccc-app')),
        this.#device(d.pick(['iccc-db-01', 'iccc-db-02'])),
        5432,
        'tcp/5432',
        6,
      ],
      () => [
        d.pick(this.#role('operator-workstation')),
        d.pick(this.#role('vms')),
        7563,
        'tcp/7563',
        6,
      ],
      () => [d.pick(this.#role('sensor')), this.#device('mqtt-broker-01'), 8883, 'tcp/8883', 6],
      () => [
        this.#device('atcs-srv-01'),
        d.pick(this.#role('traffic-controller')),
        161,
        'SNMP',
        17,
      ],
      () => [this.#device('historian-01'), this.#device('backup-01'), 445, 'SMB', 6],
    ];
    const [src, dst, port, service, proto] = d.pick(flows)();
    const sent = d.int(200, 40_000);
    return this.#fortigate(at, {
      logid: '0000000013',
      type: 'traffic',
      subtype: 'forward',
      level: 'notice',
      vd: 'root',
      srcip: src.ip!,
      srcport: this.#port(),
      srcintf: this.#segment(src),
      srcintfrole: 'lan',
      dstip: dst.ip!,
      dstport: port,
      dstintf: this.#segment(dst),
      dstintfrole: 'lan',
      sessionid: d.int(1_000_000, 99_999_999),
      proto,
      action: proto === 17 ? 'accept' : 'close',
      policyid: d.int(10, 60),
      policytype: 'policy',
      service,
      trandisp: 'noop',
      duration: d.int(0, 180),
      sentbyte: sent,
      rcvdbyte: d.int(200, 400_000),
      sentpkt: Math.ceil(sent / 900),
      rcvdpkt: d.int(2, 400),
      appcat: 'unscanned',
    });
  }

  #segment(d: Device): string {
    const first = d.ip!.split('.')[1];
    return (
      {
        '10': 'dc',
        '15': 'dmz',
        '20': 'iccc',
        '30': 'field',
        '40': 'field',
        '50': 'ot',
        '55': 'ot',
        '60': 'iot',
        '70': 'wifi',
        '80': 'office',
      }[first ?? ''] ?? 'lan'
    );
  }

  /** A hotspot user's device trying an internal address the Wi-Fi policy refuses. */
  #fortigateDeny(at: Date): TelemetryLine {
    const d = this.#dice;
    const target = this.#device(d.pick(['ad-dc-01', 'eoffice-app-01', 'backup-01']));
    const port = d.pick([445, 139, 3389, 80]);
    return this.#fortigate(at, {
      logid: '0000000013',
      type: 'traffic',
      subtype: 'forward',
      level: 'notice',
      vd: 'root',
      srcip: `100.64.${d.int(0, 63)}.${d.int(2, 254)}`,
      srcport: this.#port(),
      srcintf: 'wifi',
      srcintfrole: 'lan',
      dstip: target.ip!,
      dstport: port,
      dstintf: 'dc',
      dstintfrole: 'lan',
      sessionid: d.int(1_000_000, 99_999_999),
      proto: 6,
      action: 'deny',
      policyid: 0,
      policytype: 'policy',
      service: port === 3389 ? 'RDP' : port === 80 ? 'HTTP' : 'SMB',
      trandisp: 'noop',
      duration: 0,
      sentbyte: 0,
      rcvdbyte: 0,
      sentpkt: 0,
      appcat: 'unscanned',
      crscore: 30,
      craction: 131072,
      crlevel: 'high',
    });
  }

  #pan(at: Date, ext: Record<string, string | number>, name: string): TelemetryLine {
    return {
      channel: 'udp',
      asset: 'fw-dmz-01',
      format: 'pan-os-cef',
      text: panCefLine(
        at,
        'fw-dmz-01',
        { signature: 'end', name, severity: 1 },
        {
          deviceExternalId: '013201008417',
          ...ext,
        },
      ),
    };
  }

  #panTraffic(at: Date): TelemetryLine {
    const d = this.#dice;
    const dst = this.#device(
      d.pick(['ptax-web-01', 'ptax-web-02', 'cert-web-01', 'pay-gw-01', 'wifi-portal-01']),
    );
    const bytesIn = d.int(800, 9000);
    return this.#pan(
      at,
      {
        src: this.#citizen(),
        dst: dst.ip!,
        spt: this.#port(),
        dpt: 443,
        proto: 'tcp',
        app: 'ssl',
        act: 'allow',
        cs1Label: 'Rule',
        cs1: `allow-${dst.name.replace(/-0\d$/, '')}-https`,
        cs4Label: 'Source Zone',
        cs4: 'untrust',
        cs5Label: 'Destination Zone',
        cs5: 'dmz',
        cn1Label: 'SessionID',
        cn1: d.int(10_000, 999_999),
        in: bytesIn,
        out: d.int(2_000, 600_000),
        cn3Label: 'Elapsed time in seconds',
        cn3: d.int(1, 90),
        reason: 'tcp-fin',
      },
      'TRAFFIC',
    );
  }

  /** Internet noise at the DMZ: one refused connection from an address that tries little else. */
  #panDeny(at: Date): TelemetryLine {
    const d = this.#dice;
    const dst = this.#device(d.pick(['ptax-web-01', 'cert-web-01', 'pay-gw-01']));
    return this.#pan(
      at,
      {
        src: `${d.pick(['45.148', '80.82', '185.224', '167.94', '193.163'])}.${d.int(0, 255)}.${d.int(1, 254)}`,
        dst: dst.ip!,
        spt: this.#port(),
        dpt: d.pick([22, 23, 3389, 8080, 5900, 1433]),
        proto: 'tcp',
        app: 'not-applicable',
        act: 'deny',
        cs1Label: 'Rule',
        cs1: 'deny-all',
        cs4Label: 'Source Zone',
        cs4: 'untrust',
        cs5Label: 'Destination Zone',
        cs5: 'dmz',
        in: 60,
        out: 0,
        reason: 'policy-deny',
      },
      'TRAFFIC',
    );
  }

  // ---- web ----

  #webRequest(at: Date): TelemetryLine {
    const d = this.#dice;
    const site = d.weighted([
      ['ptax', 5],
      ['cert', 3],
      ['pay', 3],
      ['wifi', 2],
    ] as const);
    const agent = d.chance(0.04) ? d.pick(CRAWLERS) : d.pick(BROWSERS);
    const status = (ok: number) => (d.chance(0.03) ? 404 : d.chance(0.05) ? 304 : ok);
    if (site === 'ptax') {
      const host = d.pick(['ptax-web-01', 'ptax-web-02']);
      const upic = `PT-${d.int(1, 24)}-${String(d.int(1, 9999)).padStart(5, '0')}`;
      const [method, path, ok, bytes] = d.pick([
        ['GET', '/', 200, 18_422],
        [
          'GET',
          `/property-tax/search?ward=${d.int(1, 24)}&zone=${d.pick(['N', 'S', 'E', 'W'])}`,
          200,
          9_120,
        ],
        ['GET', `/property-tax/assessment?upic=${upic}`, 200, 14_876],
        ['POST', '/property-tax/pay', 302, 0],
        ['GET', `/property-tax/receipt?txn=TXN${d.int(10_000_000, 99_999_999)}`, 200, 7_530],
        ['GET', '/static/css/app.3f2a91.css', 200, 48_211],
        ['GET', '/static/js/app.91bc7e.js', 200, 212_984],
        ['GET', '/images/emblem.png', 200, 12_406],
      ] as const);
      return webAccessLine(at, host, {
        client: this.#citizen(),
        method,
        path,
        status: method === 'GET' ? status(ok) : ok,
        bytes,
        referer: `https://ptax.${this.#city.domain}/`,
        agent,
      });
    }
    if (site === 'cert') {
      const app = `BR-2026-${String(d.int(1, 99_999)).padStart(6, '0')}`;
      const [method, path, ok, bytes] = d.pick([
        ['GET', '/', 200, 15_102],
        ['GET', '/certificates/birth/apply', 200, 22_874],
        ['POST', '/certificates/birth/apply', 201, 1_204],
        ['GET', `/certificates/status?app=${app}`, 200, 3_311],
        ['GET', `/certificates/download?app=${app}`, 200, 184_220],
        ['GET', `/captcha.jpg?t=${at.getTime()}`, 200, 6_008],
      ] as const);
      return webAccessLine(at, 'cert-web-01', {
        client: this.#citizen(),
        method,
        path,
        status: method === 'GET' ? status(ok) : ok,
        bytes,
        referer: `https://certificates.${this.#city.domain}/`,
        agent,
      });
    }
    if (site === 'pay') {
      const txn = `TXN${d.int(10_000_000, 99_999_999)}`;
      const callback = d.chance(0.25);
      return webAccessLine(at, 'pay-gw-01', {
        client: callback ? `103.21.${d.int(58, 59)}.${d.int(2, 250)}` : this.#citizen(),
        ...(callback
          ? { method: 'POST', path: '/api/v1/payments/callback', status: 200, bytes: 38 }
          : d.pick([
              { method: 'POST', path: '/api/v1/payments/initiate', status: 201, bytes: 412 },
              { method: 'GET', path: `/checkout/${txn}`, status: 200, bytes: 28_771 },
              { method: 'GET', path: `/api/v1/payments/status/${txn}`, status: 200, bytes: 164 },
            ])),
        agent: callback ? 'Apache-HttpClient/4.5.14 (Java/17.0.8)' : agent,
      });
    }
    const client = `100.64.${d.int(0, 63)}.${d.int(2, 254)}`;
    const [method, path, ok, bytes] = d.pick([
      ['GET', '/login', 200, 6_544],
      ['POST', '/otp/send', 200, 61],
      ['POST', '/otp/verify', 200, 88],
      ['GET', '/success', 200, 2_120],
    ] as const);
    return webAccessLine(at, 'wifi-portal-01', {
      client,
      method,
      path,
      status: path === '/otp/verify' && d.chance(0.1) ? 401 : ok,
      bytes,
      agent: d.pick(BROWSERS),
    });
  }

  /** A bot asking one public site for one thing it must not have: refused, and gone. */
  #botProbe(at: Date): TelemetryLine {
    const d = this.#dice;
    return webAccessLine(at, d.pick(['ptax-web-01', 'cert-web-01']), {
      client: `${d.pick(['45.148', '80.82', '185.224', '167.94'])}.${d.int(0, 255)}.${d.int(1, 254)}`,
      method: 'GET',
      path: d.pick(BOT_PATHS),
      status: 404,
      bytes: 153,
      agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
    });
  }

  // ---- Linux servers ----

  #linux(
    at: Date,
    host: Device,
    pri: number,
    tag: string,
    msg: string,
    pid: number | null = this.#pid(),
  ): TelemetryLine {
    return linuxSyslogLine(at, host.name, pri, tag, pid, msg);
  }

  #linuxServer(at: Date): TelemetryLine {
    const d = this.#dice;
    const host = d.pick(this.#roles(LINUX_SERVER_ROLES));
    const admin = d.pick(ADMINS);
    const from = d.pick(this.#role('admin-workstation')).ip!;
    const port = this.#port();
    const kind = d.weighted([
      ['accepted', 3],
      ['session-open', 2],
      ['session-close', 2],
      ['disconnect', 2],
      ['sudo', 2],
      ['cron', 4],
      ['systemd', 3],
      ['app', 3],
    ] as const);
    switch (kind) {
      case 'accepted':
        return this.#linux(
          at,
          host,
          86,
          'sshd',
          `Accepted publickey for ${admin} from ${from} port ${port} ssh2: ED25519 SHA256:${this.#fingerprint()}`,
        );
      case 'session-open':
        return this.#linux(
          at,
          host,
          86,
          'sshd',
          `pam_unix(sshd:session): session opened for user ${admin}(uid=${1000 + ADMINS.indexOf(admin)}) by (uid=0)`,
        );
      case 'session-close':
        return this.#linux(
          at,
          host,
          86,
          'sshd',
          `pam_unix(sshd:session): session closed for user ${admin}`,
        );
      case 'disconnect':
        return this.#linux(
          at,
          host,
          86,
          'sshd',
          `Received disconnect from ${from} port ${port}:11: disconnected by user`,
        );
      case 'sudo': {
        const command = d.pick([
          '/usr/bin/systemctl status nginx',
          '/usr/bin/systemctl restart postgresql',
          '/usr/bin/apt-get update',
          '/usr/bin/journalctl -u nginx --since today',
          '/usr/bin/df -h',
          '/usr/bin/tail -n 200 /var/log/nginx/error.log',
        ]);
        return this.#linux(
          at,
          host,
          85,
          'sudo',
          `${admin} : TTY=pts/${d.int(0, 3)} ; PWD=/home/${admin} ; USER=root ; COMMAND=${command}`,
          null,
        );
      }
      case 'cron':
        return this.#linux(
          at,
          host,
          78,
          'CRON',
          d.pick([
            '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)',
            '(root) CMD (   cd / && run-parts --report /etc/cron.hourly)',
            '(postgres) CMD (/usr/local/bin/pg_backup.sh >> /var/log/pg_backup.log 2>&1)',
            '(root) CMD (/usr/lib/php/sessionclean)',
          ]),
        );
      case 'systemd':
        return this.#linux(
          at,
          host,
          30,
          'systemd',
          d.pick([
            'Starting Daily apt download activities...',
            'Finished Daily apt download activities.',
            'Started Session ' + d.int(100, 9999) + ' of User ' + admin + '.',
            'logrotate.service: Deactivated successfully.',
            'Finished Rotate log files.',
            'Starting Cleanup of Temporary Directories...',
          ]),
          1,
        );
      case 'app':
        return this.#appLog(at, host);
    }
  }

  /** What the server's own software logs. */
  #appLog(at: Date, host: Device): TelemetryLine {
    const d = this.#dice;
    switch (host.role) {
      case 'database':
        return this.#linux(
          at,
          host,
          134,
          'postgres',
          d.pick([
            `[${d.int(1, 9)}-1] LOG:  checkpoint complete: wrote ${d.int(100, 9000)} buffers (${d.int(1, 9)}.${d.int(0, 9)}%); 0 WAL file(s) added, 0 removed, ${d.int(0, 3)} recycled; write=${d.int(20, 270)}.${d.int(100, 999)} s`,
            `[${d.int(1, 9)}-1] LOG:  connection authorized: user=${host.name.split('-')[0]}_app database=${host.name.split('-')[0]} application_name=web`,
            `[${d.int(1, 9)}-1] LOG:  automatic vacuum of table "${host.name.split('-')[0]}.public.audit_log": index scans: 1`,
          ]),
        );
      case 'radius':
        return this.#linux(
          at,
          host,
          86,
          'radiusd',
          `(${d.int(1000, 99_999)}) Login OK: [${d.int(70_000_00000, 99_999_99999)}] (from client wlc-01 port 0 cli ${this.#mac('-').toUpperCase()})`,
        );
      case 'camera-vendor-server':
        return this.#linux(
          at,
          host,
          134,
          'dvmanager',
          d.pick([
            `heartbeat from ${d.int(60, 90)} of ${this.#managedCameras().length} devices`,
            `firmware catalogue checked: no update for DV-IPC-4M-B`,
            `config backup completed for ${d.pick(this.#managedCameras()).name}`,
          ]),
        );
      default:
        return this.#linux(
          at,
          host,
          134,
          'node',
          d.pick([
            `GET /api/health 200 ${d.int(1, 9)}ms`,
            `worker ${d.int(1, 8)} processed ${d.int(10, 900)} messages`,
            `cache refreshed in ${d.int(20, 400)}ms`,
          ]),
        );
    }
  }

  #managedCameras(): Device[] {
    return this.#role('camera').filter((c) => c.vendor === MANAGED_CAMERA_VENDOR);
  }

  #fingerprint(): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let s = '';
    for (let i = 0; i < 43; i++) s += chars[this.#dice.int(0, 63)];
    return s;
  }

  #mac(sep = ':'): string {
    return Array.from({ length: 6 }, () => this.#dice.hex(2)).join(sep);
  }

  /** An administrator mistyping their password once. */
  #sshTypo(at: Date): TelemetryLine {
    const d = this.#dice;
    const host = d.pick(this.#roles(LINUX_SERVER_ROLES));
    return this.#linux(
      at,
      host,
      86,
      'sshd',
      `Failed password for ${d.pick(ADMINS)} from ${d.pick(this.#role('admin-workstation')).ip} port ${this.#port()} ssh2`,
    );
  }

  // ---- Windows ----

  #win(
    at: Date,
    host: Device,
    system: Parameters<typeof windowsEvent>[2],
    data: Record<string, string | number>,
  ): TelemetryLine {
    return windowsEventLine(at, host.name, system, data, this.#record++);
  }

  #windowsUser(host: Device): string {
    return this.#dice.pick(WINDOWS_USERS[host.department] ?? ['svc.app']);
  }

  #windows(at: Date): TelemetryLine {
    const d = this.#dice;
    const host = d.weighted(
      this.#roles(WINDOWS_ROLES).map(
        (h) =>
          [
            h,
            h.role === 'office-workstation' || h.role === 'operator-workstation' ? 3 : 1,
          ] as const,
      ),
    );
    const desktop = host.role === 'office-workstation' || host.role === 'operator-workstation';
    const user = this.#windowsUser(host);
    const kind = d.weighted([
      ['logon', 3],
      ['logoff', 2],
      ['process', desktop ? 4 : 2],
      ['network', 3],
      ['file', desktop ? 2 : 0],
    ] as const);
    const logonId = `0x${d.hex(6)}`;
    if (kind === 'logon') {
      const network = !desktop || d.chance(0.4);
      const from = network
        ? d.pick(this.#roles(['domain-controller', 'office-workstation'])).ip!
        : '-';
      return this.#win(
        at,
        host,
        {
          ...SECURITY,
          eventID: 4624,
          task: 12544,
          message: 'An account was successfully logged on.',
        },
        {
          subjectUserSid: network ? 'S-1-0-0' : 'S-1-5-18',
          subjectUserName: network ? '-' : `${host.name.toUpperCase()}$`,
          targetUserSid: `S-1-5-21-3623811015-3361044348-30300820-${1100 + d.int(0, 400)}`,
          targetUserName: user,
          targetDomainName: 'CORP',
          targetLogonId: logonId,
          logonType: network ? 3 : d.pick([2, 7, 11]),
          logonProcessName: network ? 'Kerberos' : 'User32',
          authenticationPackageName: network ? 'Kerberos' : 'Negotiate',
          workstationName: network ? '-' : host.name.toUpperCase(),
          ipAddress: from,
          ipPort: network ? this.#port() : '-',
          keyLength: 0,
        },
      );
    }
    if (kind === 'logoff')
      return this.#win(
        at,
        host,
        { ...SECURITY, eventID: 4634, task: 12545, message: 'An account was logged off.' },
        {
          targetUserSid: `S-1-5-21-3623811015-3361044348-30300820-${1100 + d.int(0, 400)}`,
          targetUserName: user,
          targetDomainName: 'CORP',
          targetLogonId: logonId,
          logonType: d.pick([2, 3, 7]),
        },
      );
    if (kind === 'process') {
      const [image, commandLine, original] = d.pick(
        desktop ? OFFICE_APPS : (SERVER_APPS[host.role] ?? SERVER_APPS['domain-controller']!),
      );
      return this.#win(
        at,
        host,
        { ...SYSMON, eventID: 1, task: 1, message: 'Process Create:' },
        {
          ruleName: '-',
          utcTime: at.toISOString().replace('T', ' ').slice(0, 23),
          processGuid: `{${d.hex(8)}-${d.hex(4)}-${d.hex(4)}-${d.hex(4)}-${d.hex(12)}}`,
          processId: this.#pid(),
          image,
          originalFileName: original,
          commandLine,
          currentDirectory: desktop ? `C:\\Users\\${user}\\` : 'C:\\Windows\\system32\\',
          user: desktop ? `CORP\\${user}` : 'NT AUTHORITY\\SYSTEM',
          logonId,
          integrityLevel: desktop ? 'Medium' : 'System',
          hashes: `SHA256=${d.hex(64).toUpperCase()}`,
          parentImage: desktop
            ? 'C:\\Windows\\explorer.exe'
            : 'C:\\Windows\\System32\\services.exe',
          parentCommandLine: desktop
            ? 'C:\\Windows\\Explorer.EXE'
            : 'C:\\Windows\\system32\\services.exe',
        },
      );
    }
    if (kind === 'network') {
      const [site, prefix] = d.pick(INTERNET_SITES);
      const image = desktop
        ? d.pick(OFFICE_APPS.slice(0, 2))[0]
        : 'C:\\Windows\\System32\\svchost.exe';
      return this.#win(
        at,
        host,
        { ...SYSMON, eventID: 3, task: 3, message: 'Network connection detected:' },
        {
          ruleName: '-',
          utcTime: at.toISOString().replace('T', ' ').slice(0, 23),
          processId: this.#pid(),
          image,
          user: desktop ? `CORP\\${user}` : 'NT AUTHORITY\\NETWORK SERVICE',
          protocol: 'tcp',
          initiated: 'true',
          sourceIsIpv6: 'false',
          sourceIp: host.ip!,
          sourcePort: this.#port(),
          destinationIsIpv6: 'false',
          destinationIp: `${prefix}${d.int(2, 250)}`,
          destinationHostname: site,
          destinationPort: 443,
          destinationPortName: 'https',
        },
      );
    }
    const doc = d.pick(DOCUMENTS);
    return this.#win(
      at,
      host,
      { ...SYSMON, eventID: 11, task: 11, message: 'File created:' },
      {
        ruleName: '-',
        utcTime: at.toISOString().replace('T', ' ').slice(0, 23),
        processId: this.#pid(),
        image: doc.endsWith('.xlsx')
          ? 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE'
          : doc.endsWith('.pdf')
            ? 'C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe'
            : 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
        targetFilename: `C:\\Users\\${user}\\Documents\\${doc}`,
        creationUtcTime: at.toISOString().replace('T', ' ').slice(0, 23),
        user: `CORP\\${user}`,
      },
    );
  }

  /** A user mistyping their password at their own desk. */
  #windowsTypo(at: Date): TelemetryLine {
    const host = this.#dice.pick(this.#role('office-workstation'));
    return this.#win(
      at,
      host,
      {
        ...SECURITY,
        eventID: 4625,
        task: 12544,
        level: 0,
        message: 'An account failed to log on.',
      },
      {
        subjectUserSid: 'S-1-5-18',
        subjectUserName: `${host.name.toUpperCase()}$`,
        targetUserName: this.#windowsUser(host),
        targetDomainName: 'CORP',
        status: '0xc000006d',
        failureReason: '%%2313',
        subStatus: '0xc000006a',
        logonType: 2,
        logonProcessName: 'User32',
        authenticationPackageName: 'Negotiate',
        workstationName: host.name.toUpperCase(),
        ipAddress: '127.0.0.1',
        ipPort: 0,
      },
    );
  }

  // ---- Zeek ----

  #zeek(at: Date, about: string, record: Record<string, unknown>): TelemetryLine {
    return zeekLine(at, about, { uid: this.#uid(), ...record });
  }

  #conn(
    at: Date,
    about: string,
    c: {
      orig: string;
      resp: string;
      port: number;
      proto?: 'tcp' | 'udp';
      service?: string;
      duration: number;
      origBytes: number;
      respBytes: number;
      state?: string;
      history?: string;
    },
  ): TelemetryLine {
    const d = this.#dice;
    const local = (ip: string) => ip.startsWith('10.') || ip.startsWith('100.64.');
    return this.#zeek(at, about, {
      _path: 'conn',
      'id.orig_h': c.orig,
      'id.orig_p': this.#port(),
      'id.resp_h': c.resp,
      'id.resp_p': c.port,
      proto: c.proto ?? 'tcp',
      ...(c.service && { service: c.service }),
      duration: c.duration,
      orig_bytes: c.origBytes,
      resp_bytes: c.respBytes,
      conn_state: c.state ?? 'SF',
      local_orig: local(c.orig),
      local_resp: local(c.resp),
      missed_bytes: 0,
      history: c.history ?? 'ShADadFf',
      orig_pkts: Math.max(1, Math.ceil(c.origBytes / 1200) + d.int(1, 4)),
      orig_ip_bytes: c.origBytes + 40 * d.int(2, 10),
      resp_pkts: Math.ceil(c.respBytes / 1400) + (c.respBytes > 0 ? d.int(1, 4) : 0),
      resp_ip_bytes: c.respBytes + (c.respBytes > 0 ? 40 * d.int(2, 10) : 0),
    });
  }

  #zeekConn(at: Date): TelemetryLine {
    const d = this.#dice;
    const kind = d.weighted([
      ['rtsp', 5],
      ['vendor', 1],
      ['mqtt', 2],
      ['office', 3],
      ['db', 2],
      ['ntp', 1],
    ] as const);
    switch (kind) {
      case 'rtsp': {
        const camera = d.pick(this.#role('camera').filter((c) => !this.#offline.has(c.name)));
        return this.#conn(at, camera.name, {
          orig: this.#device(camera.peers[0]!).ip!,
          resp: camera.ip!,
          port: 554,
          service: 'rtsp',
          duration: d.int(280, 600) + d.float(),
          origBytes: d.int(2_000, 9_000),
          respBytes: d.int(90_000_000, 310_000_000),
        });
      }
      case 'vendor': {
        const camera = d.pick(this.#managedCameras());
        return this.#conn(at, camera.name, {
          orig: camera.ip!,
          resp: this.#device('cam-vendor-mgmt-01').ip!,
          port: 8443,
          service: 'ssl',
          duration: d.float() * 2,
          origBytes: d.int(600, 1_800),
          respBytes: d.int(400, 2_400),
        });
      }
      case 'mqtt': {
        const sensor = d.pick(this.#role('sensor'));
        return this.#conn(at, sensor.name, {
          orig: sensor.ip!,
          resp: this.#device('mqtt-broker-01').ip!,
          port: 8883,
          service: 'ssl',
          duration: d.int(1, 30) + d.float(),
          origBytes: d.int(300, 4_000),
          respBytes: d.int(100, 900),
        });
      }
      case 'office': {
        const pc = d.pick(this.#role('office-workstation'));
        const [, prefix] = d.pick(INTERNET_SITES);
        return this.#conn(at, pc.name, {
          orig: pc.ip!,
          resp: `${prefix}${d.int(2, 250)}`,
          port: 443,
          service: 'ssl',
          duration: d.int(1, 120) + d.float(),
          origBytes: d.int(800, 60_000),
          respBytes: d.int(4_000, 3_000_000),
        });
      }
      case 'db': {
        const [client, server] = d.pick([
          ['ptax-web-01', 'ptax-db-01'],
          ['ptax-web-02', 'ptax-db-01'],
          ['cert-web-01', 'cert-db-01'],
          ['iccc-app-02', 'iccc-db-01'],
          ['backup-01', 'cert-db-01'],
        ] as const);
        return this.#conn(at, server, {
          orig: this.#device(client).ip!,
          resp: this.#device(server).ip!,
          port: 5432,
          service: 'postgresql',
          duration: d.int(0, 20) + d.float(),
          origBytes: d.int(400, 20_000),
          respBytes: d.int(1_000, 900_000),
        });
      }
      case 'ntp': {
        const device = d.pick(this.#roles(['camera', 'traffic-controller', 'wifi-ap']));
        return this.#conn(at, device.name, {
          orig: device.ip!,
          resp: this.#device(d.pick(['ad-dc-01', 'ad-dc-02'])).ip!,
          port: 123,
          proto: 'udp',
          service: 'ntp',
          duration: 0.002,
          origBytes: 48,
          respBytes: 48,
          history: 'Dd',
        });
      }
    }
  }

  /** An NVR still asking for a camera that is down today: no answer. */
  #offlineCamera(at: Date): TelemetryLine {
    const name = this.#dice.pick([...this.#offline]);
    const camera = this.#device(name);
    return this.#conn(at, name, {
      orig: this.#device(camera.peers[0]!).ip!,
      resp: camera.ip!,
      port: 554,
      duration: 3,
      origBytes: 0,
      respBytes: 0,
      state: 'S0',
      history: 'S',
    });
  }

  #zeekDns(at: Date): TelemetryLine {
    const d = this.#dice;
    const client = d.pick(this.#roles(['office-workstation', 'operator-workstation', 'iccc-app']));
    const server = this.#device(d.pick(['ad-dc-01', 'ad-dc-02']));
    const [site, prefix] = d.chance(0.2)
      ? ([`ptax.${this.#city.domain}`, '10.15.0.'] as const)
      : d.pick(INTERNET_SITES);
    return this.#zeek(at, server.name, {
      _path: 'dns',
      'id.orig_h': client.ip!,
      'id.orig_p': this.#port(),
      'id.resp_h': server.ip!,
      'id.resp_p': 53,
      proto: 'udp',
      trans_id: d.int(1, 65_535),
      rtt: Math.round(d.float() * 30) / 1000,
      query: site,
      qclass: 1,
      qclass_name: 'C_INTERNET',
      qtype: 1,
      qtype_name: 'A',
      rcode: 0,
      rcode_name: 'NOERROR',
      AA: false,
      TC: false,
      RD: true,
      RA: true,
      Z: 0,
      answers: [`${prefix}${d.int(2, 250)}`],
      TTLs: [d.int(30, 300)],
      rejected: false,
    });
  }

  #modbus(at: Date, master: Device, target: Device, func: string, unit = 1): TelemetryLine {
    const d = this.#dice;
    return this.#zeek(at, target.name, {
      _path: 'modbus',
      'id.orig_h': master.ip!,
      'id.orig_p': this.#port(),
      'id.resp_h': target.ip!,
      'id.resp_p': 502,
      tid: d.int(1, 65_535),
      unit,
      func,
      pdu_type: d.chance(0.5) ? 'REQ' : 'RESP',
    });
  }

  /** The SCADA server (or the historian) reading a pumping station or a reservoir. */
  #modbusPoll(at: Date): TelemetryLine {
    const d = this.#dice;
    const master = this.#device(
      d.weighted([
        ['scada-srv-01', 6],
        ['historian-01', 2],
        ['hmi-01', 1],
        ['hmi-02', 1],
      ] as const),
    );
    const target = d.pick(this.#roles(['plc', 'rtu']));
    return this.#modbus(
      at,
      master,
      target,
      d.pick([
        'READ_HOLDING_REGISTERS',
        'READ_INPUT_REGISTERS',
        'READ_COILS',
        'READ_DISCRETE_INPUTS',
      ]),
    );
  }

  /** An operator changing a set-point from an HMI. */
  #hmiWrite(at: Date): TelemetryLine {
    const d = this.#dice;
    return this.#modbus(
      at,
      this.#device(d.pick(['hmi-01', 'hmi-02'])),
      d.pick(this.#role('plc')),
      'WRITE_SINGLE_REGISTER',
    );
  }

  #dnp3Poll(at: Date): TelemetryLine {
    const d = this.#dice;
    const rtu = d.pick(this.#role('power-rtu'));
    return this.#zeek(at, rtu.name, {
      _path: 'dnp3',
      'id.orig_h': this.#device('power-scada-01').ip!,
      'id.orig_p': this.#port(),
      'id.resp_h': rtu.ip!,
      'id.resp_p': 20000,
      fc_request: 'READ',
      fc_reply: 'RESPONSE',
      iin: d.pick([0, 0, 0, 1536]),
    });
  }

  // ---- Suricata at the internet edge ----

  #eve(at: Date, about: string, record: Record<string, unknown>): TelemetryLine {
    return eveLine(at, about, {
      flow_id: this.#dice.int(1e12, 9e14),
      in_iface: 'ens1f0',
      ...record,
    });
  }

  #suricata(at: Date): TelemetryLine {
    const d = this.#dice;
    const kind = d.weighted([
      ['tls', 4],
      ['flow', 3],
      ['dns', 2],
      ['http', 1],
    ] as const);
    const portal = this.#device(d.pick(['ptax-web-01', 'ptax-web-02', 'cert-web-01', 'pay-gw-01']));
    const host = portal.name.startsWith('ptax')
      ? 'ptax'
      : portal.name.startsWith('cert')
        ? 'certificates'
        : 'pay';
    const client = this.#citizen();
    const base = {
      src_ip: client,
      src_port: this.#port(),
      dest_ip: portal.ip!,
      dest_port: 443,
      proto: 'TCP',
    };
    switch (kind) {
      case 'tls':
        return this.#eve(at, portal.name, {
          event_type: 'tls',
          ...base,
          tls: {
            sni: `${host}.${this.#city.domain}`,
            version: d.pick(['TLS 1.3', 'TLS 1.2']),
            ja3: { hash: d.hex(32) },
          },
        });
      case 'flow':
        return this.#eve(at, portal.name, {
          event_type: 'flow',
          ...base,
          app_proto: 'tls',
          flow: {
            pkts_toserver: d.int(8, 40),
            pkts_toclient: d.int(8, 80),
            bytes_toserver: d.int(1_200, 9_000),
            bytes_toclient: d.int(4_000, 400_000),
            start: eveTime(new Date(at.getTime() - d.int(1_000, 60_000))),
            end: eveTime(at),
            age: d.int(1, 60),
            state: 'closed',
            reason: 'timeout',
            alerted: false,
          },
        });
      case 'dns': {
        const pc = d.pick(this.#role('office-workstation'));
        const [site] = d.pick(INTERNET_SITES);
        return this.#eve(at, pc.name, {
          event_type: 'dns',
          src_ip: '10.10.1.10',
          src_port: this.#port(),
          dest_ip: '8.8.8.8',
          dest_port: 53,
          proto: 'UDP',
          dns: { type: 'query', id: d.int(1, 65_535), rrname: site, rrtype: 'A', tx_id: 0 },
        });
      }
      case 'http':
        return this.#eve(at, portal.name, {
          event_type: 'http',
          ...base,
          dest_port: 80,
          http: {
            hostname: `${host}.${this.#city.domain}`,
            url: '/',
            http_user_agent: d.pick(BROWSERS),
            http_method: 'GET',
            protocol: 'HTTP/1.1',
            status: 301,
            redirect: `https://${host}.${this.#city.domain}/`,
            length: 162,
          },
        });
    }
  }

  /** An internet scanner the IDS names (severity 2): the portal refused it. */
  #suricataScanAlert(at: Date): TelemetryLine {
    const d = this.#dice;
    const portal = this.#device(d.pick(['ptax-web-01', 'cert-web-01']));
    const [sid, signature, port] = d.pick([
      [2010935, 'ET SCAN Suspicious inbound to MSSQL port 1433', 1433],
      [2010937, 'ET SCAN Suspicious inbound to mySQL port 3306', 3306],
      [2002911, 'ET SCAN Potential VNC Scan 5900-5920', 5901],
    ] as const);
    return this.#eve(at, portal.name, {
      event_type: 'alert',
      src_ip: `${d.pick(['45.148', '80.82', '185.224'])}.${d.int(0, 255)}.${d.int(1, 254)}`,
      src_port: this.#port(),
      dest_ip: portal.ip!,
      dest_port: port,
      proto: 'TCP',
      alert: {
        action: 'allowed',
        gid: 1,
        signature_id: sid,
        rev: 3,
        signature,
        category: 'Potentially Bad Traffic',
        severity: 2,
      },
    });
  }

  // ---- field devices ----

  #device5424(at: Date, host: Device, pri: number, app: string, msg: string): TelemetryLine {
    return {
      channel: 'udp',
      asset: host.name,
      format: 'device-syslog',
      text: rfc5424(at, pri, host.name, app, '-', '-', msg),
    };
  }

  #nvrSyslog(at: Date): TelemetryLine {
    const d = this.#dice;
    const nvr = d.pick(this.#role('nvr'));
    const channel = `D${d.int(1, 34)}`;
    return this.#device5424(
      at,
      nvr,
      d.pick([30, 29]),
      'nvr',
      d.pick([
        `[${channel}] Motion detection alarm started`,
        `[${channel}] Motion detection alarm stopped`,
        `HDD ${d.int(1, 8)}: S.M.A.R.T. status normal, ${d.int(20, 60)}% free`,
        `Remote playback: operator from ${d.pick(this.#role('operator-workstation')).ip} (channel ${channel})`,
        `[${channel}] Recording schedule: continuous, 30 days`,
      ]),
    );
  }

  #cameraSyslog(at: Date): TelemetryLine {
    const d = this.#dice;
    const camera = d.pick(this.#role('camera').filter((c) => !this.#offline.has(c.name)));
    return this.#device5424(
      at,
      camera,
      14,
      'ipc',
      d.pick([
        `NTP time synchronised with ${this.#device('ad-dc-01').ip}`,
        `Video stream 1 requested by ${this.#device(camera.peers[0]!).ip}`,
        'Day/night switch: IR cut filter on',
        'Day/night switch: IR cut filter off',
        `Bitrate ${d.int(2048, 6144)} kbps, ${d.pick([15, 20, 25])} fps`,
      ]),
    );
  }

  #trafficController(at: Date): TelemetryLine {
    const d = this.#dice;
    const atc = d.pick(this.#role('traffic-controller'));
    return this.#device5424(
      at,
      atc,
      13,
      'atc',
      d.pick([
        `Plan ${d.int(1, 6)} (${d.pick(['morning peak', 'off peak', 'evening peak', 'night flash'])}) active, cycle ${d.pick([90, 100, 120, 140])} s`,
        `Detector ${d.int(1, 8)} (lane ${d.int(1, 3)}) occupancy ${d.int(5, 85)}%`,
        `Stage ${d.int(1, 4)} skipped: no demand`,
        `Green wave offset ${d.int(0, 60)} s from central`,
        `Lamp check OK (${d.int(24, 48)} aspects)`,
      ]),
    );
  }

  #wifi(at: Date): TelemetryLine {
    const d = this.#dice;
    const ap = d.pick(this.#role('wifi-ap'));
    const wlc = this.#device('wlc-01');
    const mac = this.#mac();
    const dotted = `${mac.slice(0, 2)}${mac.slice(3, 5)}.${mac.slice(6, 8)}${mac.slice(9, 11)}.${mac.slice(12, 14)}${mac.slice(15, 17)}`;
    const msg = d.pick([
      `%CLIENT_ORCH_LOG-6-CLIENT_ADDED_TO_RUN_STATE: R0/0: wncd: Username entry (${d.int(70_000_00000, 99_999_99999)}) joined with ssid (DemoCity-Free-WiFi) for device with MAC: ${dotted} on AP ${ap.name}`,
      `%CLIENT_ORCH_LOG-5-ADD_TO_BLACKLIST_REASON: R0/0: wncd: Client ${dotted} was excluded: repeated authentication failures`,
      `%APMGR_TRACE_MESSAGE-3-WLC_GEN_ERR: R0/0: wncd: AP ${ap.name} radio 1 channel changed to ${d.pick([36, 40, 44, 149, 153])}`,
    ]);
    return {
      channel: 'udp',
      asset: wlc.name,
      format: 'device-syslog',
      text: `<190>${localIso(at)} ${wlc.name} ${msg}`,
    };
  }
}
