import { ApiError } from '../../errors.js';
import type { RelationalStore } from '../../ports/relational-store.js';

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `no ${what} ${id}`);

/**
 * Runs a write and turns constraint violations into API errors that say what was wrong:
 * unique → 409 duplicate; foreign key → 400 unknown reference on insert/update, 409 in use on delete.
 */
export async function guardedWrite<T>(
  store: RelationalStore,
  write: () => Promise<T>,
  messages: { duplicate?: string; reference?: string; inUse?: string },
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const violation = store.constraintViolation(err);
    if (violation === 'unique' && messages.duplicate)
      throw new ApiError(409, 'duplicate', messages.duplicate);
    if (violation === 'foreign_key' && messages.inUse) throw new ApiError(409, 'in_use', messages.inUse);
    if (violation === 'foreign_key' && messages.reference) {
      throw new ApiError(400, 'unknown_reference', messages.reference);
    }
    throw err;
  }
}
