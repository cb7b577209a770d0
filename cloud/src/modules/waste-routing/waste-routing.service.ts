/**
 * Waste pickup planning: reads the registry's bins and their fill history, forecasts, selects,
 * solves, and keeps the day's round with the crews' reports. The algorithms are the pure modules
 * next to this file; this service only gathers inputs and stores outputs.
 */
import { randomUUID } from 'node:crypto';
import { refuse } from '../../i18n/localized-error.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { TimeseriesStore } from '../../ports/timeseries-store.js';
import type { Bin } from '../registry/registry.model.js';
import type { CrewNotices } from './crew-notices.js';
import { type FillSample, learnFillModel, riseErrorQuantile } from './forecast.js';
import type { GeoPoint } from './geo.js';
import { localDate, localInstant } from './local-time.js';
import {
  depotNode,
  type FleetConfig,
  locationsOffRoadMatrix,
  type Plan,
  type PlanRequest,
  planRound,
  type StopInput,
  startNode,
  type TruckOut,
  travelFor,
} from './planner.js';
import { binPoints, litresAt, type RoundBin, replanStops } from './round-stops.js';
import { intradayCheck } from './selection.js';
import { type UrgentBinAlerts, urgentConditions } from './urgent-alerts.js';
import type { WasteRoutingConfig } from './waste-routing.config.js';
import type {
  DayStats,
  RoundView,
  SkipReason,
  TruckRouteView,
  WasteRoundsTable,
  WasteStopsTable,
} from './waste-routing.model.js';
import { WasteRoutingRepository } from './waste-routing.repository.js';
import { WasteDayStats } from './waste-stats.js';

/** What the service needs of the registry. */
export interface BinDirectory {
  listBins(): Promise<Bin[]>;
}

export interface PlanOptions {
  /** Local date (default: today by the clock). */
  date?: string;
  onProgress?: (bestObjective: number, elapsedMs: number, iteration: number) => void;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const withWarning = (r: RoundView, warning: string | undefined): RoundView =>
  warning ? { ...r, warnings: [...(r.warnings ?? []), warning] } : r;
const binStopCount = (r: RoundView) =>
  r.trucks.flatMap((t) => t.stops).filter((s) => s.kind === 'bin').length;
/** An optional stop the crew left because the truck was full: the bin is still to be emptied. */
const leftFull = (s: WasteStopsTable) => s.status === 'skipped' && s.skip_reason === 'truck_full';

export class WasteRoutingService {
  private readonly repo: WasteRoutingRepository;
  private readonly dayStats: WasteDayStats;

  constructor(
    store: RelationalStore,
    private readonly timeseries: TimeseriesStore,
    private readonly bins: BinDirectory,
    private readonly alerts: UrgentBinAlerts,
    private readonly clock: Clock,
    readonly config: WasteRoutingConfig,
    /** Told the morning route (planDay) and when an intraday check changes it; none: nobody is told. */
    private readonly crews?: CrewNotices,
  ) {
    this.repo = new WasteRoutingRepository(store);
    this.dayStats = new WasteDayStats(this.repo, bins, timeseries, config.utcOffsetHours);
  }

  today(): string {
    return localDate(this.clock.now(), this.config.utcOffsetHours);
  }

  /** The morning plan (the scheduled job): today's round, announced to the crews. */
  async planDay(): Promise<RoundView> {
    const round = await this.plan();
    const warning = await this.tellCrews((crews) =>
      crews.routeReady({
        date: round.date,
        binStops: binStopCount(round),
        trucks: round.trucks.length,
        km: Math.round(round.distanceM / 100) / 10,
      }),
    );
    return withWarning(round, warning);
  }

  /** A re-plan asked for through the API: today's round from now, announced to the other crews. */
  async replanFor(by: { id: string; username: string }): Promise<RoundView> {
    const round = await this.plan();
    const warning = await this.tellCrews((crews) =>
      crews.routeReplanned({
        date: round.date,
        binStops: binStopCount(round),
        by: by.username,
        byUserId: by.id,
      }),
    );
    return withWarning(round, warning);
  }

  /**
   * Notices are best effort: the plan is stored whatever happens to them, so a failing inbox
   * becomes a warning on the answer, not an error that would make the plan look lost.
   */
  private async tellCrews(send: (crews: CrewNotices) => Promise<void>): Promise<string | undefined> {
    if (!this.crews) return undefined;
    try {
      await send(this.crews);
      return undefined;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return `the crews were not notified (${why}); they see the new route when they reload it`;
    }
  }

  /**
   * Plans (or re-plans) a day's round. Stops already done or skipped are kept as reported; every
   * other bin is forecast again and the pending part is solved afresh from now (or the round time).
   */
  async plan(options: PlanOptions = {}): Promise<RoundView> {
    const cfg = this.config;
    const now = this.clock.now();
    const date = options.date ?? this.today();
    const pickupAt = localInstant(date, cfg.roundTime, cfg.utcOffsetHours);
    const existing = await this.repo.roundByDate(date);
    const previous = existing ? await this.repo.stops(existing.id) : [];
    const kept = previous.filter((s) => s.status !== 'pending');
    // A bin left for truck_full is not handled: the re-plan may offer it again.
    const handled = new Set(kept.flatMap((s) => (s.bin_id && !leftFull(s) ? [s.bin_id] : [])));
    const allBins = await this.bins.listBins();
    const trucksOut = this.trucksOut(previous, allBins, now);
    const fleet = this.fleet(allBins);
    const { stops, baseline, tripsFirst } = await this.candidates(allBins, pickupAt, now, handled);
    const request: PlanRequest = {
      stops,
      fleet,
      ...(tripsFirst ? { tripsFirst } : {}),
      ...(trucksOut.length > 0 ? { trucksOut } : {}),
      startAt: Math.max(pickupAt, now),
      timeLimitMs: cfg.timeLimitMs,
      ...(cfg.maxIterations !== undefined ? { maxIterations: cfg.maxIterations } : {}),
      seed: cfg.seed,
      ...(cfg.road ? { road: cfg.road } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
    const plan = planRound(request);
    // The fixed daily round of every bin, on the same day's volumes: the "km saved" reference.
    const { trucksOut: _, ...fresh } = request;
    const baselinePlan = planRound({
      ...fresh,
      tripsFirst: false,
      stops: baseline,
      startAt: pickupAt,
      timeLimitMs: Math.min(1000, cfg.timeLimitMs),
    });
    const round: WasteRoundsTable = {
      id: existing?.id ?? randomUUID(),
      date,
      pickup_at: pickupAt,
      planned_at: now,
      baseline_m: baselinePlan.distanceM,
      created_at: existing?.created_at ?? now,
    };
    await this.repo.savePlan(round, this.rows(round.id, request, plan, kept));
    await this.checkUrgent();
    const view = await this.round(date);
    const offMatrix = locationsOffRoadMatrix(request);
    if (offMatrix.length === 0) return view;
    return {
      ...view,
      warnings: [
        `road matrix has no location for ${offMatrix.join(', ')}: planned on straight-line distance x ${fleet.detourFactor}; add them to the roadMatrixFile table (ids and rows) and restart`,
      ],
    };
  }

  /**
   * Trucks under way in a round being re-planned: each is at its last reported stop (by route
   * order) and carries the done stops since its last unloading, at their measured levels. A truck
   * whose planned return to the depot is past counts as back (not out).
   */
  private trucksOut(rows: WasteStopsTable[], bins: Bin[], now: number): TruckOut[] {
    const byId = new Map(bins.map((b) => [b.id, b]));
    const out: TruckOut[] = [];
    for (const vehicleId of new Set(rows.map((r) => r.vehicle_id))) {
      const route = rows.filter((r) => r.vehicle_id === vehicleId).sort((a, b) => a.seq - b.seq);
      const home = route.findLast((r) => r.kind === 'depot');
      if (home && home.expected_at <= now) continue;
      const last = route.findLastIndex((r) => r.kind === 'bin' && r.status !== 'pending');
      const bin = last < 0 ? undefined : byId.get(route[last]!.bin_id!);
      if (!bin) continue;
      let loadLiters = 0;
      for (let i = last; i >= 0 && route[i]!.kind !== 'dump'; i--) {
        const r = route[i]!;
        const b = r.bin_id ? byId.get(r.bin_id) : undefined;
        if (r.status === 'done' && b)
          loadLiters += ((r.measured_pct ?? 0) / 100) * (b.capacityLiters ?? this.config.defaultBinLiters);
      }
      out.push({ vehicleId, at: { lat: bin.lat, lon: bin.lon }, locationId: bin.id, loadLiters });
    }
    return out;
  }

  /** The bins a round considers, and the same bins as a fixed round would visit them. */
  private async candidates(bins: Bin[], pickupAt: number, now: number, handled: ReadonlySet<string>) {
    const cfg = this.config;
    const withDevice = bins.filter((b) => b.deviceId !== null).map((b) => b.deviceId!);
    const latest = new Map((await this.timeseries.latest(withDevice)).map((r) => [r.device, r]));
    const states: RoundBin[] = [];
    for (const bin of bins) {
      const history = bin.deviceId ? await this.history(bin.deviceId, now) : [];
      const reading = bin.deviceId ? latest.get(bin.deviceId) : undefined;
      const fill = reading?.values.fill_pct;
      const model =
        history.length > 0 ? learnFillModel(history, { utcOffsetHours: cfg.utcOffsetHours }) : undefined;
      states.push({
        binId: bin.id,
        at: { lat: bin.lat, lon: bin.lon },
        capacityLiters: bin.capacityLiters ?? cfg.defaultBinLiters,
        model,
        latest: reading && typeof fill === 'number' ? { ts: reading.ts, fillPct: fill } : undefined,
        ...(model && cfg.marginQuantile > 0
          ? {
              riseError: riseErrorQuantile(model, history, cfg.marginQuantile),
              riseError2: riseErrorQuantile(model, history, cfg.marginQuantile, { days: 2 }),
            }
          : {}),
      });
    }
    // Containers standing together (the registry's point, else by position): a due one brings its mates along.
    const pointOf = binPoints(bins, cfg.pointRadiusM);
    // The same selection code as eval:waste (round-stops.ts), by the configured policy; bins
    // already reported today are not offered again (an intraday re-plan, as eval:waste's checks).
    const { round, stops, tripsFirst } = replanStops(
      states,
      {
        // A re-plan after the round time forecasts to now: the truck cannot be there earlier.
        pickupAt: Math.max(pickupAt, now),
        nextPickupAt: pickupAt + DAY,
        afterNextPickupAt: pickupAt + 2 * DAY,
        thresholdPct: cfg.thresholdPct,
        optionalMinPct: cfg.optionalMinPct,
        prizeMetresPerPct: cfg.prizeMetresPerPct,
        staleAfterMs: 6 * HOUR,
        minHistoryHours: 72,
        policy: cfg.policy,
        keepPct: cfg.keepPct,
        overOfferTrips: cfg.overOfferTrips,
        ...(pointOf ? { pointOf } : {}),
      },
      handled,
    );
    const baseline: StopInput[] = states.map((s, i) => ({
      binId: s.binId,
      at: s.at,
      forecastPct: round[i]!.forecastPct,
      volumeLiters: litresAt(round[i]!.forecastPct, s.capacityLiters),
    }));
    // Optional tails beyond the planned payload, left by the crew when the truck is full.
    const tailLiters = (cfg.fleet.capacityLiters * cfg.tailLoadPct) / 100;
    return {
      stops,
      baseline,
      tripsFirst: tripsFirst && tailLiters > 0 ? { ...tripsFirst, tailLiters } : tripsFirst,
    };
  }

  /**
   * Intraday check on live readings, between rounds: a sensor bin that is not on today's round and
   * is at `urgentPct` or more, or is forecast (with its margin) to overflow before the next round,
   * gets today's round re-planned from now (stops already reported are kept, see plan()).
   * Nothing urgent: nothing changes, so drivers' routes are not reshuffled for no reason. A bin
   * without a recent reading is left to the morning plan, which treats it as mandatory.
   */
  async checkIntraday(): Promise<{
    date: string;
    urgent: string[];
    replanned: boolean;
    warnings?: string[];
  }> {
    const cfg = this.config;
    const now = this.clock.now();
    const date = this.today();
    const roundAt = localInstant(date, cfg.roundTime, cfg.utcOffsetHours);
    const nextRoundAt = now < roundAt ? roundAt : roundAt + DAY;
    const existing = await this.repo.roundByDate(date);
    // A bin left for truck_full is watched like one off the round (it was not emptied).
    const onRound = new Set(
      existing ? (await this.repo.stops(existing.id)).filter((s) => !leftFull(s)).map((s) => s.bin_id) : [],
    );
    const watched = (await this.bins.listBins()).filter((b) => b.deviceId !== null && !onRound.has(b.id));
    const latest = new Map(
      (await this.timeseries.latest(watched.map((b) => b.deviceId!))).map((r) => [r.device, r]),
    );
    const urgent: string[] = [];
    for (const bin of watched) {
      const reading = latest.get(bin.deviceId!);
      const fillPct = reading?.values.fill_pct;
      if (!reading || typeof fillPct !== 'number' || now - reading.ts > 2 * HOUR) continue;
      if (fillPct >= cfg.urgentPct) {
        urgent.push(bin.id);
        continue;
      }
      const history = await this.history(bin.deviceId!, now);
      if (history.length === 0) continue;
      const model = learnFillModel(history, { utcOffsetHours: cfg.utcOffsetHours });
      const riseError = cfg.marginQuantile > 0 ? riseErrorQuantile(model, history, cfg.marginQuantile) : 0;
      const check = intradayCheck(
        { binId: bin.id, model, latest: { ts: reading.ts, fillPct }, riseError },
        { now, nextRoundAt, urgentPct: cfg.urgentPct },
      );
      if (check.urgent) urgent.push(bin.id);
    }
    if (urgent.length === 0) return { date, urgent, replanned: false };
    const view = await this.plan({ date });
    const addedStops = view.trucks
      .flatMap((t) => t.stops)
      .filter((s) => s.kind === 'bin' && s.status === 'pending' && !onRound.has(s.binId!)).length;
    const warning = await this.tellCrews((crews) =>
      crews.routeUpdated({ date, addedStops, urgentBins: urgent.length }),
    );
    return { date, urgent, replanned: true, ...(warning ? { warnings: [warning] } : {}) };
  }

  /** Hourly fill levels (last reading of each hour) over the learning window. */
  private async history(device: string, now: number): Promise<FillSample[]> {
    const points = await this.timeseries.aggregate({
      device,
      field: 'fill_pct',
      fn: 'last',
      window: '1h',
      from: now - this.config.historyDays * DAY,
      to: now,
      utcOffsetHours: this.config.utcOffsetHours,
    });
    return points.map((p) => ({ ts: p.start + HOUR, fillPct: p.value }));
  }

  /** Depot and dump as planning uses them (configured, or the centre of the bins). */
  async places(): Promise<{ depot: GeoPoint; dump: GeoPoint }> {
    const f = this.fleet(await this.bins.listBins());
    return { depot: f.depot, dump: f.dump };
  }

  private fleet(bins: Bin[]): FleetConfig {
    const c = this.config;
    const centre: GeoPoint =
      bins.length > 0
        ? {
            lat: bins.reduce((s, b) => s + b.lat, 0) / bins.length,
            lon: bins.reduce((s, b) => s + b.lon, 0) / bins.length,
          }
        : { lat: 0, lon: 0 };
    // Planned to planLoadPct % of the payload, as eval:waste plans (its planFleet).
    const { planLoadPct, ...fleet } = c.fleet;
    return {
      ...fleet,
      capacityLiters: Math.round((fleet.capacityLiters * planLoadPct) / 100),
      depot: c.depot ?? centre,
      dump: c.dump ?? c.depot ?? centre,
    };
  }

  /** Rows of the new pending stops, numbered after each truck's kept (reported) stops. */
  private rows(roundId: string, req: PlanRequest, plan: Plan, kept: WasteStopsTable[]): WasteStopsTable[] {
    const travel = travelFor(req);
    const N = travel.size;
    const depot = depotNode(req);
    const node = new Map(req.stops.map((s, i) => [s.binId, i + 1]));
    const rows: WasteStopsTable[] = [];
    for (const truck of plan.trucks) {
      let seq = kept
        .filter((k) => k.vehicle_id === truck.vehicleId)
        .reduce((m, k) => Math.max(m, k.seq + 1), 0);
      // A truck already out goes on from its last reported stop.
      let prev = startNode(req, truck.vehicleId);
      for (const v of truck.visits) {
        const to = v.kind === 'bin' ? node.get(v.binId!)! : v.kind === 'dump' ? 0 : depot;
        rows.push({
          id: randomUUID(),
          round_id: roundId,
          vehicle_id: truck.vehicleId,
          seq: seq++,
          kind: v.kind,
          bin_id: v.binId ?? null,
          trip: v.trip,
          expected_at: v.arrivalAt,
          forecast_pct: v.forecastPct === undefined ? null : Math.round(v.forecastPct * 10) / 10,
          optional: v.optional ? 1 : 0,
          planned_liters: v.plannedLiters === undefined ? null : Math.round(v.plannedLiters),
          leg_m: travel.dist[prev * N + to]!,
          leg_s: travel.time[prev * N + to]!,
          status: 'pending',
          measured_pct: null,
          skip_reason: null,
          done_at: null,
          done_by: null,
        });
        prev = to;
      }
    }
    return rows;
  }

  /** One truck's part of a day's round. */
  async truckRoute(vehicleId: string, date?: string): Promise<TruckRouteView> {
    const truck = (await this.round(date)).trucks.find((t) => t.vehicleId === vehicleId);
    if (!truck) throw refuse(404, 'not_found', { what: 'route', id: vehicleId });
    return truck;
  }

  async round(date = this.today()): Promise<RoundView> {
    const round = await this.repo.roundByDate(date);
    if (!round) throw refuse(404, 'no_round', { date });
    const stops = await this.repo.stops(round.id);
    const bins = new Map((await this.bins.listBins()).map((b) => [b.id, b]));
    const trucks = new Map<string, TruckRouteView>();
    for (const s of stops) {
      const t = trucks.get(s.vehicle_id) ?? {
        vehicleId: s.vehicle_id,
        distanceM: 0,
        durationMin: 0,
        stops: [],
      };
      trucks.set(s.vehicle_id, t);
      const bin = s.bin_id ? bins.get(s.bin_id) : undefined;
      t.distanceM += s.leg_m;
      t.durationMin = Math.max(t.durationMin, (s.expected_at - round.pickup_at) / 60_000);
      t.stops.push({
        id: s.id,
        seq: s.seq,
        kind: s.kind,
        binId: s.bin_id,
        address: bin?.name ?? null,
        pointId: bin?.pointId ?? null,
        lat: bin?.lat ?? null,
        lon: bin?.lon ?? null,
        trip: s.trip,
        expectedAt: s.expected_at,
        forecastPct: s.forecast_pct,
        optional: s.optional === 1,
        plannedLiters: s.planned_liters,
        status: s.status,
        measuredPct: s.measured_pct,
        skipReason: s.skip_reason,
        doneAt: s.done_at,
      });
    }
    const list = [...trucks.values()];
    return {
      id: round.id,
      date: round.date,
      pickupAt: round.pickup_at,
      plannedAt: round.planned_at,
      distanceM: list.reduce((s, t) => s + t.distanceM, 0),
      baselineM: round.baseline_m,
      trucks: list,
    };
  }

  async markDone(stopId: string, measuredPct: number, userId: string): Promise<void> {
    await this.complete(stopId, { status: 'done', measured_pct: measuredPct, skip_reason: null }, userId);
  }

  async markSkipped(stopId: string, reason: SkipReason, userId: string): Promise<void> {
    await this.complete(stopId, { status: 'skipped', measured_pct: null, skip_reason: reason }, userId);
  }

  private async complete(
    stopId: string,
    change: Pick<WasteStopsTable, 'status' | 'measured_pct' | 'skip_reason'>,
    userId: string,
  ): Promise<void> {
    const stop = await this.repo.stop(stopId);
    if (!stop) throw refuse(404, 'not_found', { what: 'stop', id: stopId });
    if (stop.kind !== 'bin') throw refuse(409, 'not_a_bin');
    // A mandatory bin is forecast to fill before the next round: a full truck unloads and comes back.
    if (change.skip_reason === 'truck_full' && stop.optional !== 1)
      throw refuse(409, 'mandatory_stop_truck_full', { id: stopId });
    const ok = await this.repo.complete(stopId, { ...change, done_at: this.clock.now(), done_by: userId });
    if (!ok) throw refuse(409, 'already_reported', { id: stopId, status: stop.status });
  }

  /** Raises fire and tilt alerts from the bins' latest readings (once per bin, kind and hour). */
  async checkUrgent(): Promise<number> {
    const bins = (await this.bins.listBins()).filter((b) => b.deviceId !== null);
    const latest = new Map(
      (await this.timeseries.latest(bins.map((b) => b.deviceId!))).map((r) => [r.device, r]),
    );
    let raised = 0;
    for (const bin of bins) {
      const r = latest.get(bin.deviceId!);
      if (!r || this.clock.now() - r.ts > HOUR) continue;
      for (const c of urgentConditions(r.values, this.config)) {
        // One alert per bin, kind and local hour: a burning bin re-alerts hourly, not per reading.
        const alertId = `bin:${bin.id}:${c.kind}:${Math.floor(r.ts / HOUR)}`;
        await this.alerts.raise(bin.id, c.kind, { alertId, at: r.ts, value: c.value });
        raised++;
      }
    }
    return raised;
  }

  /** Per day: km and hours driven (planned), bins collected and skipped, overflows, km saved. */
  stats(fromDate: string, toDate: string): Promise<DayStats[]> {
    return this.dayStats.between(fromDate, toDate);
  }
}
