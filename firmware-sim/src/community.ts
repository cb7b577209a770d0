import type { DeviceProfile } from '../../protocols/src/index.js';
import type { Clock } from './clock.js';
import { SimDevice } from './devices/sim-device.js';
import { stepWaterMeter } from './devices/water-meter.js';
import type { PduResult } from './modbus/pdu.js';
import { handlePdu, SILENCE } from './modbus/pdu.js';

export interface CommunityOptions {
  waterMeters: number;
  profiles: Map<string, DeviceProfile>;
  clock: Clock;
}

/** The simulated devices of one community, addressed by unit id, advanced by the shared clock. */
export class Community {
  readonly devices = new Map<number, SimDevice>();
  /** Devices advance lazily, when read, so 1,000+ devices cost nothing between polls. */
  private readonly lastStep = new Map<SimDevice, number>();

  constructor(private readonly options: CommunityOptions) {
    const profile = options.profiles.get('linli-wm-100');
    if (!profile) throw new Error('profile linli-wm-100 is missing');
    for (let i = 1; i <= options.waterMeters; i++) {
      const device = new SimDevice(`wm-${String(i).padStart(3, '0')}`, i, profile);
      device.set('total_litres', 1000 * i);
      this.devices.set(i, device);
    }
    for (const d of this.devices.values()) this.advance(d);
  }

  /** Advances one device's behaviour to the clock's now. */
  advance(device: SimDevice): void {
    const now = this.options.clock.now();
    const dt = Math.max(0, now - (this.lastStep.get(device) ?? now));
    this.lastStep.set(device, now);
    stepWaterMeter(device, now, dt);
  }

  /** Answers a Modbus request for a unit id; silence for a device whose fault is "silent". */
  handle = (unitId: number, pdu: Buffer): PduResult | undefined => {
    const device = this.devices.get(unitId);
    if (!device) return undefined;
    if (device.fault === 'silent') return SILENCE;
    this.advance(device);
    return handlePdu(pdu, device);
  };
}
