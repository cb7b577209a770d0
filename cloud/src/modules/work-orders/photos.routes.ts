import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { refuse } from '../../i18n/localized-error.js';
import { bearerAuth, type Guard } from '../auth/guard.js';
import { PHOTO_MAX_BYTES, PHOTO_TYPES, PHOTOS_PER_ORDER, type PhotosService } from './photos.service.js';
import { EVERYONE } from './work-orders.routes.js';
import { IdParams, PhotoOut } from './work-orders.schema.js';

/**
 * 随手拍 uploads: the request body is the image itself (Content-Type image/jpeg|png|webp), which a
 * phone's fetch() sends as is; no multipart dependency. Its own plugin, so the catch-all body
 * parser below applies to these routes only.
 */
export const photosRoutes: FastifyPluginAsyncTypebox<{ photos: PhotosService; guard: Guard }> = async (
  app,
  { photos, guard },
) => {
  // Any content type arrives as a Buffer; the service decides (type list, magic bytes), so a wrong
  // type gets our message instead of Fastify's generic 415.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PHOTO_MAX_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  const tags = ['work-orders'];

  app.post(
    '/api/work-orders/:id/photos',
    {
      preHandler: guard.require(...EVERYONE),
      bodyLimit: PHOTO_MAX_BYTES,
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Attach a photo (body: the image bytes)',
        description:
          `Content-Type one of ${PHOTO_TYPES.join(', ')}; at most ${PHOTO_MAX_BYTES / 2 ** 20} MB each, ` +
          `${PHOTOS_PER_ORDER} per order; the bytes must match the declared type.`,
        params: IdParams,
        // Per media type, as OpenAPI documents it; the schemas accept any bytes (the service checks
        // them), so Fastify's validator has nothing to refuse.
        body: {
          content: Object.fromEntries(
            PHOTO_TYPES.map((type) => [type, { schema: { description: `the ${type} image bytes` } }]),
          ),
        },
        response: { 201: PhotoOut },
      },
    },
    async (request, reply) => {
      const type = request.headers['content-type'] ?? '';
      if (!Buffer.isBuffer(request.body))
        throw refuse(415, 'photo_type_unsupported', { type, allowed: PHOTO_TYPES });
      const photo = await photos.add(guard.principal(request), request.params.id, type, request.body);
      return reply.status(201).send(photo);
    },
  );

  app.get(
    '/api/work-orders/:id/photos/:photoId',
    {
      preHandler: guard.require(...EVERYONE),
      schema: {
        tags,
        security: bearerAuth,
        summary: 'The photo bytes',
        params: Type.Object({
          ...IdParams.properties,
          photoId: Type.String({ minLength: 1, maxLength: 64 }),
        }),
      },
    },
    async (request, reply) => {
      const { file, contentType } = await photos.locate(
        guard.principal(request),
        request.params.id,
        request.params.photoId,
      );
      return reply
        .type(contentType)
        .header('cache-control', 'private, max-age=86400')
        .send(createReadStream(file));
    },
  );
};
