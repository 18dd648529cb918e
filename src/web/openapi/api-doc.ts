import type { RequestHandler } from 'express';
import type { z } from 'zod';

/**
 * What the OpenAPI document says of one JSON API route. The schemas are the ones the route
 * parses with, so the document cannot drift from what the API accepts.
 */
export interface ApiOperation {
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success status and what it returns. */
  success?: { status: number; description: string };
}

export type DocumentedHandler = RequestHandler & { apiDoc: ApiOperation };

/** A pass-through handler that carries the route's description; place it after `allow()`. */
export function doc(operation: ApiOperation): DocumentedHandler {
  const handler: RequestHandler = (_req, _res, next) => next();
  return Object.assign(handler, { apiDoc: operation });
}

export function docOf(handlers: RequestHandler[]): ApiOperation | undefined {
  return handlers.map((h) => (h as Partial<DocumentedHandler>).apiDoc).find((d) => d !== undefined);
}
