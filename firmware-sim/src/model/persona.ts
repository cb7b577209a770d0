import { Rng } from './random.js';
import { NOCTURIA_RATE_RANGE, WAKE_TIME } from './statistics.js';

/** The stable habits of one elder living alone: what makes one household's days look like its own. */
export interface Persona {
  householdId: string;
  /** Mean wake time, minutes after midnight. */
  wakeMeanMin: number;
  bedMeanMin: number;
  nocturiaRate: number;
  /** Multiplies every water draw: some people run the tap longer (log-normal, calibrated so the community mean meets WATER_LITRES_PER_PERSON_DAY). */
  waterFactor: number;
  /** Multiplies cooking power-time: bigger or smaller meals. */
  cookingFactor: number;
  pMorningOuting: number;
  pAfternoonOuting: number;
  /** Electric storage heater for showers; otherwise gas (common in Chinese flats): no kWh. */
  electricWaterHeater: boolean;
  /** Fridge compressor cycle offset, so 200 fridges do not switch on in lock-step. */
  fridgePhaseMs: number;
}

export function drawPersona(seed: number, householdId: string): Persona {
  const rng = Rng.of(seed, 'persona', householdId);
  return {
    householdId,
    wakeMeanMin: rng.normal(WAKE_TIME.meanMin, WAKE_TIME.betweenPeopleSdMin),
    // ASSUMPTION: retired elders go to bed around 21:45 (SD 30 min); see WAKE_TIME.
    bedMeanMin: rng.normal(21 * 60 + 45, 30),
    nocturiaRate: rng.uniform(NOCTURIA_RATE_RANGE[0], NOCTURIA_RATE_RANGE[1]),
    waterFactor: Math.exp(rng.normal(-0.09, 0.2)),
    cookingFactor: rng.uniform(0.7, 1.3),
    // ASSUMPTION: most urban retirees go out in the morning (market, park exercise).
    pMorningOuting: rng.uniform(0.55, 0.9),
    pAfternoonOuting: rng.uniform(0.25, 0.65),
    electricWaterHeater: rng.chance(0.5),
    fridgePhaseMs: rng.uniform(0, 45 * 60_000),
  };
}
