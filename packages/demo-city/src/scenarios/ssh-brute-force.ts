import { Dice } from '../dice.js';
import { linuxSyslogLine } from '../formats.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { device, outsider, seconds } from './common.js';

const TARGET = 'iccc-app-02';

/** Password guessing from the internet against an ICCC node's exposed SSH, until it works. */
export const sshBruteForce: Scenario = {
  name: 'ssh-brute-force',
  title: 'SSH brute force, then a login, on an ICCC server',
  story: `An address on the internet guesses passwords for root, admin and ubuntu on ${TARGET}, whose SSH a contractor left open; after 26 failures in under a minute the ubuntu password works and the attacker gets a root shell.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const host = device(city, TARGET).name;
    const attacker = outsider(dice, 'ssh-brute-force');
    const steps: ScenarioStep[] = [];
    const users = ['root', 'admin', 'ubuntu'];
    for (let i = 0; i < 26; i++) {
      const user = users[i % users.length]!;
      const port = dice.int(33_000, 61_000);
      steps.push({
        offsetMs: seconds(2 * i),
        line: (at) =>
          linuxSyslogLine(
            at,
            host,
            86,
            'sshd',
            4100 + i,
            `Failed password for ${user} from ${attacker} port ${port} ssh2`,
          ),
      });
    }
    const session = [
      `Accepted password for ubuntu from ${attacker} port ${dice.int(33_000, 61_000)} ssh2`,
      'pam_unix(sshd:session): session opened for user ubuntu(uid=1000) by (uid=0)',
    ];
    session.forEach((msg, i) =>
      steps.push({
        offsetMs: seconds(60 + i),
        line: (at) => linuxSyslogLine(at, host, 86, 'sshd', 4200, msg),
      }),
    );
    steps.push({
      offsetMs: seconds(75),
      line: (at) =>
        linuxSyslogLine(
          at,
          host,
          85,
          'sudo',
          null,
          'ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; USER=root ; COMMAND=/bin/bash',
        ),
    });
    return {
      name: this.name,
      title: this.title,
      steps,
      indicators: [],
      expected: [
        {
          key: 'brute-force',
          match: { kind: 'rule', rule: RULES.sshBruteForce },
          assets: [host],
          per: 'one',
        },
        {
          key: 'login-after-brute-force',
          match: { kind: 'rule', rule: RULES.sshLoginAfterBruteForce },
          assets: [host],
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'compromised-server',
          summary: `Account on ${host} taken over by password guessing from ${attacker}`,
          alerts: ['brute-force', 'login-after-brute-force'],
          certInType: 'unauthorised-access',
        },
      ],
    };
  },
};
