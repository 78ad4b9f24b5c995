/**
 * The rules the scenarios' ground truth names: Prahari's city rules (shipped with the server,
 * apps/server/rules/city) and the SigmaHQ rules an operator imports with `prahari rules
 * import`. Ids and titles are the rule files' own; a test reads the files and checks them.
 */
import type { AlertLevel } from '@prahari/core';

/** Where a rule comes from: shipped (`city`) or imported by the operator (`sigmahq`). */
export type RulePack = 'city' | 'sigmahq';

export interface RuleRef {
  id: string;
  title: string;
  level: AlertLevel;
  pack: RulePack;
  kind: 'sigma' | 'correlation';
}

const city = (kind: RuleRef['kind'], id: string, title: string, level: AlertLevel): RuleRef => ({
  id,
  title,
  level,
  pack: 'city',
  kind,
});
const sigmahq = (id: string, title: string, level: AlertLevel): RuleRef => ({
  id,
  title,
  level,
  pack: 'sigmahq',
  kind: 'sigma',
});

export const RULES = {
  sshBruteForce: city(
    'correlation',
    '0afa8a64-c529-4214-ac14-2801494db29e',
    'SSH Brute Force Against a City Server',
    'high',
  ),
  sshLoginAfterBruteForce: city(
    'correlation',
    '43ef0090-3714-4df2-9147-5b16ae764c5b',
    'SSH Login From an Address That Was Brute-Forcing the Server',
    'critical',
  ),
  icsUnlistedClient: city(
    'sigma',
    '7a0d353e-7b91-44c2-8d58-05d97d75d015',
    'Unlisted Host Talking to SCADA Devices',
    'high',
  ),
  modbusRecon: city(
    'sigma',
    '85c46878-2295-4bda-b8a4-bb5d77518c14',
    'Modbus Device Reconnaissance or Non-Standard Function Code',
    'medium',
  ),
  modbusWriteBurst: city(
    'correlation',
    '64b12dfa-08f5-40eb-97fa-35b0c87e0f0d',
    'Burst of Modbus Writes to One Controller',
    'high',
  ),
  webProbeBurst: city(
    'correlation',
    '56e82569-ef25-46a8-9c83-ac9a15dfbc44',
    'Burst of Admin Panel and Sensitive File Probes From One Client',
    'medium',
  ),
  webShell: city(
    'sigma',
    'f3d271fe-6a65-467a-baef-efd5f4ad0c55',
    'Web Shell Upload or Execution on a City Portal',
    'high',
  ),
  webDefacement: city(
    'sigma',
    'cc23d53d-4d0b-4a3b-bf42-9958b6248b97',
    'Web Defacement Indicators on a City Portal',
    'high',
  ),
  camerasSameInternetHost: city(
    'correlation',
    'e4b55874-ce3d-4c3c-8d20-9c99df5a8cf1',
    'Several City Cameras Contacting the Same Internet Address',
    'high',
  ),
  distributedFlood: city(
    'correlation',
    'f7143d77-56cc-45b5-8085-c17be0ce8469',
    'Distributed Flood Against One City Host',
    'high',
  ),
  webRefusingManyClients: city(
    'correlation',
    '06057f3f-4bf7-4ff3-afae-91ab54fe15f1',
    'City Web Service Refusing Many Clients at Once',
    'medium',
  ),
  largeUpload: city(
    'correlation',
    '161495cd-94c4-4f2a-ad4a-16d172e1d64e',
    'Large Upload From a City Host to the Internet',
    'high',
  ),
  suricataSeverity2: city(
    'sigma',
    '6bdc45e2-c444-4634-af21-306c38708997',
    'Suricata Severity 2 Alert on the City Network',
    'medium',
  ),
  shadowCopyDeletion: sigmahq(
    'c947b146-0abc-4c87-9c64-b17e9d7274a2',
    'Shadow Copies Deletion Using Operating Systems Utilities',
    'high',
  ),
  bootConfigurationTampering: sigmahq(
    '1444443e-6757-43e4-9ea4-c8fc705f79a2',
    'Boot Configuration Tampering Via Bcdedit.EXE',
    'high',
  ),
  allBackupsDeletion: sigmahq(
    '639c9081-f482-47d3-a0bd-ddee3d4ecd76',
    'All Backups Deleted Via Wbadmin.EXE',
    'high',
  ),
  serviceStopViaNet: sigmahq(
    '88872991-7445-4a22-90b2-a3adadb0e827',
    'Stop Windows Service Via Net.EXE',
    'low',
  ),
  netExecution: sigmahq('183e7ea8-ac4b-4c23-9aec-b3dac4e401ac', 'Net.EXE Execution', 'low'),
  sourceCodeEnumeration: sigmahq(
    '953d460b-f810-420a-97a2-cfca4c98e602',
    'Source Code Enumeration Detection by Keyword',
    'medium',
  ),
} as const satisfies Record<string, RuleRef>;
