import type { BinModel } from '../model/bin.js';
import { dayIndexOf, dayInfo } from '../model/calendar.js';
import { outdoorTempC } from '../model/climate.js';
import { valueNoise } from '../model/random.js';
import { type Behaviour, batteryPct } from './behaviour.js';
import type { SimDevice } from './sim-device.js';

/** Sensor in the lid to the bottom of the empty container, by volume (ASSUMPTION from EN 840 heights). */
const DEPTH_MM: Record<number, number> = { 240: 1000, 660: 1050, 1100: 1150 };

/** A waste-bin fill sensor (linli-bin-500), battery powered. */
export class BinSensorBehaviour implements Behaviour {
  readonly mainsPowered = false;
  private first: number | undefined;

  constructor(
    readonly bin: BinModel,
    private readonly noiseSeed: number,
    private readonly batteryStartPct: number,
  ) {}

  step(device: SimDevice, now: number): void {
    this.first ??= now;
    const fill = this.bin.fillAt(now);
    const day = dayInfo(dayIndexOf(now));
    // In the sun a closed bin runs a couple of degrees above the air (ASSUMPTION).
    const temp = outdoorTempC(now, day.dayOfYear) + 2 + valueNoise(this.noiseSeed, now, 30 * 60_000);
    device.set('fill_pct', Math.round(fill * 10) / 10);
    const depth = DEPTH_MM[this.bin.capacityLitres] ?? 1000;
    device.set('distance_mm', Math.round(depth * (1 - fill / 100) + 50));
    device.set('temperature_c', Math.round(temp * 10) / 10);
    device.set('tilt_deg', Math.round(1.5 * valueNoise(this.noiseSeed + 1, now, 6 * 3_600_000) * 10) / 10);
    device.set('tilted', false);
    device.set('fire_alarm', temp > 60);
    device.set('battery_pct', Math.round(batteryPct(this.batteryStartPct, this.first, now)));
  }
}
