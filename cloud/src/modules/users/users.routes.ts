import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { refuse } from '../../i18n/localized-error.js';
import { bearerAuth, type Guard } from '../auth/guard.js';
import { CreateUserBody, UpdateUserBody, UserOut } from './users.schema.js';
import type { UsersService } from './users.service.js';

/** Staff accounts: admins manage them, managers may look. */
export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService; guard: Guard }> = async (
  app,
  { users, guard },
) => {
  const tags = ['users'];
  const Id = Type.Object({ id: Type.String({ minLength: 1 }) });

  app.get(
    '/api/users',
    {
      preHandler: guard.require('manager'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'All staff accounts',
        response: { 200: Type.Array(UserOut) },
      },
    },
    () => users.list(),
  );

  app.post(
    '/api/users',
    {
      preHandler: guard.require('admin'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Create a staff account (social workers need their gridId)',
        body: CreateUserBody,
        response: { 201: UserOut },
      },
    },
    async (request, reply) => reply.status(201).send(await users.create(request.body)),
  );

  app.patch(
    '/api/users/:id',
    {
      preHandler: guard.require('admin'),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Change role, grid, password, or disable an account',
        params: Id,
        body: UpdateUserBody,
        response: { 200: UserOut },
      },
    },
    async (request) => {
      if (request.params.id === guard.principal(request).id && request.body.disabled) {
        throw refuse(400, 'cannot_disable_self');
      }
      return users.update(request.params.id, request.body);
    },
  );
};
