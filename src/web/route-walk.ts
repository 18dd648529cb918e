import type { Express, RequestHandler } from 'express';
import type { Rule } from './access';

/** One route the app registers, with its mount paths joined. */
export interface RegisteredRoute {
  method: string;
  path: string;
  /** The access rule of the route's first handler, or undefined when it has none. */
  rule?: Rule;
  /** The route's own handlers, in order (the access guard first). */
  handlers: RequestHandler[];
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: RequestHandler & { rule?: Rule } }[] };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
}

/**
 * Every route, walked out of express's own router. The auth-matrix test checks each has an
 * access rule; the OpenAPI document is built from the /api ones.
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack.map((s) => s.handle);
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path), rule: handlers[0]?.rule, handlers });
        }
      } else if (layer.handle.stack) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
        walk(layer.handle.stack, join(prefix, mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/$/, '')}${path === '/' && prefix ? '' : path}`;
  return joined === '' ? '/' : joined;
}
