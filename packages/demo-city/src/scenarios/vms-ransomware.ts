import { Dice } from '../dice.js';
import {
  SECURITY,
  SYSMON,
  windowsEventLine,
  type TelemetryLine,
  type windowsEvent,
} from '../formats.js';
import { RULES } from '../rules.js';
import type { Scenario, ScenarioStep } from '../scenario.js';
import { device, seconds } from './common.js';

const TARGET = 'vms-02';
const ENTRY = 'iccc-ws-03';

interface Process {
  image: string;
  commandLine: string;
  originalFileName: string;
  parentImage: string;
  parentCommandLine: string;
}

const CMD = 'C:\\Windows\\System32\\cmd.exe';
const DROPPER = 'C:\\ProgramData\\Milestone\\XProtect\\mssync.exe';

/** What the encryptor runs before it encrypts: stop the recorder, delete every way back. */
const PREPARATION: Process[] = [
  {
    image: 'C:\\Windows\\System32\\net.exe',
    commandLine: 'net  stop "Milestone XProtect Recording Server" /y',
    originalFileName: 'net.exe',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c net stop "Milestone XProtect Recording Server" /y`,
  },
  {
    image: 'C:\\Windows\\System32\\vssadmin.exe',
    commandLine: 'vssadmin.exe  delete shadows /all /quiet',
    originalFileName: 'VSSADMIN.EXE',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c vssadmin.exe delete shadows /all /quiet`,
  },
  {
    image: 'C:\\Windows\\System32\\wbem\\WMIC.exe',
    commandLine: 'wmic  shadowcopy delete',
    originalFileName: 'wmic.exe',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c wmic shadowcopy delete`,
  },
  {
    image: 'C:\\Windows\\System32\\bcdedit.exe',
    commandLine: 'bcdedit  /set {default} recoveryenabled no',
    originalFileName: 'bcdedit.exe',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c bcdedit /set {default} recoveryenabled no`,
  },
  {
    image: 'C:\\Windows\\System32\\bcdedit.exe',
    commandLine: 'bcdedit  /set {default} bootstatuspolicy ignoreallfailures',
    originalFileName: 'bcdedit.exe',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c bcdedit /set {default} bootstatuspolicy ignoreallfailures`,
  },
  {
    image: 'C:\\Windows\\System32\\wbadmin.exe',
    commandLine: 'wbadmin  delete catalog -quiet',
    originalFileName: 'WBADMIN.EXE',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c wbadmin delete catalog -quiet`,
  },
  {
    image: 'C:\\Windows\\System32\\wbadmin.exe',
    commandLine: 'wbadmin  delete systemstatebackup -keepVersions:0 -quiet',
    originalFileName: 'WBADMIN.EXE',
    parentImage: CMD,
    parentCommandLine: `${CMD} /c wbadmin delete systemstatebackup -keepVersions:0 -quiet`,
  },
];

/**
 * Ransomware on a video management server: the recordings the police rely on are encrypted and
 * the recorder stops.
 */
export const vmsRansomware: Scenario = {
  name: 'vms-ransomware',
  title: 'Ransomware on the VMS',
  story: `An operator console (${ENTRY}) phished the week before is used to log on to ${TARGET} over RDP; a dropped binary stops the recording service, deletes shadow copies and backups, disables boot recovery, then encrypts recordings and leaves ransom notes.`,
  build(city, seed) {
    const dice = new Dice(seed);
    const host = device(city, TARGET);
    const entry = device(city, ENTRY);
    let record = dice.int(200_000, 900_000);
    const win = (
      at: Date,
      system: Parameters<typeof windowsEvent>[2],
      data: Record<string, string | number>,
    ): TelemetryLine => windowsEventLine(at, host.name, system, data, record++);
    const utc = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 23);
    const guid = () =>
      `{${dice.hex(8)}-${dice.hex(4)}-${dice.hex(4)}-${dice.hex(4)}-${dice.hex(12)}}`;
    const logonId = `0x${dice.hex(6)}`;
    const user = 'CORP\\vms.admin';
    const process = (p: Process) => (at: Date) =>
      win(
        at,
        { ...SYSMON, eventID: 1, task: 1, message: 'Process Create:' },
        {
          ruleName: '-',
          utcTime: utc(at),
          processGuid: guid(),
          processId: dice.int(1000, 9000),
          image: p.image,
          originalFileName: p.originalFileName,
          commandLine: p.commandLine,
          currentDirectory: 'C:\\ProgramData\\Milestone\\XProtect\\',
          user,
          logonId,
          integrityLevel: 'High',
          hashes: `SHA256=${dice.hex(64).toUpperCase()}`,
          parentImage: p.parentImage,
          parentCommandLine: p.parentCommandLine,
        },
      );
    const steps: ScenarioStep[] = [
      {
        offsetMs: 0,
        line: (at) =>
          win(
            at,
            {
              ...SECURITY,
              eventID: 4624,
              task: 12544,
              message: 'An account was successfully logged on.',
            },
            {
              subjectUserSid: 'S-1-5-18',
              subjectUserName: `${host.name.toUpperCase()}$`,
              targetUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1412',
              targetUserName: 'vms.admin',
              targetDomainName: 'CORP',
              targetLogonId: logonId,
              logonType: 10,
              logonProcessName: 'User32',
              authenticationPackageName: 'Negotiate',
              workstationName: entry.name.toUpperCase(),
              ipAddress: entry.ip!,
              ipPort: dice.int(49_152, 65_000),
            },
          ),
      },
      {
        offsetMs: seconds(25),
        line: process({
          image: DROPPER,
          commandLine: `"${DROPPER}" --silent`,
          originalFileName: 'mssync.exe',
          parentImage: 'C:\\Windows\\explorer.exe',
          parentCommandLine: 'C:\\Windows\\Explorer.EXE',
        }),
      },
      ...PREPARATION.map((p, i) => ({ offsetMs: seconds(35 + 5 * i), line: process(p) })),
    ];
    const cameras = city.devices.filter((d) => d.role === 'camera').slice(0, 12);
    cameras.forEach((camera, i) => {
      const folder = `D:\\MediaDatabase\\${camera.name}\\2026-11-25`;
      steps.push({
        offsetMs: seconds(80 + 4 * i),
        line: (at) =>
          win(
            at,
            { ...SYSMON, eventID: 11, task: 11, message: 'File created:' },
            {
              ruleName: '-',
              utcTime: utc(at),
              processGuid: guid(),
              processId: 6620,
              image: DROPPER,
              targetFilename:
                i % 3 === 0
                  ? `${folder}\\README_RESTORE_VIDEO.txt`
                  : `${folder}\\${String(9 + i).padStart(2, '0')}00.blk.locked`,
              creationUtcTime: utc(at),
              user,
            },
          ),
      });
    });
    return {
      name: this.name,
      title: this.title,
      steps,
      indicators: [],
      expected: [
        {
          key: 'recorder-stopped',
          match: { kind: 'rule', rule: RULES.serviceStopViaNet },
          assets: [host.name],
          per: 'one',
        },
        {
          key: 'net-command',
          match: { kind: 'rule', rule: RULES.netExecution },
          assets: [host.name],
          per: 'one',
        },
        {
          key: 'shadow-copies',
          match: { kind: 'rule', rule: RULES.shadowCopyDeletion },
          assets: [host.name],
          per: 'one',
        },
        {
          key: 'boot-recovery',
          match: { kind: 'rule', rule: RULES.bootConfigurationTampering },
          assets: [host.name],
          per: 'one',
        },
        {
          key: 'backups',
          match: { kind: 'rule', rule: RULES.allBackupsDeletion },
          assets: [host.name],
          per: 'one',
        },
      ],
      expectedIncidents: [
        {
          key: 'ransomware',
          summary: `Ransomware preparing to encrypt recordings on ${host.name}`,
          alerts: ['recorder-stopped', 'shadow-copies', 'boot-recovery', 'backups'],
          certInType: 'malicious-code',
        },
      ],
    };
  },
};
