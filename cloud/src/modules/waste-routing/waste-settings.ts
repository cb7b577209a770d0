/**
 * The deployment's waste settings file (env WASTE_CONFIG, YAML or JSON): depot, dump, fleet, round
 * and selection settings, each optional and merged over DEFAULT_WASTE_CONFIG. Errors name the file,
 * line and field, and say what the value may be; the cloud refuses to start on one (config.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cron from 'node-cron';
import { type Static, Type } from 'typebox';
import {
  ConfigFileError,
  createParser,
  explainingParser,
  ID_PATTERN,
  type IssueHint,
  parseYamlConfig,
} from '../../../../protocols/src/index.js';
import { parseOsrmTable, type RoadMatrix } from './geo.js';
import { WASTE_POLICIES } from './round-stops.js';
import type { WasteRoutingConfig } from './waste-routing.config.js';

const strict = { additionalProperties: false } as const;
const HHMM_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const HHMM = Type.String({ pattern: HHMM_PATTERN });
const Pct = Type.Number({ exclusiveMinimum: 0, maximum: 100 });
const Point = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  strict,
);
const opt = Type.Optional;

export const WasteSettings = Type.Object(
  {
    /** Where the trucks start and end their day (unset: the centre of the registered bins). */
    depot: opt(Point),
    /** Where they unload (transfer station; unset: the depot). */
    dump: opt(Point),
    fleet: opt(
      Type.Object(
        {
          vehicleIds: opt(
            Type.Array(Type.String({ pattern: ID_PATTERN }), { minItems: 1, uniqueItems: true }),
          ),
          /** Loose waste a truck takes (its payload), litres. */
          capacityLiters: opt(Type.Number({ exclusiveMinimum: 0 })),
          /** Share of capacityLiters a plan fills (the rest absorbs forecast error); default and eval:waste 95 (its fixed round 90). */
          planLoadPct: opt(Pct),
          shiftMinutes: opt(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 60 })),
          speedKmh: opt(Type.Number({ exclusiveMinimum: 0, maximum: 130 })),
          detourFactor: opt(Type.Number({ minimum: 1, maximum: 5 })),
          serviceMinutes: opt(Type.Number({ minimum: 0, maximum: 120 })),
          dumpMinutes: opt(Type.Number({ minimum: 0, maximum: 240 })),
        },
        strict,
      ),
    ),
    roundTime: opt(HHMM),
    cron: opt(Type.String({ minLength: 1 })),
    thresholdPct: opt(Pct),
    policy: opt(Type.Enum([...WASTE_POLICIES])),
    keepPct: opt(Type.Number({ minimum: 0, maximum: 100 })),
    overOfferTrips: opt(Type.Number({ minimum: 0, maximum: 10 })),
    /** trips: optional trip tails up to this % of the payload, skipped when the truck is full; 0: none. */
    tailLoadPct: opt(Type.Number({ minimum: 0, maximum: 200 })),
    intradayChecks: opt(Type.Array(HHMM, { uniqueItems: true })),
    urgentPct: opt(Pct),
    /** Bins within this many metres of each other are one collection point; 0: off. */
    pointRadiusM: opt(Type.Number({ minimum: 0, maximum: 100 })),
    /** prize policy: a bin this full at pickup may be taken along, at prizeMetresPerPct per %. */
    optionalMinPct: opt(Type.Number({ minimum: 0, maximum: 100 })),
    prizeMetresPerPct: opt(Type.Number({ minimum: 0, maximum: 1000 })),
    /**
     * Safety margin: quantile of each bin's forecast error added to its forecast rise (0: none).
     * Below 1: the largest error seen is one odd day, not a margin.
     */
    marginQuantile: opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    /** Days of fill history the forecast learns from (it needs 3 to trust a bin). */
    historyDays: opt(Type.Integer({ minimum: 3, maximum: 365 })),
    /** Container litres of a registered bin without capacityLiters. */
    defaultBinLiters: opt(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
    fireTempC: opt(Type.Number({ minimum: 20, maximum: 500 })),
    tiltDeg: opt(Type.Number({ exclusiveMinimum: 0, maximum: 180 })),
    timeLimitMs: opt(Type.Integer({ minimum: 100, maximum: 600_000 })),
    maxIterations: opt(Type.Integer({ minimum: 1 })),
    /**
     * OSRM `table` answer (JSON, annotations=distance,duration) plus `ids`: the location ids of its
     * sources/destinations in order, `depot`, `dump` and every bin id. Relative to this file.
     */
    roadMatrixFile: opt(Type.String({ minLength: 1 })),
  },
  strict,
);
export type WasteSettings = Static<typeof WasteSettings>;

/** How to write a value, for the fields a bare schema message would leave unclear. */
const HINTS: IssueHint[] = [
  [/^\/(roundTime|intradayChecks\/\d+)$/, 'local time as "HH:MM" (quoted in YAML), e.g. "09:30"'],
  [/^\/fleet\/vehicleIds\/\d+$/, 'an id of letters, digits, _ . : - (up to 64), e.g. truck-1'],
  [/^\/fleet\/vehicleIds$/, 'a list of distinct truck ids, e.g. [truck-1, truck-2]'],
  [/^\/intradayChecks$/, 'a list of distinct "HH:MM" times, e.g. ["13:00", "16:30"]'],
];

const parser = explainingParser(WasteSettings, createParser(WasteSettings, 'waste settings'), HINTS);

/** Parses and validates a settings text (YAML, or JSON which is YAML too). */
export function parseWasteSettings(text: string, file: string): WasteSettings {
  // An empty file is no settings: every default.
  const settings = parseYamlConfig(text, file, parser, (doc) => doc ?? {});
  if (settings.cron !== undefined && !cron.validate(settings.cron)) {
    const line = text.split('\n').findIndex((l) => /^\s*"?cron"?\s*:/.test(l)) + 1;
    throw new ConfigFileError(
      `invalid config\n  ${file}:${line || '?'}: cron: "${settings.cron}" is no cron expression: write minute hour day month weekday, e.g. "30 5 * * *"`,
    );
  }
  return settings;
}

/** The settings file and the road matrix it names, read and checked. */
export interface LoadedWasteSettings {
  settings: WasteSettings;
  road?: RoadMatrix;
}

export function loadWasteSettings(file: string): LoadedWasteSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read waste settings ${file}: ${(err as Error).message} (check WASTE_CONFIG)`);
  }
  const settings = parseWasteSettings(text, file);
  if (!settings.roadMatrixFile) return { settings };
  const matrixFile = resolve(dirname(file), settings.roadMatrixFile);
  return { settings, road: loadRoadMatrix(matrixFile, file) };
}

/** An OSRM table answer with the location ids of its rows (`ids`: depot, dump, bin ids). */
function loadRoadMatrix(matrixFile: string, settingsFile: string): RoadMatrix {
  const where = `${settingsFile}: roadMatrixFile ${matrixFile}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(matrixFile, 'utf8'));
  } catch (err) {
    throw new Error(`invalid config\n  ${where}: ${(err as Error).message}`);
  }
  const ids = (json as { ids?: unknown }).ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string') || new Set(ids).size !== ids.length)
    throw new Error(
      `invalid config\n  ${where}: needs "ids", the distinct location ids of the table's rows in order ("depot", "dump" and every bin id)`,
    );
  for (const must of ['depot', 'dump'])
    if (!ids.includes(must)) throw new Error(`invalid config\n  ${where}: ids has no "${must}"`);
  try {
    return parseOsrmTable(json, ids);
  } catch (err) {
    throw new Error(`invalid config\n  ${where}: ${(err as Error).message}`);
  }
}

/** The settings over `base` (the defaults in the deployment's zone): what the service runs on. */
export function applyWasteSettings(
  base: WasteRoutingConfig,
  { settings, road }: LoadedWasteSettings,
): WasteRoutingConfig {
  const { fleet, roadMatrixFile: _, ...rest } = settings;
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...base,
    ...defined(rest),
    fleet: { ...base.fleet, ...defined(fleet ?? {}) },
    ...(road ? { road } : {}),
  };
}
