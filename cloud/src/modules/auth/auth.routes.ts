import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { refuse } from '../../i18n/localized-error.js';
import { LoginBody, LoginOut, PrincipalOut } from '../users/users.schema.js';
import type { UsersService } from '../users/users.service.js';
import { bearerAuth, type Guard } from './guard.js';

export interface AuthRoutesOptions {
  users: UsersService;
  guard: Guard;
  tokenTtlSeconds: number;
  /** Login attempts per IP per minute (guessing passwords is the attack). */
  loginRateLimit: number;
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  const { users, guard, tokenTtlSeconds } = options;

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: { max: options.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Exchange username and password for a bearer token',
        body: LoginBody,
        response: { 200: LoginOut },
      },
    },
    async (request, reply) => {
      const principal = await users.login(request.body.username, request.body.password);
      // One message for unknown user, wrong password and disabled account: no account probing.
      if (!principal) throw refuse(401, 'invalid_credentials');
      // @fastify/jwt reads a numeric expiresIn as seconds.
      const token = await reply.jwtSign({ sub: principal.id }, { expiresIn: tokenTtlSeconds });
      return { token, tokenType: 'Bearer' as const, expiresIn: tokenTtlSeconds, user: principal };
    },
  );

  app.get(
    '/api/auth/me',
    {
      preHandler: guard.require('installer', 'social_worker', 'sanitation', 'manager', 'resident'),
      schema: {
        tags: ['auth'],
        security: bearerAuth,
        summary: 'Who the token belongs to',
        response: { 200: PrincipalOut },
      },
    },
    async (request) => guard.principal(request),
  );
};
