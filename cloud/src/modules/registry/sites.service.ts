import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { RelationalStore } from '../../ports/relational-store.js';
import type { Principal } from '../users/users.model.js';
import { guardedWrite, notFound } from './refusals.js';
import type { Building, EmergencyContact, Grid, Household, Resident } from './registry.model.js';
import { type HouseholdFilter, SitesRepository } from './sites.repository.js';

export interface NewBuilding {
  gridId: string;
  name: string;
  address?: string | null;
}

export interface NewHousehold {
  buildingId: string;
  unit: string;
  residents?: Resident[];
  livingAlone?: boolean;
  emergencyContacts?: EmergencyContact[];
  socialWorkerId?: string | null;
}

/**
 * Grids (网格), buildings and households. Households hold personal data, so reads are scoped by
 * who asks: a social worker sees only their grid; an installer sees where a household is but not
 * who lives there or whom to call.
 */
export class SitesService {
  private readonly sites: SitesRepository;

  constructor(
    private readonly store: RelationalStore,
    private readonly clock: Clock,
    private readonly newId: () => string = randomUUID,
  ) {
    this.sites = new SitesRepository(store);
  }

  // ---- grids
  async createGrid(name: string): Promise<Grid> {
    const grid = { id: this.newId(), name, created_at: this.clock.now() };
    await guardedWrite(this.store, () => this.sites.insertGrid(grid), {
      duplicate: { what: 'grid', key: name },
    });
    return { id: grid.id, name, createdAt: grid.created_at };
  }

  listGrids(): Promise<Grid[]> {
    return this.sites.grids();
  }

  async getGrid(id: string): Promise<Grid> {
    return (await this.sites.grid(id)) ?? Promise.reject(notFound('grid', id));
  }

  async renameGrid(id: string, name: string): Promise<Grid> {
    const found = await guardedWrite(this.store, () => this.sites.updateGrid(id, { name }), {
      duplicate: { what: 'grid', key: name },
    });
    if (!found) throw notFound('grid', id);
    return this.getGrid(id);
  }

  async deleteGrid(id: string): Promise<void> {
    const deleted = await guardedWrite(this.store, () => this.sites.deleteGrid(id), {
      inUse: { what: 'grid', id, dependents: ['building', 'gateway', 'bin', 'staff'] },
    });
    if (!deleted) throw notFound('grid', id);
  }

  // ---- buildings
  async createBuilding(input: NewBuilding): Promise<Building> {
    const row = {
      id: this.newId(),
      grid_id: input.gridId,
      name: input.name,
      address: input.address ?? null,
      created_at: this.clock.now(),
    };
    await guardedWrite(this.store, () => this.sites.insertBuilding(row), {
      reference: [{ what: 'grid', id: input.gridId }],
    });
    return this.getBuilding(row.id);
  }

  listBuildings(gridId?: string): Promise<Building[]> {
    return this.sites.buildings(gridId);
  }

  async getBuilding(id: string): Promise<Building> {
    return (await this.sites.building(id)) ?? Promise.reject(notFound('building', id));
  }

  async updateBuilding(id: string, changes: Partial<NewBuilding>): Promise<Building> {
    const found = await guardedWrite(
      this.store,
      () =>
        this.sites.updateBuilding(id, {
          ...(changes.gridId !== undefined && { grid_id: changes.gridId }),
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.address !== undefined && { address: changes.address }),
        }),
      { reference: [{ what: 'grid', id: changes.gridId }] },
    );
    if (!found) throw notFound('building', id);
    return this.getBuilding(id);
  }

  async deleteBuilding(id: string): Promise<void> {
    const deleted = await guardedWrite(this.store, () => this.sites.deleteBuilding(id), {
      inUse: { what: 'building', id, dependents: ['household', 'gateway'] },
    });
    if (!deleted) throw notFound('building', id);
  }

  // ---- households
  async createHousehold(input: NewHousehold): Promise<Household> {
    const now = this.clock.now();
    const row = {
      id: this.newId(),
      building_id: input.buildingId,
      unit: input.unit,
      residents_json: JSON.stringify(input.residents ?? []),
      living_alone: input.livingAlone ? (1 as const) : (0 as const),
      emergency_contacts_json: JSON.stringify(input.emergencyContacts ?? []),
      social_worker_id: input.socialWorkerId ?? null,
      created_at: now,
      updated_at: now,
    };
    await guardedWrite(this.store, () => this.sites.insertHousehold(row), {
      duplicate: { what: 'household', building: input.buildingId, unit: input.unit },
      reference: [
        { what: 'building', id: input.buildingId },
        { what: 'user', id: input.socialWorkerId },
      ],
    });
    return (await this.sites.household(row.id))!;
  }

  async listHouseholds(viewer: Principal, filter: HouseholdFilter): Promise<Household[]> {
    if (viewer.role === 'social_worker') {
      if (filter.gridId !== undefined && filter.gridId !== viewer.gridId) return [];
      filter = { ...filter, gridId: viewer.gridId ?? '' };
    }
    return (await this.sites.households(filter)).map((h) => redactFor(viewer, h));
  }

  async getHousehold(viewer: Principal, id: string): Promise<Household> {
    const household = await this.sites.household(id);
    // Outside a social worker's grid a household answers like a missing one: no probing by id.
    if (!household || !mayRead(viewer, household)) throw notFound('household', id);
    return redactFor(viewer, household);
  }

  async updateHousehold(viewer: Principal, id: string, changes: Partial<NewHousehold>): Promise<Household> {
    const current = await this.getHousehold(viewer, id);
    const found = await guardedWrite(
      this.store,
      () =>
        this.sites.updateHousehold(id, {
          ...(changes.buildingId !== undefined && { building_id: changes.buildingId }),
          ...(changes.unit !== undefined && { unit: changes.unit }),
          ...(changes.residents !== undefined && { residents_json: JSON.stringify(changes.residents) }),
          ...(changes.livingAlone !== undefined && { living_alone: changes.livingAlone ? 1 : 0 }),
          ...(changes.emergencyContacts !== undefined && {
            emergency_contacts_json: JSON.stringify(changes.emergencyContacts),
          }),
          ...(changes.socialWorkerId !== undefined && { social_worker_id: changes.socialWorkerId }),
          updated_at: this.clock.now(),
        }),
      {
        duplicate: {
          what: 'household',
          building: changes.buildingId ?? current.buildingId,
          unit: changes.unit ?? current.unit,
        },
        reference: [
          { what: 'building', id: changes.buildingId },
          { what: 'user', id: changes.socialWorkerId },
        ],
      },
    );
    if (!found) throw notFound('household', id);
    return this.getHousehold(viewer, id);
  }

  async deleteHousehold(id: string): Promise<void> {
    const deleted = await guardedWrite(this.store, () => this.sites.deleteHousehold(id), {
      inUse: { what: 'household', id, dependents: ['device'] },
    });
    if (!deleted) throw notFound('household', id);
  }
}

function mayRead(viewer: Principal, household: Household): boolean {
  return viewer.role !== 'social_worker' || household.gridId === viewer.gridId;
}

function redactFor(viewer: Principal, household: Household): Household {
  if (viewer.role !== 'installer') return household;
  return { ...household, residents: [], emergencyContacts: [], socialWorkerId: null };
}
