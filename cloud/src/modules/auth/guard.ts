// Loads @fastify/jwt's types (request.jwtVerify, reply.jwtSign) and makes FastifyJWT augmentable.
import type {} from '@fastify/jwt';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { ApiError } from '../../errors.js';
import { refuse } from '../../i18n/localized-error.js';
import type { Principal, Role } from '../users/users.model.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** What a token carries: just the user id; role and grid are re-read per request. */
    payload: { sub: string };
  }
}

export interface PrincipalSource {
  principal(userId: string): Promise<Principal | undefined>;
}

/** OpenAPI security requirement of guarded routes (the scheme is declared in app.ts). */
export const bearerAuth = [{ bearerAuth: [] }];

/**
 * Route guards. `require(...roles)` is a preHandler: a valid bearer token of an enabled account
 * whose role is listed (admin passes every check). The principal is kept per request in a
 * WeakMap rather than a request decorator, so nothing outside the guarded routes sees it.
 */
export class Guard {
  private readonly principals = new WeakMap<FastifyRequest, Principal>();

  constructor(private readonly users: PrincipalSource) {}

  require(...roles: Role[]): preHandlerAsyncHookHandler {
    return async (request) => {
      let subject: string;
      try {
        subject = (await request.jwtVerify<{ sub: string }>()).sub;
      } catch {
        throw new ApiError(401, 'unauthenticated', 'missing, invalid or expired bearer token');
      }
      const principal = await this.users.principal(subject);
      if (!principal) throw new ApiError(401, 'unauthenticated', 'account disabled or removed');
      if (principal.role !== 'admin' && !roles.includes(principal.role)) {
        throw refuse(403, 'forbidden', { role: principal.role, needs: roles });
      }
      this.principals.set(request, principal);
    };
  }

  /** The caller of a guarded route. */
  principal(request: FastifyRequest): Principal {
    const principal = this.principals.get(request);
    // A programming error (route without guard), not the client's: surface as 500.
    if (!principal) throw new Error(`route ${request.routeOptions.url} has no guard`);
    return principal;
  }
}
