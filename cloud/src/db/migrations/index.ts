import type { Migration, MigrationProvider } from 'kysely';
import * as registry from './0001-registry.js';
import * as governance from './0002-governance.js';
import * as wasteRouting from './0003-waste-routing.js';
import * as wasteStopOptional from './0004-waste-stop-optional.js';
import * as wasteStopPlannedLiters from './0005-waste-stop-planned-liters.js';
import * as binPoint from './0006-bin-point.js';

/**
 * Migrations live in code (not read from a folder at run time) so they ship inside the bundle
 * and run the same under tsx, vitest and a compiled build. Names sort in the order they apply;
 * add new ones at the end, never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001-registry': registry,
  '0002-governance': governance,
  '0003-waste-routing': wasteRouting,
  '0004-waste-stop-optional': wasteStopOptional,
  '0005-waste-stop-planned-liters': wasteStopPlannedLiters,
  '0006-bin-point': binPoint,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
