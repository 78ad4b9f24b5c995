import type { Scenario } from '../scenario.js';
import { cameraVendorC2 } from './camera-vendor-c2.js';
import { certificatesExfiltration } from './certificates-exfiltration.js';
import { paymentGatewayDdos } from './payment-gateway-ddos.js';
import { propertyTaxDefacement } from './property-tax-defacement.js';
import { sshBruteForce } from './ssh-brute-force.js';
import { vmsRansomware } from './vms-ransomware.js';
import { waterPlcModbus } from './water-plc-modbus.js';

/** Every attack scenario, in the order a drill of `all` runs them. */
export const SCENARIOS: readonly Scenario[] = [
  sshBruteForce,
  vmsRansomware,
  waterPlcModbus,
  propertyTaxDefacement,
  cameraVendorC2,
  paymentGatewayDdos,
  certificatesExfiltration,
];

/** A scenario by name, or undefined. */
export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
