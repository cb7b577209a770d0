import { type Entity, type EntityRef, namedRefs } from '../../i18n/entities.js';
import { refuse } from '../../i18n/localized-error.js';
import type { RelationalStore } from '../../ports/relational-store.js';

export const notFound = (what: Entity, id: string) => refuse(404, 'not_found', { what, id });

/** What a constraint violation means for this write, as catalogue parameters (see i18n/messages.ts). */
export interface WriteRefusals {
  duplicate?: { what: Entity; key?: string; building?: string; unit?: string };
  reference?: EntityRef[];
  inUse?: { what: Entity; id: string; dependents: Entity[] };
}

/**
 * Runs a write and turns constraint violations into API errors that say what was wrong:
 * unique → 409 duplicate; foreign key → 400 unknown reference on insert/update, 409 in use on delete.
 */
export async function guardedWrite<T>(
  store: RelationalStore,
  write: () => Promise<T>,
  messages: WriteRefusals,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const violation = store.constraintViolation(err);
    if (violation === 'unique' && messages.duplicate) throw refuse(409, 'duplicate', messages.duplicate);
    if (violation === 'foreign_key' && messages.inUse) throw refuse(409, 'in_use', messages.inUse);
    if (violation === 'foreign_key' && messages.reference) {
      const refs = namedRefs(messages.reference);
      throw refuse(400, 'unknown_reference', { refs }, { refs });
    }
    throw err;
  }
}
