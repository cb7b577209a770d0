import { dayIndexOf, dayInfo, hourOfDay, summerness } from './calendar.js';
import { dailyMeanTempC, diurnal } from './climate.js';
import { clamp, hashSeed, valueNoise } from './random.js';
import { AIR } from './statistics.js';

export interface EnvReading {
  temperatureC: number;
  humidityPct: number;
  pm25: number;
  co2Ppm: number;
  noiseDb: number;
}

/** Two rush-hour bumps (08:00 and 18:30) shared by traffic-driven PM2.5, CO2 and noise. */
function rushHour(hour: number): number {
  const bump = (centre: number, width: number) => Math.exp(-(((hour - centre) / width) ** 2));
  return bump(8, 1.2) + bump(18.5, 1.5);
}

/**
 * One outdoor environmental station. Each quantity is a diurnal/seasonal curve plus smooth noise
 * (a function of time, see valueNoise) and a fixed offset for the site (near a road, in a garden).
 */
export class EnvironmentModel {
  private readonly seed: number;
  constructor(
    seed: number,
    readonly id: string,
    private readonly site: { roadside: boolean },
  ) {
    this.seed = hashSeed(seed, 'env', id);
  }

  at(t: number): EnvReading {
    const day = dayInfo(dayIndexOf(t));
    const hour = hourOfDay(t);
    const n = (k: number, periodMin: number) => valueNoise(this.seed + k, t, periodMin * 60_000);
    const temperatureC = dailyMeanTempC(day.dayOfYear) + diurnal(t, 3.5) + 1.5 * n(1, 180) + 0.3 * n(2, 10);
    // Relative humidity falls as the day warms (same moisture, warmer air); higher in the plum-rain summer.
    const humidityPct = clamp(
      74 + 6 * summerness(day.dayOfYear) - 2.2 * diurnal(t, 3.5) + 8 * n(3, 240),
      20,
      99,
    );
    const roadside = this.site.roadside ? 1 : 0;
    const seasonalPm = AIR.pm25AnnualMean * (1 - 0.35 * summerness(day.dayOfYear));
    const pm25 = Math.max(
      3,
      seasonalPm * (1 + 0.25 * rushHour(hour) + 0.3 * roadside) * (1 + 0.35 * n(4, 360)),
    );
    const co2Ppm = AIR.co2BackgroundPpm + (15 + 25 * roadside) * rushHour(hour) + 8 * n(5, 60);
    const night = hour < 6 || hour >= 22; // GB 3096-2008 day/night split
    const noiseDb =
      (night ? AIR.noiseNightDb : AIR.noiseDayDb) +
      4 * roadside +
      2 * rushHour(hour) +
      2.5 * n(6, 5) +
      1.5 * n(7, 1);
    return { temperatureC, humidityPct, pm25, co2Ppm, noiseDb };
  }
}
