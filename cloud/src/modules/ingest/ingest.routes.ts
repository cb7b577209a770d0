import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { refuse } from '../../i18n/localized-error.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { IngestService } from './ingest.service.js';

export const ingestRoutes: FastifyPluginAsyncTypebox<{
  deadLetters: DeadLetterStore;
  ingest: IngestService;
}> = async (app, { deadLetters, ingest }) => {
  app.get(
    '/api/dead-letters',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Messages ingest rejected, with the reason',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          after: Type.Integer({ minimum: 0, default: 0 }),
        }),
      },
    },
    async (request) => ({
      total: deadLetters.count(),
      items: deadLetters.list(request.query.limit, request.query.after),
    }),
  );

  app.post(
    '/api/dead-letters/:id/replay',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Run a dead letter through ingest again (after fixing what rejected it)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request) => {
      const letter = deadLetters.get(request.params.id);
      if (!letter) throw refuse(404, 'not_found', { what: 'dead_letter', id: request.params.id });
      const outcome = await ingest.handle(letter.topic, letter.payload);
      // A replay that fails again was filed anew by handle(); either way the old entry is done.
      deadLetters.remove(request.params.id);
      return { outcome };
    },
  );
};
