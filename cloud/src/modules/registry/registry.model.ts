import type { DeviceStatus, GatewayStatus } from '../../db/schema.js';

export type { DeviceStatus, GatewayStatus } from '../../db/schema.js';

/** A grid (网格): the unit of community management a social worker covers. */
export interface Grid {
  id: string;
  name: string;
  createdAt: number;
}

export interface Building {
  id: string;
  gridId: string;
  name: string;
  address: string | null;
  createdAt: number;
}

export interface Resident {
  name: string;
  phone?: string;
  birthYear?: number;
  note?: string;
}

export interface EmergencyContact {
  name: string;
  phone: string;
  relation?: string;
}

export interface Household {
  id: string;
  buildingId: string;
  /** The building's grid, denormalised for callers; not stored on the household. */
  gridId: string;
  unit: string;
  residents: Resident[];
  livingAlone: boolean;
  emergencyContacts: EmergencyContact[];
  socialWorkerId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Gateway {
  id: string;
  name: string;
  gridId: string | null;
  buildingId: string | null;
  location: string | null;
  /** pending: created, not yet claimed; provisioned: holds credentials; discovered: sent data unregistered. */
  status: GatewayStatus;
  provisionedAt: number | null;
  createdAt: number;
}

export interface Device {
  id: string;
  gatewayId: string | null;
  profile: string | null;
  unitId: number | null;
  bus: string | null;
  householdId: string | null;
  location: string | null;
  /** assigned once it has a household or a location; devices first known from their data are unassigned. */
  status: DeviceStatus;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  createdAt: number;
}

export interface Bin {
  id: string;
  name: string;
  gridId: string | null;
  lat: number;
  lon: number;
  capacityLiters: number | null;
  deviceId: string | null;
  /** Collection point it stands at, as the installer names it; null: the planner groups by position. */
  pointId: string | null;
  createdAt: number;
}
