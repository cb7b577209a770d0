import type { Insertable, Selectable, Updateable } from 'kysely';
import type { BuildingsTable, GridsTable, HouseholdsTable } from '../../db/schema.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Building, Grid, Household } from './registry.model.js';

type HouseholdRow = Selectable<HouseholdsTable> & { grid_id: string };

const toGrid = (r: Selectable<GridsTable>): Grid => ({ id: r.id, name: r.name, createdAt: r.created_at });

const toBuilding = (r: Selectable<BuildingsTable>): Building => ({
  id: r.id,
  gridId: r.grid_id,
  name: r.name,
  address: r.address,
  createdAt: r.created_at,
});

const toHousehold = (r: HouseholdRow): Household => ({
  id: r.id,
  buildingId: r.building_id,
  gridId: r.grid_id,
  unit: r.unit,
  residents: JSON.parse(r.residents_json),
  livingAlone: r.living_alone === 1,
  emergencyContacts: JSON.parse(r.emergency_contacts_json),
  socialWorkerId: r.social_worker_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface HouseholdFilter {
  gridId?: string;
  buildingId?: string;
  livingAlone?: boolean;
}

/** Grids, buildings and households: the places people live, as tables. */
export class SitesRepository {
  constructor(private readonly store: RelationalStore) {}

  private get db() {
    return this.store.db;
  }

  async insertGrid(row: Insertable<GridsTable>): Promise<void> {
    await this.db.insertInto('grids').values(row).execute();
  }

  async grids(): Promise<Grid[]> {
    return (await this.db.selectFrom('grids').selectAll().orderBy('name').execute()).map(toGrid);
  }

  async grid(id: string): Promise<Grid | undefined> {
    const row = await this.db.selectFrom('grids').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toGrid(row);
  }

  async updateGrid(id: string, changes: Updateable<GridsTable>): Promise<boolean> {
    const r = await this.db.updateTable('grids').set(changes).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteGrid(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('grids').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async insertBuilding(row: Insertable<BuildingsTable>): Promise<void> {
    await this.db.insertInto('buildings').values(row).execute();
  }

  async buildings(gridId?: string): Promise<Building[]> {
    let q = this.db.selectFrom('buildings').selectAll();
    if (gridId !== undefined) q = q.where('grid_id', '=', gridId);
    return (await q.orderBy('name').execute()).map(toBuilding);
  }

  async building(id: string): Promise<Building | undefined> {
    const row = await this.db.selectFrom('buildings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBuilding(row);
  }

  async updateBuilding(id: string, changes: Updateable<BuildingsTable>): Promise<boolean> {
    const r = await this.db.updateTable('buildings').set(changes).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteBuilding(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('buildings').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async insertHousehold(row: Insertable<HouseholdsTable>): Promise<void> {
    await this.db.insertInto('households').values(row).execute();
  }

  private householdQuery() {
    return this.db
      .selectFrom('households')
      .innerJoin('buildings', 'buildings.id', 'households.building_id')
      .selectAll('households')
      .select('buildings.grid_id');
  }

  async households(filter: HouseholdFilter): Promise<Household[]> {
    let q = this.householdQuery();
    if (filter.gridId !== undefined) q = q.where('buildings.grid_id', '=', filter.gridId);
    if (filter.buildingId !== undefined) q = q.where('households.building_id', '=', filter.buildingId);
    if (filter.livingAlone !== undefined)
      q = q.where('households.living_alone', '=', filter.livingAlone ? 1 : 0);
    const rows = await q.orderBy('households.building_id').orderBy('households.unit').execute();
    return rows.map(toHousehold);
  }

  async household(id: string): Promise<Household | undefined> {
    const row = await this.householdQuery().where('households.id', '=', id).executeTakeFirst();
    return row && toHousehold(row);
  }

  async updateHousehold(id: string, changes: Updateable<HouseholdsTable>): Promise<boolean> {
    const r = await this.db.updateTable('households').set(changes).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteHousehold(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('households').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}
