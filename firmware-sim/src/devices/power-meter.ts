import type { Household } from '../model/household.js';
import { valueNoise } from '../model/random.js';
import type { Behaviour } from './behaviour.js';
import type { SimDevice } from './sim-device.js';

const POWER_FACTOR = 0.95; // ASSUMPTION: small household loads, mostly resistive and inverter

/** A household's energy meter (linli-pm-400). Opening the relay (a write) cuts the flat's supply. */
export class PowerMeterBehaviour implements Behaviour {
  readonly mainsPowered = true;
  private last: number | undefined;
  private kwh: number;

  constructor(
    private readonly household: Household,
    initialKwh: number,
    private readonly noiseSeed: number,
  ) {
    this.kwh = initialKwh;
  }

  step(device: SimDevice, now: number): void {
    const relayOn = device.get('relay_on') !== false;
    if (this.last === undefined) {
      this.last = now;
      device.set('relay_on', true);
    }
    if (now > this.last && relayOn) this.kwh += this.household.energyWh(this.last, now) / 1000;
    this.last = now;
    const watts = relayOn ? this.household.powerW(now) : 0;
    // Grid voltage: 220 V nominal (GB/T 12325 allows +7/-10 %), sagging a little at evening peak.
    const volts =
      224 + 3 * valueNoise(this.noiseSeed, now, 20 * 60_000) + valueNoise(this.noiseSeed + 1, now, 60_000);
    device.set('energy_kwh', Math.floor(this.kwh * 100) / 100);
    device.set('power_w', Math.round(watts * 10) / 10);
    device.set('voltage_v', Math.round(volts * 10) / 10);
    device.set('current_a', Math.round((watts / (volts * POWER_FACTOR)) * 1000) / 1000);
    device.set(
      'frequency_hz',
      Math.round((50 + 0.03 * valueNoise(this.noiseSeed + 2, now, 5 * 60_000)) * 100) / 100,
    );
  }
}
