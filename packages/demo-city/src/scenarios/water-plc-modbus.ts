import { Dice } from '../dice.js';
import { zeekLine } from '../formats.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { device, seconds, zeekUid } from './common.js';

const TARGET = 'ps-2-plc';

/** A laptop nobody registered, on a pumping station's switch, rewriting the PLC's set-points. */
export const waterPlcModbus: Scenario = {
  name: 'water-plc-modbus',
  title: 'Modbus writes to a water PLC from an unknown host',
  story: `A laptop plugged into the pumping station 2 switch (an address no asset has) asks ${TARGET} who it is, reads its registers, then writes pump and valve set-points 30 times in under a minute.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const plc = device(city, TARGET);
    const station = plc.ip!.split('.').slice(0, 3).join('.');
    const taken = new Set(city.devices.map((d) => d.ip));
    let intruder = `${station}.${dice.int(60, 200)}`;
    while (taken.has(intruder)) intruder = `${station}.${dice.int(60, 200)}`;
    const uid = zeekUid(dice);
    const port = dice.int(49_152, 65_000);
    const id = { 'id.orig_h': intruder, 'id.orig_p': port, 'id.resp_h': plc.ip!, 'id.resp_p': 502 };
    let tid = dice.int(1, 30_000);
    const modbus = (func: string, pdu: 'REQ' | 'RESP', t: number) => (at: Date) =>
      zeekLine(at, plc.name, { uid, _path: 'modbus', ...id, tid: t, unit: 1, func, pdu_type: pdu });
    const steps: ScenarioStep[] = [];
    const exchange = (offsetMs: number, func: string) => {
      const t = tid++;
      steps.push({ offsetMs, line: modbus(func, 'REQ', t) });
      steps.push({ offsetMs: offsetMs + 40, line: modbus(func, 'RESP', t) });
    };
    exchange(seconds(1), 'ENCAP_INTERFACE_TRANSPORT');
    exchange(seconds(3), 'READ_HOLDING_REGISTERS');
    exchange(seconds(4), 'READ_COILS');
    for (let i = 0; i < 30; i++)
      exchange(
        seconds(8 + 1.5 * i),
        i % 3 === 2 ? 'WRITE_MULTIPLE_COILS' : 'WRITE_SINGLE_REGISTER',
      );
    steps.push({
      offsetMs: seconds(60),
      line: (at) =>
        zeekLine(at, plc.name, {
          uid,
          _path: 'conn',
          ...id,
          proto: 'tcp',
          service: 'modbus',
          duration: 59.2,
          orig_bytes: 1_512,
          resp_bytes: 1_380,
          conn_state: 'SF',
          local_orig: true,
          local_resp: true,
          missed_bytes: 0,
          history: 'ShADadFf',
          orig_pkts: 70,
          orig_ip_bytes: 4_312,
          resp_pkts: 68,
          resp_ip_bytes: 4_100,
        }),
    });
    steps.sort((a, b) => a.offsetMs - b.offsetMs);
    return {
      name: this.name,
      title: this.title,
      steps,
      indicators: [],
      expected: [
        {
          key: 'unlisted-client',
          match: { kind: 'rule', rule: RULES.icsUnlistedClient },
          assets: [plc.name],
          per: 'one',
        },
        {
          key: 'reconnaissance',
          match: { kind: 'rule', rule: RULES.modbusRecon },
          assets: [plc.name],
          per: 'one',
        },
        {
          key: 'write-burst',
          match: { kind: 'rule', rule: RULES.modbusWriteBurst },
          assets: [plc.name],
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'plc-tampering',
          summary: `Set-points of ${plc.name} rewritten from unknown host ${intruder}`,
          alerts: ['unlisted-client', 'reconnaissance', 'write-burst'],
          certInType: 'critical-infrastructure',
        },
      ],
    };
  },
};
