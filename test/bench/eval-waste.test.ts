/**
 * eval:waste on short runs: its reference and its bound hold what they claim (the fixed round
 * empties every container daily; no plan drives less than the haul floor of what it collected),
 * so the figures it prints for the 30-day month can be read as they are documented.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface PlanTotals {
  km: number;
  binsCollected: number;
  overflowEvents: number;
  infeasiblePlans?: number;
  haulFloorKm: number;
  kmAboveFloor: Record<'partLoads' | 'radialSpread' | 'tour' | 'yardLegs', number>;
}
interface EvalRow {
  seed: number;
  community: { bins: number };
  fixedDailyRound: PlanTotals;
  optimised: PlanTotals;
  optimisedNoMargin: PlanTotals | undefined;
  kmSavedPct: number;
  haulFloorKm: number;
  kmSavedPctCeilingHaul: number;
}
interface EvalOutput {
  perSeed: EvalRow[];
  summary: { overflowEvents: { optimised: number } };
  goal: { met: boolean };
}

/** Runs eval:waste with `args` (space-separated) and returns its JSON. */
function evalWaste(args: string): EvalOutput {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/eval-waste.ts', ...args.split(' ')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return JSON.parse(out) as EvalOutput;
}

function checkRow(r: EvalRow, days: number) {
  // The fixed round empties every container every day.
  expect(r.fixedDailyRound.binsCollected).toBe(r.community.bins * days);
  expect(r.optimised.infeasiblePlans).toBe(0);
  // Each plan drives at least the haul floor of the litres it collected from each bin (a short
  // run's optimised plan collects less than the fixed round: its bins are emptied later).
  const plans = [r.fixedDailyRound, r.optimised, ...(r.optimisedNoMargin ? [r.optimisedNoMargin] : [])];
  for (const p of plans) {
    expect(p.haulFloorKm).toBeGreaterThan(0);
    expect(p.haulFloorKm).toBeLessThanOrEqual(p.km);
    // The km above it, by cause, are each >= 0 and with the floor add up to the km driven.
    const causes = Object.values(p.kmAboveFloor);
    expect(causes).toHaveLength(4);
    for (const km of causes) expect(km).toBeGreaterThanOrEqual(-0.01);
    expect(p.haulFloorKm + causes.reduce((a, b) => a + b, 0)).toBeCloseTo(p.km, 1);
  }
  expect(r.haulFloorKm).toBe(r.fixedDailyRound.haulFloorKm);
  expect(r.kmSavedPct).toBeCloseTo(100 * (1 - r.optimised.km / r.fixedDailyRound.km), 1);
}

describe('eval:waste', () => {
  it('one compound, 4 days, 2 seeds: the fixed round, the haul floor and the goal verdict', () => {
    const days = 4;
    const r = evalWaste(`--seeds 1,2 --days ${days} --households 0 --iterations 2000`);
    expect(r.perSeed.map((s) => s.seed)).toEqual([1, 2]);
    for (const row of r.perSeed) checkRow(row, days);
    const met = r.perSeed.every((s) => s.kmSavedPct >= 30) && r.summary.overflowEvents.optimised === 0;
    expect(r.goal.met).toBe(met);
  });

  it('the default community, 2 days: every container of every point', () => {
    const days = 2;
    const r = evalWaste(`--seeds 3 --days ${days} --iterations 2000 --no-margin-run off`);
    const [row] = r.perSeed;
    expect(row!.community.bins).toBeGreaterThan(100);
    expect(row!.optimisedNoMargin).toBeUndefined();
    checkRow(row!, days);
  });
});
