import type { Insertable, Selectable, Updateable } from 'kysely';
import type { BinsTable, DeviceStatus, DevicesTable, GatewaysTable } from '../../db/schema.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Bin, Device, Gateway } from './registry.model.js';

const toGateway = (r: Selectable<GatewaysTable>): Gateway => ({
  id: r.id,
  name: r.name,
  gridId: r.grid_id,
  buildingId: r.building_id,
  location: r.location,
  status: r.status,
  provisionedAt: r.provisioned_at,
  createdAt: r.created_at,
});

const toDevice = (r: Selectable<DevicesTable>): Device => ({
  id: r.id,
  gatewayId: r.gateway_id,
  profile: r.profile,
  unitId: r.unit_id,
  bus: r.bus,
  householdId: r.household_id,
  location: r.location,
  status: r.status,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
  createdAt: r.created_at,
});

const toBin = (r: Selectable<BinsTable>): Bin => ({
  id: r.id,
  name: r.name,
  gridId: r.grid_id,
  lat: r.lat,
  lon: r.lon,
  capacityLiters: r.capacity_liters,
  deviceId: r.device_id,
  pointId: r.point_id,
  createdAt: r.created_at,
});

export interface DeviceFilter {
  status?: DeviceStatus;
  gatewayId?: string;
  householdId?: string;
}

/** Gateways, devices and bins: the installed hardware, as tables. */
export class EquipmentRepository {
  constructor(private readonly store: RelationalStore) {}

  private get db() {
    return this.store.db;
  }

  async insertGateway(row: Insertable<GatewaysTable>): Promise<void> {
    await this.db.insertInto('gateways').values(row).execute();
  }

  /** Inserts unless the id exists (a concurrent insert of the same id is not an error). */
  async insertGatewayIfAbsent(row: Insertable<GatewaysTable>): Promise<void> {
    await this.db
      .insertInto('gateways')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async gateways(): Promise<Gateway[]> {
    return (await this.db.selectFrom('gateways').selectAll().orderBy('id').execute()).map(toGateway);
  }

  async gateway(id: string): Promise<Gateway | undefined> {
    const row = await this.db.selectFrom('gateways').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toGateway(row);
  }

  async updateGateway(id: string, changes: Updateable<GatewaysTable>): Promise<boolean> {
    const r = await this.db.updateTable('gateways').set(changes).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteGateway(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('gateways').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async insertDevice(row: Insertable<DevicesTable>): Promise<void> {
    await this.db.insertInto('devices').values(row).execute();
  }

  async insertDeviceIfAbsent(row: Insertable<DevicesTable>): Promise<void> {
    await this.db
      .insertInto('devices')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async devices(filter: DeviceFilter): Promise<Device[]> {
    let q = this.db.selectFrom('devices').selectAll();
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.gatewayId !== undefined) q = q.where('gateway_id', '=', filter.gatewayId);
    if (filter.householdId !== undefined) q = q.where('household_id', '=', filter.householdId);
    return (await q.orderBy('id').execute()).map(toDevice);
  }

  async device(id: string): Promise<Device | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDevice(row);
  }

  async updateDevice(id: string, changes: Updateable<DevicesTable>): Promise<boolean> {
    const r = await this.db.updateTable('devices').set(changes).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async markDeviceSeen(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('devices')
      .set((eb) => ({ last_seen_at: at, first_seen_at: eb.fn.coalesce('first_seen_at', eb.val(at)) }))
      .where('id', '=', id)
      .execute();
  }

  async deleteDevice(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async insertBin(row: Insertable<BinsTable>): Promise<void> {
    await this.db.insertInto('bins').values(row).execute();
  }

  async bins(gridId?: string): Promise<Bin[]> {
    let q = this.db.selectFrom('bins').selectAll();
    if (gridId !== undefined) q = q.where('grid_id', '=', gridId);
    return (await q.orderBy('name').execute()).map(toBin);
  }

  async bin(id: string): Promise<Bin | undefined> {
    const row = await this.db.selectFrom('bins').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBin(row);
  }

  async updateBin(id: string, changes: Updateable<BinsTable>): Promise<boolean> {
    const r = await this.db.updateTable('bins').set(changes).where('id', '=', id).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async deleteBin(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('bins').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}
