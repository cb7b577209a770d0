import type { Role } from '../../db/schema.js';

export type { Role } from '../../db/schema.js';
export { ROLES } from '../../db/schema.js';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** The grid (网格) a social worker covers; null for other roles. */
  gridId: string | null;
  createdAt: number;
  disabled: boolean;
}

/** Who is calling, as route guards and services see them. */
export interface Principal {
  id: string;
  username: string;
  role: Role;
  gridId: string | null;
}
