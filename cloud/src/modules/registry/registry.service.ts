import { randomBytes, randomUUID } from 'node:crypto';
import type { DevicesTable } from '../../db/schema.js';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import { type DeviceFilter, EquipmentRepository } from './equipment.repository.js';
import { guardedWrite, notFound } from './refusals.js';
import type { Bin, Device, DeviceStatus, Gateway } from './registry.model.js';

export interface NewGateway {
  id?: string;
  name: string;
  gridId?: string | null;
  buildingId?: string | null;
  location?: string | null;
}

export interface DeviceFields {
  gatewayId?: string | null;
  profile?: string | null;
  unitId?: number | null;
  bus?: string | null;
  householdId?: string | null;
  location?: string | null;
}

export interface NewBin {
  name: string;
  gridId?: string | null;
  lat: number;
  lon: number;
  capacityLiters?: number | null;
  deviceId?: string | null;
  pointId?: string | null;
}

/** What ingest learns from recordSeenDevice about a device id in a gateway's batch. */
export type SeenDevice = 'known' | 'new' | 'foreign';

interface OwnerEntry {
  exists: boolean;
  owner: string | null;
  loadedAt: number;
  seenWrittenAt: number;
}

export interface RegistryServiceOptions {
  /** How long a cached device owner is trusted (other cloud instances may change it). */
  ownerTtlMs?: number;
  /** last_seen_at is written at most this often per device: ingest calls per reading. */
  seenWriteIntervalMs?: number;
}

const statusOf = (d: { household_id: string | null; location: string | null }): DeviceStatus =>
  d.household_id !== null || d.location !== null ? 'assigned' : 'unassigned';

/**
 * Gateways, devices and bins, plus the two questions ingest asks on its hot path: "whose device
 * is this?" (deviceOwner) and "note that it sent data" (recordSeenDevice). Both answer from a small
 * per-device cache, so ingest does not pay a database round trip per reading.
 */
export class RegistryService {
  private readonly equipment: EquipmentRepository;
  private readonly owners = new Map<string, OwnerEntry>();
  private readonly knownGateways = new Set<string>();
  private readonly ownerTtlMs: number;
  private readonly seenWriteIntervalMs: number;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    options: RegistryServiceOptions = {},
    private readonly newId: () => string = randomUUID,
  ) {
    this.equipment = new EquipmentRepository(store);
    this.ownerTtlMs = options.ownerTtlMs ?? 30_000;
    this.seenWriteIntervalMs = options.seenWriteIntervalMs ?? 60_000;
  }

  // ---- gateways
  async createGateway(input: NewGateway): Promise<Gateway> {
    const id = input.id ?? `gw-${randomBytes(5).toString('hex')}`;
    const row = {
      id,
      name: input.name,
      grid_id: input.gridId ?? null,
      building_id: input.buildingId ?? null,
      location: input.location ?? null,
      status: 'pending' as const,
      provisioned_at: null,
      created_at: this.clock.now(),
    };
    await guardedWrite(this.store, () => this.equipment.insertGateway(row), {
      duplicate: { what: 'gateway', key: id },
      reference: [
        { what: 'grid', id: input.gridId },
        { what: 'building', id: input.buildingId },
      ],
    });
    this.knownGateways.add(id);
    return this.getGateway(id);
  }

  listGateways(): Promise<Gateway[]> {
    return this.equipment.gateways();
  }

  async getGateway(id: string): Promise<Gateway> {
    return (await this.equipment.gateway(id)) ?? Promise.reject(notFound('gateway', id));
  }

  async updateGateway(id: string, changes: Partial<Omit<NewGateway, 'id'>>): Promise<Gateway> {
    const found = await guardedWrite(
      this.store,
      () =>
        this.equipment.updateGateway(id, {
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.gridId !== undefined && { grid_id: changes.gridId }),
          ...(changes.buildingId !== undefined && { building_id: changes.buildingId }),
          ...(changes.location !== undefined && { location: changes.location }),
        }),
      {
        reference: [
          { what: 'grid', id: changes.gridId },
          { what: 'building', id: changes.buildingId },
        ],
      },
    );
    if (!found) throw notFound('gateway', id);
    return this.getGateway(id);
  }

  async deleteGateway(id: string): Promise<void> {
    const deleted = await guardedWrite(this.store, () => this.equipment.deleteGateway(id), {
      inUse: { what: 'gateway', id, dependents: ['device'] },
    });
    if (!deleted) throw notFound('gateway', id);
    this.knownGateways.delete(id);
  }

  // ---- devices
  async createDevice(id: string, fields: DeviceFields): Promise<Device> {
    const now = this.clock.now();
    const row = {
      id,
      gateway_id: fields.gatewayId ?? null,
      profile: fields.profile ?? null,
      unit_id: fields.unitId ?? null,
      bus: fields.bus ?? null,
      household_id: fields.householdId ?? null,
      location: fields.location ?? null,
      first_seen_at: null,
      last_seen_at: null,
      created_at: now,
    };
    await guardedWrite(this.store, () => this.equipment.insertDevice({ ...row, status: statusOf(row) }), {
      duplicate: { what: 'device', key: id },
      reference: [
        { what: 'gateway', id: fields.gatewayId },
        { what: 'household', id: fields.householdId },
      ],
    });
    this.owners.delete(id);
    return this.getDevice(id);
  }

  listDevices(filter: DeviceFilter): Promise<Device[]> {
    return this.equipment.devices(filter);
  }

  async getDevice(id: string): Promise<Device> {
    return (await this.equipment.device(id)) ?? Promise.reject(notFound('device', id));
  }

  /** Installer's edit: assigning a household or location marks the device assigned. */
  async updateDevice(id: string, fields: DeviceFields): Promise<Device> {
    const current = await this.getDevice(id);
    const changes: Partial<DevicesTable> = {
      ...(fields.gatewayId !== undefined && { gateway_id: fields.gatewayId }),
      ...(fields.profile !== undefined && { profile: fields.profile }),
      ...(fields.unitId !== undefined && { unit_id: fields.unitId }),
      ...(fields.bus !== undefined && { bus: fields.bus }),
      ...(fields.householdId !== undefined && { household_id: fields.householdId }),
      ...(fields.location !== undefined && { location: fields.location }),
    };
    const status = statusOf({
      household_id: changes.household_id === undefined ? current.householdId : changes.household_id,
      location: changes.location === undefined ? current.location : changes.location,
    });
    await guardedWrite(this.store, () => this.equipment.updateDevice(id, { ...changes, status }), {
      reference: [
        { what: 'gateway', id: fields.gatewayId },
        { what: 'household', id: fields.householdId },
      ],
    });
    this.owners.delete(id);
    return this.getDevice(id);
  }

  async deleteDevice(id: string): Promise<void> {
    if (!(await this.equipment.deleteDevice(id))) throw notFound('device', id);
    this.owners.delete(id);
  }

  // ---- bins
  async createBin(input: NewBin): Promise<Bin> {
    const row = {
      id: this.newId(),
      name: input.name,
      grid_id: input.gridId ?? null,
      lat: input.lat,
      lon: input.lon,
      capacity_liters: input.capacityLiters ?? null,
      device_id: input.deviceId ?? null,
      point_id: input.pointId ?? null,
      created_at: this.clock.now(),
    };
    await guardedWrite(this.store, () => this.equipment.insertBin(row), {
      reference: [
        { what: 'grid', id: input.gridId },
        { what: 'device', id: input.deviceId },
      ],
    });
    return this.getBin(row.id);
  }

  listBins(gridId?: string): Promise<Bin[]> {
    return this.equipment.bins(gridId);
  }

  async getBin(id: string): Promise<Bin> {
    return (await this.equipment.bin(id)) ?? Promise.reject(notFound('bin', id));
  }

  async updateBin(id: string, changes: Partial<NewBin>): Promise<Bin> {
    const found = await guardedWrite(
      this.store,
      () =>
        this.equipment.updateBin(id, {
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.gridId !== undefined && { grid_id: changes.gridId }),
          ...(changes.lat !== undefined && { lat: changes.lat }),
          ...(changes.lon !== undefined && { lon: changes.lon }),
          ...(changes.capacityLiters !== undefined && { capacity_liters: changes.capacityLiters }),
          ...(changes.deviceId !== undefined && { device_id: changes.deviceId }),
          ...(changes.pointId !== undefined && { point_id: changes.pointId }),
        }),
      {
        reference: [
          { what: 'grid', id: changes.gridId },
          { what: 'device', id: changes.deviceId },
        ],
      },
    );
    if (!found) throw notFound('bin', id);
    return this.getBin(id);
  }

  async deleteBin(id: string): Promise<void> {
    if (!(await this.equipment.deleteBin(id))) throw notFound('bin', id);
  }

  // ---- ingest's questions
  /** The gateway a device belongs to; undefined for unknown devices and devices with no gateway yet. */
  async deviceOwner(deviceId: string): Promise<string | undefined> {
    return (await this.ownerEntry(deviceId, this.clock.now())).owner ?? undefined;
  }

  /**
   * Notes that `gatewayId` sent data for `deviceId`. Unknown devices are registered as unassigned
   * (for the installer: GET /api/devices?status=unassigned), unknown gateways as discovered; a
   * registered device without a gateway is claimed by the first gateway that reports it.
   * 'foreign' means the device belongs to another gateway: ingest should reject the reading.
   */
  async recordSeenDevice(gatewayId: string, deviceId: string): Promise<SeenDevice> {
    const now = this.clock.now();
    const entry = await this.ownerEntry(deviceId, now);
    if (entry.owner !== null && entry.owner !== gatewayId) return 'foreign';
    if (!entry.exists) {
      await this.ensureGateway(gatewayId, now);
      await this.equipment.insertDeviceIfAbsent(unassignedDevice(deviceId, gatewayId, now));
      this.owners.delete(deviceId);
      // Re-read: another instance may have inserted it first, for another gateway.
      const stored = await this.ownerEntry(deviceId, now);
      stored.seenWrittenAt = now;
      return stored.owner === gatewayId ? 'new' : 'foreign';
    }
    if (entry.owner === null) {
      await this.ensureGateway(gatewayId, now);
      await this.equipment.updateDevice(deviceId, { gateway_id: gatewayId });
      entry.owner = gatewayId;
    }
    if (now - entry.seenWrittenAt >= this.seenWriteIntervalMs) {
      entry.seenWrittenAt = now;
      await this.equipment.markDeviceSeen(deviceId, now);
    }
    return 'known';
  }

  private async ownerEntry(deviceId: string, now: number): Promise<OwnerEntry> {
    const cached = this.owners.get(deviceId);
    if (cached && now - cached.loadedAt < this.ownerTtlMs) return cached;
    const device = await this.equipment.device(deviceId);
    const entry: OwnerEntry = {
      exists: device !== undefined,
      owner: device?.gatewayId ?? null,
      loadedAt: now,
      seenWrittenAt: cached?.seenWrittenAt ?? Number.NEGATIVE_INFINITY,
    };
    this.owners.set(deviceId, entry);
    return entry;
  }

  private async ensureGateway(id: string, now: number): Promise<void> {
    if (this.knownGateways.has(id)) return;
    await this.equipment.insertGatewayIfAbsent({
      id,
      name: id,
      grid_id: null,
      building_id: null,
      location: null,
      status: 'discovered',
      provisioned_at: null,
      created_at: now,
    });
    this.knownGateways.add(id);
  }
}

const unassignedDevice = (id: string, gatewayId: string, now: number): DevicesTable => ({
  id,
  gateway_id: gatewayId,
  profile: null,
  unit_id: null,
  bus: null,
  household_id: null,
  location: null,
  status: 'unassigned',
  first_seen_at: now,
  last_seen_at: now,
  created_at: now,
});
