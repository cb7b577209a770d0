import { dayIndexOf, dayInfo, summerness } from '../model/calendar.js';
import type { Household } from '../model/household.js';
import { type Behaviour, batteryPct } from './behaviour.js';
import type { SimDevice } from './sim-device.js';

const LEAK_WINDOW_MS = 60 * 60_000;

/** A household's water meter (linli-wm-100): cumulative litres, flow, leak flag, battery. */
export class WaterMeterBehaviour implements Behaviour {
  readonly mainsPowered = false;
  private last: number | undefined;
  private first: number | undefined;
  private litres: number;

  constructor(
    private readonly household: Household,
    initialLitres: number,
    private readonly batteryStartPct = 95,
  ) {
    this.litres = initialLitres;
  }

  step(device: SimDevice, now: number): void {
    if (this.last === undefined) {
      this.last = now;
      this.first = now;
    }
    if (now > this.last) this.litres += this.household.waterLitres(this.last, now);
    this.last = now;
    // The register counts whole litres, as the meter's register does; the fraction carries over.
    device.set('total_litres', Math.floor(this.litres));
    device.set('flow_lpm', Math.round(this.household.flowLpm(now) * 100) / 100);
    device.set('leak', this.household.flowCovers(now - LEAK_WINDOW_MS, now));
    // Cold-water main: ~12 °C in winter to ~26 °C in summer (ASSUMPTION for a southern city).
    device.set(
      'water_temp_c',
      Math.round((19 + 7 * summerness(dayInfo(dayIndexOf(now)).dayOfYear)) * 10) / 10,
    );
    device.set('battery_pct', Math.round(batteryPct(this.batteryStartPct, this.first ?? now, now)));
  }
}
