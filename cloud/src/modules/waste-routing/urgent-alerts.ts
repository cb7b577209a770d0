/**
 * Fire (temperature) and tilt (knocked over) on a bin need people, not a route: they become urgent
 * alerts through this port. The composition root adapts it to the work-orders service; the
 * in-memory adapter serves tests and a cloud without governance.
 */

export type UrgentKind = 'fire' | 'tilt';

export interface UrgentBinAlerts {
  /** `alertId` is stable for one incident, so a repeated raise opens nothing new. */
  raise(
    binId: string,
    kind: UrgentKind,
    details: { alertId: string; at: number; value: number },
  ): Promise<void>;
}

export class InMemoryUrgentBinAlerts implements UrgentBinAlerts {
  readonly raised: Array<{ binId: string; kind: UrgentKind; alertId: string; at: number; value: number }> =
    [];
  async raise(binId: string, kind: UrgentKind, details: { alertId: string; at: number; value: number }) {
    if (this.raised.some((r) => r.alertId === details.alertId)) return;
    this.raised.push({ binId, kind, ...details });
  }
}

export interface BinSensorValues {
  temperature_c?: unknown;
  tilt_deg?: unknown;
  tilted?: unknown;
  fire_alarm?: unknown;
}

export interface Thresholds {
  fireTempC: number;
  tiltDeg: number;
}

/** Which urgent conditions a bin's latest reading shows (pure). */
export function urgentConditions(
  v: BinSensorValues,
  t: Thresholds,
): Array<{ kind: UrgentKind; value: number }> {
  const out: Array<{ kind: UrgentKind; value: number }> = [];
  const temp = typeof v.temperature_c === 'number' ? v.temperature_c : Number.NaN;
  if (v.fire_alarm === true || temp >= t.fireTempC) out.push({ kind: 'fire', value: temp });
  const tilt = typeof v.tilt_deg === 'number' ? v.tilt_deg : Number.NaN;
  if (v.tilted === true || Math.abs(tilt) >= t.tiltDeg) out.push({ kind: 'tilt', value: tilt });
  return out;
}
