/**
 * CVRP benchmark for the waste-routing solver (issue 7).
 *
 *   npx tsx bench/routes.ts --time 5 [--set X] [--filter A-n] [--seed 1] [--clock cpu|wall]
 *                           [--params '{"endTemp":0.02}']
 *
 * Solves every CVRPLIB instance in bench/data/cvrp (Augerat A/P with exactly k routes, Uchoa X with
 * an unlimited fleet) on one core with the given time limit, checks each solution independently,
 * and prints ONE JSON object on stdout (progress goes to stderr). `--set` keeps the families given
 * (comma-separated: A,P,X). The limit is CPU time of this process by default (`--clock cpu`): the
 * machine is shared, and wall-clock time would shrink the search by whatever other processes take.
 * Both CPU and wall seconds are printed per instance. A Clarke-Wright savings + 2-opt
 * baseline is computed in the same run so that the ratio can be read on any machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkSolution,
  clarkeWright,
  parseVrpInstance,
  type SolverParams,
  solve,
} from '../cloud/src/modules/waste-routing/solver/index.js';

const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'cvrp');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const timeLimitSec = Number(arg('time') ?? 5);
const filter = arg('filter');
const seed = Number(arg('seed') ?? 1);
const sets = arg('set')?.toUpperCase().split(',');
const clockKind = arg('clock') ?? 'cpu';
/** Solver parameter overrides (tuning runs); printed in the output so a result names its settings. */
const params = JSON.parse(arg('params') ?? '{}') as Partial<SolverParams>;
if (!(timeLimitSec > 0)) throw new Error('--time must be a positive number of seconds');
if (clockKind !== 'cpu' && clockKind !== 'wall') throw new Error('--clock must be cpu or wall');
/** User + system CPU time of this process in ms; the solver runs alone in it, so that is its time. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const loadBefore = os.loadavg();

const bks = new Map<string, number>();
for (const line of readFileSync(path.join(dataDir, 'bks.csv'), 'utf8').trim().split('\n').slice(1)) {
  const [name, , , cost] = line.split(',');
  bks.set(name!, Number(cost));
}

const names = readdirSync(dataDir)
  .filter((f) => f.endsWith('.vrp'))
  .map((f) => f.slice(0, -4))
  .filter((n) => !filter || n.includes(filter))
  .filter((n) => !sets || sets.includes(n[0]!))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

interface Row {
  name: string;
  n: number;
  k?: number;
  cost: number;
  bks: number;
  gapPct: number;
  routes: number;
  cpuSec: number;
  wallSec: number;
  feasible: boolean;
  iterations: number;
  itPerCpuSec: number;
}
interface BaseRow {
  name: string;
  cost: number;
  gapPct: number;
  routes: number;
  feasible: boolean;
}

const rows: Row[] = [];
const baseRows: BaseRow[] = [];
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

for (const name of names) {
  const family = name[0]!;
  const inst = parseVrpInstance(
    readFileSync(path.join(dataDir, `${name}.vrp`), 'utf8'),
    family === 'X' ? 'unlimited' : 'exact-k',
  );
  const best = bks.get(name);
  if (best === undefined) throw new Error(`${name}: not in bks.csv`);

  const baseRoutes = clarkeWright(inst);
  const bc = checkSolution(inst, baseRoutes);
  baseRows.push({
    name,
    cost: bc.cost,
    gapPct: round((bc.cost / best - 1) * 100),
    routes: bc.routeCount,
    feasible: bc.feasible,
  });

  const c0 = cpuMs();
  const res = solve(inst, {
    timeLimitMs: timeLimitSec * 1000,
    seed,
    params,
    ...(clockKind === 'cpu' ? { clock: cpuMs } : {}),
  });
  const cpuSec = (cpuMs() - c0) / 1000;
  const chk = checkSolution(inst, res.routes);
  const row: Row = {
    name,
    n: inst.n,
    ...(inst.fleet.kind === 'exact' ? { k: inst.fleet.count } : {}),
    cost: chk.cost,
    bks: best,
    gapPct: round((chk.cost / best - 1) * 100),
    routes: chk.routeCount,
    cpuSec: round(cpuSec, 2),
    wallSec: round(res.elapsedMs / 1000, 2),
    feasible: chk.feasible && chk.cost === res.cost,
    iterations: res.iterations,
    itPerCpuSec: Math.round(res.iterations / cpuSec),
  };
  rows.push(row);
  process.stderr.write(
    `${name.padEnd(12)} cost ${row.cost} bks ${best} gap ${row.gapPct.toFixed(2)}% ` +
      `(CW ${baseRows.at(-1)!.gapPct.toFixed(2)}%) ${row.feasible ? 'ok' : `INFEASIBLE ${chk.errors.join('; ')}`} ` +
      `${res.iterations} it ${row.cpuSec}s cpu ${row.wallSec}s wall\n`,
  );
}

const mean = (xs: number[]): number | null =>
  xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const byFamily = <T extends { name: string; gapPct: number }>(rs: T[]) => ({
  A: mean(rs.filter((r) => r.name.startsWith('A')).map((r) => r.gapPct)),
  P: mean(rs.filter((r) => r.name.startsWith('P')).map((r) => r.gapPct)),
  X: mean(rs.filter((r) => r.name.startsWith('X')).map((r) => r.gapPct)),
  all: mean(rs.map((r) => r.gapPct)),
});

const cpus = os.cpus();
const out = {
  machine: { cores: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version },
  timeLimitSec,
  clock: clockKind,
  seed,
  params,
  loadavg: { before: loadBefore.map((x) => round(x, 2)), after: os.loadavg().map((x) => round(x, 2)) },
  instances: rows,
  summary: {
    ...byFamily(rows),
    infeasible: rows.filter((r) => !r.feasible).length,
    medianItPerCpuSec: median(rows.map((r) => r.itPerCpuSec)),
    cpuSec: round(
      rows.reduce((a, r) => a + r.cpuSec, 0),
      1,
    ),
    wallSec: round(
      rows.reduce((a, r) => a + r.wallSec, 0),
      1,
    ),
  },
  baseline: {
    method: 'Clarke-Wright parallel savings + 2-opt per route (fleet size not enforced)',
    summary: { ...byFamily(baseRows), infeasible: baseRows.filter((r) => !r.feasible).length },
    instances: baseRows,
  },
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
