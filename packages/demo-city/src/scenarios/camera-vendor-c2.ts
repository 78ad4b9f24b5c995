import { Dice } from '../dice.js';
import { zeekLine } from '../formats.js';
import { MANAGED_CAMERA_VENDOR } from '../model.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { device, outsider, seconds, zeekUid } from './common.js';

const VENDOR_SERVER = 'cam-vendor-mgmt-01';
/** How many cameras of the vendor's fleet take the poisoned update. */
const FLEET = 8;
const WORDS = ['cdn', 'edge', 'fw', 'ota', 'sync'];

/**
 * A shared-vendor compromise: the camera vendor's management server, run inside the ICCC, is
 * taken over and pushes a firmware update that makes its cameras call home.
 */
export const cameraVendorC2: Scenario = {
  name: 'camera-vendor-c2',
  title: 'Compromised camera-vendor update server; cameras contact command-and-control',
  story: `CERT-In shares a command-and-control address and domain used against a CCTV vendor. The vendor's device-management server (${VENDOR_SERVER}) checks in with it, pushes an "update" to ${FLEET} of its ${MANAGED_CAMERA_VENDOR} cameras, and the cameras start beaconing to the same server.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const server = device(city, VENDOR_SERVER);
    const cameras = city.devices
      .filter((d) => d.role === 'camera' && d.vendor === MANAGED_CAMERA_VENDOR)
      .slice(0, FLEET);
    const c2 = outsider(dice, 'camera-vendor-c2');
    const domain = `${dice.pick(WORDS)}-${dice.hex(6)}.firmware-update.example`;
    const steps: ScenarioStep[] = [];
    /** A TLS session to the command-and-control server as Zeek logs it: ssl.log, then conn.log. */
    const callHome = (
      offsetMs: number,
      from: { name: string; ip: string | null },
      bytesOut: number,
    ) => {
      const uid = zeekUid(dice);
      const id = {
        'id.orig_h': from.ip!,
        'id.orig_p': dice.int(32_768, 60_999),
        'id.resp_h': c2,
        'id.resp_p': 443,
      };
      steps.push(
        {
          offsetMs,
          line: (at) =>
            zeekLine(at, from.name, {
              uid,
              _path: 'ssl',
              ...id,
              version: 'TLSv12',
              cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
              server_name: domain,
              resumed: false,
              established: true,
            }),
        },
        {
          offsetMs: offsetMs + 2_000,
          line: (at) =>
            zeekLine(at, from.name, {
              uid,
              _path: 'conn',
              ...id,
              proto: 'tcp',
              service: 'ssl',
              duration: 1.9,
              orig_bytes: bytesOut,
              resp_bytes: dice.int(300, 4_000),
              conn_state: 'SF',
              local_orig: true,
              local_resp: false,
              missed_bytes: 0,
              history: 'ShADadFf',
              orig_pkts: 9,
              orig_ip_bytes: bytesOut + 400,
              resp_pkts: 8,
              resp_ip_bytes: 3_000,
            }),
        },
      );
    };
    callHome(0, server, 2_310);
    cameras.forEach((camera, i) => {
      const uid = zeekUid(dice);
      steps.push({
        offsetMs: seconds(15 + 5 * i),
        line: (at) =>
          zeekLine(at, camera.name, {
            uid,
            _path: 'conn',
            'id.orig_h': server.ip!,
            'id.orig_p': dice.int(32_768, 60_999),
            'id.resp_h': camera.ip!,
            'id.resp_p': 443,
            proto: 'tcp',
            service: 'ssl',
            duration: 6.4,
            orig_bytes: 14_682_112,
            resp_bytes: 1_204,
            conn_state: 'SF',
            local_orig: true,
            local_resp: true,
            missed_bytes: 0,
            history: 'ShADadFf',
            orig_pkts: 10_240,
            orig_ip_bytes: 15_091_712,
            resp_pkts: 5_100,
            resp_ip_bytes: 205_204,
          }),
      });
    });
    cameras.forEach((camera, i) => callHome(seconds(70 + 6 * i), camera, dice.int(600, 1_400)));
    cameras.forEach((camera, i) => callHome(seconds(130 + 6 * i), camera, dice.int(600, 1_400)));
    steps.sort((a, b) => a.offsetMs - b.offsetMs);
    const calling = [server.name, ...cameras.map((c) => c.name)];
    return {
      name: this.name,
      title: this.title,
      steps,
      indicators: [
        {
          value: c2,
          type: 'ip',
          source: 'CERT-In advisory (drill)',
          description: `Command-and-control server used against ${MANAGED_CAMERA_VENDOR} device managers`,
        },
        {
          value: domain,
          type: 'domain',
          source: 'CERT-In advisory (drill)',
          description: `Command-and-control domain used against ${MANAGED_CAMERA_VENDOR} device managers`,
        },
      ],
      expected: [
        {
          key: 'c2-address',
          match: { kind: 'indicator', value: c2, level: 'high' },
          assets: calling,
          per: 'each',
        },
        {
          key: 'c2-domain',
          match: { kind: 'indicator', value: domain, level: 'high' },
          assets: calling,
          per: 'each',
        },
        {
          key: 'cameras-calling-out',
          match: { kind: 'rule', rule: RULES.camerasSameInternetHost },
          assets: cameras.map((c) => c.name),
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'vendor-compromise',
          summary: `${MANAGED_CAMERA_VENDOR} fleet and its management server talking to ${c2}`,
          alerts: ['c2-address', 'c2-domain', 'cameras-calling-out'],
          certInType: 'iot-attack',
        },
      ],
    };
  },
};
