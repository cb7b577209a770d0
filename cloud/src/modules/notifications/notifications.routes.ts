import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pickLanguage } from '../../i18n/language.js';
import { bearerAuth, type Guard } from '../auth/guard.js';
import type { NotificationsService } from './notifications.service.js';

const EVERYONE = ['installer', 'social_worker', 'sanitation', 'manager', 'resident'] as const;

const InboxItem = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  workOrderId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
  readAt: Type.Union([Type.Integer(), Type.Null()]),
});

/** The caller's in-app inbox (the in-app Notifier writes it). */
export const notificationsRoutes: FastifyPluginAsyncTypebox<{
  notifications: NotificationsService;
  guard: Guard;
}> = async (app, { notifications, guard }) => {
  const tags = ['notifications'];
  app.get(
    '/api/notifications',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security: bearerAuth,
        summary: "The current user's notifications, newest first, in the Accept-Language language",
        querystring: Type.Object({
          unread: Type.Optional(Type.Boolean()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ unread: Type.Integer(), items: Type.Array(InboxItem) }) },
      },
    },
    (request) =>
      notifications.inbox(guard.principal(request).id, pickLanguage(request.headers['accept-language']), {
        unreadOnly: request.query.unread,
        limit: request.query.limit,
      }),
  );
  app.post(
    '/api/notifications/:id/read',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Mark one notification read',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      await notifications.markRead(guard.principal(request).id, request.params.id);
      return reply.status(204).send();
    },
  );
};
