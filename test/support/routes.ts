import type { Express } from 'express';
import type { Rule } from '../../src/web/access';

export interface RegisteredRoute {
  method: string;
  path: string;
  /** The access rule of the route's first handler, or undefined when it has none. */
  rule?: Rule;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { rule?: Rule } }[] };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Every route the app registers, walked out of express's own router, with mount paths joined. */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path), rule: layer.route.stack[0]?.handle.rule });
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
