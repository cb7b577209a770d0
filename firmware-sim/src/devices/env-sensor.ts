import type { EnvironmentModel } from '../model/environment.js';
import type { Behaviour } from './behaviour.js';
import type { SimDevice } from './sim-device.js';

/** An outdoor environmental station (linli-env-300), mains powered. */
export class EnvSensorBehaviour implements Behaviour {
  readonly mainsPowered = true;
  constructor(private readonly model: EnvironmentModel) {}

  step(device: SimDevice, now: number): void {
    const r = this.model.at(now);
    if (device.get('firmware') === '') device.set('firmware', 'V2.1.7');
    device.set('temperature_c', Math.round(r.temperatureC * 10) / 10);
    device.set('humidity_pct', Math.round(r.humidityPct * 10) / 10);
    device.set('pm25_ugm3', Math.round(r.pm25));
    device.set('co2_ppm', Math.round(r.co2Ppm));
    // float32 on the wire: round to what the register can hold exactly enough for comparisons.
    device.set('noise_db', Math.round(r.noiseDb * 100) / 100);
  }
}
