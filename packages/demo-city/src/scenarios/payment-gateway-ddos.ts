import { Dice } from '../dice.js';
import { fortigateEventLine, webAccessLine } from '../formats.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { botnet, device, seconds } from './common.js';

const TARGET = 'pay-gw-01';
const FIREWALL = { name: 'fw-dc-01', serial: 'FG6H0FTB21900431' };
const BOT_AGENTS = [
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.45 Safari/537.36',
];

/** A rented botnet floods the payment gateway on the last day of the property-tax rebate. */
export const paymentGatewayDdos: Scenario = {
  name: 'payment-gateway-ddos',
  title: 'DDoS on the payment gateway',
  story: `A botnet of a few hundred addresses floods ${TARGET} with SYN and UDP packets, which the perimeter FortiGate's DoS policy reports source by source, while an HTTP GET flood on the checkout page leaves the gateway answering 503 to bots and citizens alike.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const gateway = device(city, TARGET);
    const bots = botnet(dice, 120);
    const steps: ScenarioStep[] = [];
    bots.slice(0, 40).forEach((bot, i) => {
      const attack = i % 4 === 3 ? 'udp_flood' : 'tcp_syn_flood';
      const threshold = 2000;
      const rate = threshold + dice.int(1, 6000);
      steps.push({
        offsetMs: seconds(0.75 * i),
        line: (at) =>
          fortigateEventLine(at, FIREWALL, {
            logid: '0720018432',
            type: 'anomaly',
            subtype: 'anomaly',
            level: 'alert',
            vd: 'root',
            severity: 'critical',
            srcip: bot,
            srccountry: 'Reserved',
            dstip: gateway.ip!,
            srcintf: 'wan1',
            srcintfrole: 'wan',
            sessionid: 0,
            action: 'clear_session',
            proto: attack === 'udp_flood' ? 17 : 6,
            service: attack === 'udp_flood' ? 'udp/443' : 'HTTPS',
            count: dice.int(100, 4000),
            attack,
            srcport: dice.int(1024, 65_000),
            dstport: 443,
            attackid: attack === 'udp_flood' ? 16777313 : 100663396,
            policyid: 1,
            policytype: 'DoS-policy',
            ref: 'http://www.fortinet.com/ids/VID100663396',
            msg: `anomaly: ${attack}, ${rate} > threshold ${threshold}`,
            crscore: 50,
            crlevel: 'critical',
          }),
      });
    });
    for (let i = 0; i < 150; i++) {
      const bot = bots[40 + (i % 80)]!;
      const refused = i >= 15;
      steps.push({
        offsetMs: seconds(10 + 0.25 * i),
        line: (at) =>
          webAccessLine(at, gateway.name, {
            client: bot,
            method: 'GET',
            path: `/checkout/TXN${dice.int(10_000_000, 99_999_999)}`,
            status: refused ? 503 : 200,
            bytes: refused ? 197 : 28_771,
            agent: dice.pick(BOT_AGENTS),
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
          key: 'network-flood',
          match: { kind: 'rule', rule: RULES.distributedFlood },
          assets: [gateway.name],
          per: 'one',
        },
        {
          key: 'http-flood',
          match: { kind: 'rule', rule: RULES.webRefusingManyClients },
          assets: [gateway.name],
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'ddos',
          summary: `Distributed denial of service against ${gateway.name}`,
          alerts: ['network-flood', 'http-flood'],
          certInType: 'dos-ddos',
        },
      ],
    };
  },
};
