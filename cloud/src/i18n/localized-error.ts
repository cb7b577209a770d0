import { ApiError } from '../errors.js';
import { renderMessage } from './messages.js';

/**
 * A refusal whose message is rendered per request language from the catalogue. It is an ApiError
 * (English message) so code outside a localising context still reports it sensibly.
 */
export class LocalizedError extends ApiError {
  constructor(
    statusCode: number,
    code: string,
    readonly params: Record<string, unknown> = {},
    /** Machine-readable extras returned as `details` (e.g. current and allowed states). */
    readonly details?: Record<string, unknown>,
  ) {
    super(statusCode, code, renderMessage(code, 'en', params));
  }
}

export const refuse = (
  status: number,
  code: string,
  params: Record<string, unknown> = {},
  details?: Record<string, unknown>,
) => new LocalizedError(status, code, params, details);
