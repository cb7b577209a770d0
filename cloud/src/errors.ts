import type { FastifyError, FastifyInstance } from 'fastify';

/** An error with a stable code the API returns to clients (zh-CN and English messages come later). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One error handler: 4xx say what was wrong; 5xx details stay in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.status(status).send({ error: 'internal_error', message: 'Internal server error' });
    }
    const code =
      err instanceof ApiError ? err.code : err.validation ? 'validation_failed' : (err.code ?? 'bad_request');
    return reply.status(status).send({ error: code, message: err.message });
  });
}
