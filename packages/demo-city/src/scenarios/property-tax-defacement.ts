import { Dice } from '../dice.js';
import { webAccessLine } from '../formats.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { device, outsider, seconds } from './common.js';

const TARGET = 'ptax-web-01';

/** What a defacement crew's scanner asks a portal for before it finds a way in. */
const PROBES: [string, number][] = [
  ['/wp-admin/', 404],
  ['/wp-login.php', 404],
  ['/phpmyadmin/', 404],
  ['/admin/', 403],
  ['/administrator/index.php', 404],
  ['/.env', 404],
  ['/.git/HEAD', 404],
  ['/backup.sql', 404],
  ['/server-status', 403],
  ['/phpinfo.php', 404],
  ['/manager/html', 404],
  ['/adminer.php', 404],
];

/** The property-tax portal probed, given a web shell through its document upload, and defaced. */
export const propertyTaxDefacement: Scenario = {
  name: 'property-tax-defacement',
  title: 'Admin probing and defacement of the property-tax portal',
  story: `A scanner walks ${TARGET} for admin panels and leaked files, then uploads a PHP web shell disguised as a receipt through the document upload form, runs commands with it, and replaces the home page over WebDAV.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const host = device(city, TARGET).name;
    const attacker = outsider(dice, 'property-tax-defacement');
    const agent = 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0';
    const shell = `/uploads/documents/receipt_${dice.int(1000, 9999)}.php`;
    const request = (
      offsetMs: number,
      method: string,
      path: string,
      status: number,
      bytes: number,
    ): ScenarioStep => ({
      offsetMs,
      line: (at) =>
        webAccessLine(at, host, { client: attacker, method, path, status, bytes, agent }),
    });
    const steps: ScenarioStep[] = PROBES.map(([path, status], i) =>
      request(seconds(5 * i), 'GET', path, status, status === 403 ? 162 : 153),
    );
    steps.push(
      request(seconds(70), 'GET', '/property-tax/upload-documents', 200, 11_204),
      request(seconds(75), 'POST', '/property-tax/upload-documents', 200, 318),
      request(seconds(82), 'GET', `${shell}?c=id`, 200, 54),
      request(seconds(86), 'GET', `${shell}?c=uname%20-a`, 200, 112),
      request(seconds(95), 'PUT', '/index.html', 201, 0),
      request(seconds(100), 'GET', '/', 200, 2_310),
    );
    return {
      name: this.name,
      title: this.title,
      steps,
      indicators: [],
      expected: [
        {
          key: 'probing',
          match: { kind: 'rule', rule: RULES.webProbeBurst },
          assets: [host],
          per: 'one',
        },
        {
          key: 'source-code-probe',
          match: { kind: 'rule', rule: RULES.sourceCodeEnumeration },
          assets: [host],
          per: 'one',
        },
        {
          key: 'web-shell',
          match: { kind: 'rule', rule: RULES.webShell },
          assets: [host],
          per: 'one',
        },
        {
          key: 'defacement',
          match: { kind: 'rule', rule: RULES.webDefacement },
          assets: [host],
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'defacement',
          summary: `Property-tax portal ${host} defaced through a web shell`,
          alerts: ['probing', 'web-shell', 'defacement'],
          certInType: 'website-defacement',
        },
      ],
    };
  },
};
