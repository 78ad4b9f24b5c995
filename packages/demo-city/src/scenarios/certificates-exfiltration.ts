import { Dice } from '../dice.js';
import { linuxSyslogLine, zeekLine } from '../formats.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { device, outsider, seconds, zeekUid } from './common.js';

const TARGET = 'cert-db-01';
const STOLEN_KEY_FROM = 'it-admin-ws-03';
const CHUNK = 100 * 1024 * 1024;

/** The civil registration database dumped and sent out in chunks: citizens' personal data. */
export const certificatesExfiltration: Scenario = {
  name: 'certificates-exfiltration',
  title: 'Data exfiltration from the certificates database',
  story: `With an administrator's SSH key stolen from ${STOLEN_KEY_FROM}, an attacker logs on to ${TARGET}, dumps the civil registration database (births, deaths, parents, Aadhaar-linked applicants) and uploads it in 100 MB chunks to a rented server: a personal data breach under the DPDP Act.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const db = device(city, TARGET);
    const jump = device(city, STOLEN_KEY_FROM);
    const drop = outsider(dice, 'certificates-exfiltration');
    const dumpFile = `/var/tmp/.cache/cr-${dice.hex(6)}.dump`;
    const linux = (
      offsetMs: number,
      pri: number,
      tag: string,
      pid: number | null,
      msg: string,
    ): ScenarioStep => ({
      offsetMs,
      line: (at) => linuxSyslogLine(at, db.name, pri, tag, pid, msg),
    });
    const steps: ScenarioStep[] = [
      linux(
        0,
        86,
        'sshd',
        7311,
        `Accepted publickey for arun from ${jump.ip} port ${dice.int(40_000, 60_000)} ssh2: ED25519 SHA256:${dice.hex(43)}`,
      ),
      linux(
        1_000,
        86,
        'sshd',
        7311,
        'pam_unix(sshd:session): session opened for user arun(uid=1000) by (uid=0)',
      ),
      linux(
        seconds(20),
        85,
        'sudo',
        null,
        `arun : TTY=pts/1 ; PWD=/home/arun ; USER=postgres ; COMMAND=/usr/bin/pg_dump -Fc civilreg -f ${dumpFile}`,
      ),
    ];
    for (let i = 0; i < 6; i++) {
      const uid = zeekUid(dice);
      steps.push({
        offsetMs: seconds(60 + 30 * i),
        line: (at) =>
          zeekLine(at, db.name, {
            uid,
            _path: 'conn',
            'id.orig_h': db.ip!,
            'id.orig_p': dice.int(40_000, 60_000),
            'id.resp_h': drop,
            'id.resp_p': 443,
            proto: 'tcp',
            service: 'ssl',
            duration: 27.4,
            orig_bytes: CHUNK + dice.int(0, 4096),
            resp_bytes: dice.int(4_000, 9_000),
            conn_state: 'SF',
            local_orig: true,
            local_resp: false,
            missed_bytes: 0,
            history: 'ShADadFf',
            orig_pkts: 72_000,
            orig_ip_bytes: CHUNK + 2_900_000,
            resp_pkts: 36_000,
            resp_ip_bytes: 1_450_000,
          }),
      });
    }
    return {
      name: this.name,
      title: this.title,
      steps,
      indicators: [],
      expected: [
        {
          key: 'bulk-upload',
          match: { kind: 'rule', rule: RULES.largeUpload },
          assets: [db.name],
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'data-breach',
          summary: `Civil registration database on ${db.name} copied to ${drop}`,
          alerts: ['bulk-upload'],
          certInType: 'data-breach',
          personalDataBreach: true,
        },
      ],
    };
  },
};
