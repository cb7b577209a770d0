/**
 * What injected incidents do to one household's behaviour, in model terms. The scenarios module
 * turns labelled incidents into these; the day planner applies them.
 */
export interface Window {
  start: number;
  end: number;
}

export interface HouseholdEffects {
  /** Nobody acts: did not get up, collapsed, away on holiday. */
  suppress: Window[];
  /** Leaving and coming back (holiday): door events at both ends of the window. */
  away: Window[];
  /** A tap left running. */
  taps: Array<Window & { lpm: number }>;
  /** Night wandering: out of the door at start, back at end. */
  wander: Window[];
  /** Gradual decline from start (0) to end (1), staying declined afterwards. */
  decline?: Window;
  /** Mains power off in the building: nothing draws power. */
  outages: Window[];
}

export const NO_EFFECTS: HouseholdEffects = { suppress: [], away: [], taps: [], wander: [], outages: [] };

export function declineAt(effects: HouseholdEffects, t: number): number {
  const d = effects.decline;
  if (!d || t <= d.start) return 0;
  return Math.min(1, (t - d.start) / (d.end - d.start));
}

/** The parts of [start, end) outside every window. */
export function subtractWindows<T extends Window>(item: T, windows: readonly Window[]): T[] {
  let pieces: T[] = [item];
  for (const w of windows) {
    const next: T[] = [];
    for (const p of pieces) {
      if (w.end <= p.start || w.start >= p.end) {
        next.push(p);
        continue;
      }
      if (p.start < w.start) next.push({ ...p, end: w.start });
      if (p.end > w.end) next.push({ ...p, start: w.end });
    }
    pieces = next;
  }
  return pieces;
}

export function inWindows(t: number, windows: readonly Window[]): boolean {
  return windows.some((w) => t >= w.start && t < w.end);
}
