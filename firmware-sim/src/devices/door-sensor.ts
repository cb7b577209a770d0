import type { Household } from '../model/household.js';
import { type Behaviour, batteryPct } from './behaviour.js';
import type { SimDevice } from './sim-device.js';

/** The front-door contact of a flat (linli-ds-200): state, opening counter, tamper, battery. */
export class DoorSensorBehaviour implements Behaviour {
  readonly mainsPowered = false;
  private last: number | undefined;
  private first = 0;
  private count: number;

  constructor(
    private readonly household: Household,
    initialCount: number,
    private readonly batteryStartPct: number,
  ) {
    this.count = initialCount;
  }

  step(device: SimDevice, now: number): void {
    if (this.last === undefined) {
      this.last = now;
      this.first = now;
      device.set('chime_enabled', true);
    }
    if (now > this.last) this.count += this.household.doorOpenings(this.last, now);
    this.last = now;
    const pct = batteryPct(this.batteryStartPct, this.first, now);
    device.set('door_open', this.household.doorOpenAt(now));
    device.set('open_count', this.count % 0x100000000);
    device.set('battery_pct', Math.round(pct));
    // CR123A-style lithium cell: ~3.0 V when full, sagging towards 2.6 V when empty.
    device.set('battery_v', Math.round((2.6 + 0.004 * pct) * 1000) / 1000);
  }
}
