import type { Express } from 'express';
import { z } from 'zod';
import type { Rule } from '../access';
import { registeredRoutes } from '../route-walk';
import { docOf, type ApiOperation } from './api-doc';

type Schema = Record<string, unknown>;
const jsonSchema = (schema: z.ZodType): Schema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return rest;
};

const ERROR = {
  type: 'object', required: ['error'],
  properties: {
    error: {
      type: 'object', required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: ['invalid_input', 'not_found', 'conflict', 'unauthorized', 'forbidden', 'rate_limited', 'unavailable'] },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

const refusal = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** The OpenAPI 3.1 document of every /api route, from the routes' own zod schemas and access rules. */
export function openApiDocument(app: Express, info: { title: string; version: string; serverUrl: string }): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of registeredRoutes(app).filter((r) => r.path.startsWith('/api/'))) {
    const op = docOf(route.handlers);
    if (!op) throw new Error(`${route.method} ${route.path} has no doc(): every JSON API route describes itself`);
    const path = route.path.replace(/^\/api/, '').replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route.method, path, op, route.rule);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: 'The JSON API. Authenticate with an API token: Authorization: Bearer crier_…' },
    servers: [{ url: `${info.serverUrl}/api` }],
    paths,
    components: {
      schemas: { Error: ERROR },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token made in Console → API tokens, or API_TOKEN' } },
    },
  };
}

function operation(method: string, path: string, op: ApiOperation, rule: Rule | undefined): Schema {
  const declared = op.params ? objectProperties(op.params) : {};
  const pathNames = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const parameters = [
    ...pathNames.map((name) => ({ name, in: 'path', required: true, schema: declared[name] ?? { type: 'string' } })),
    ...Object.entries(op.query ? objectProperties(op.query) : {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
  ];
  const guarded = rule?.kind === 'permission' || rule?.kind === 'signedIn';
  const success = op.success ?? { status: method === 'POST' ? 201 : 200, description: 'OK' };
  return {
    operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, '').split('/').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}`,
    summary: op.summary,
    tags: [op.tag],
    ...(rule?.kind === 'permission' ? { 'x-crier-permission': rule.permission } : {}),
    ...(guarded ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
    responses: {
      [String(success.status)]: { description: success.description, content: { 'application/json': { schema: { type: 'object' } } } },
      400: refusal('Invalid input: each problem names its field'),
      ...(guarded ? { 401: refusal('No or unknown token'), 403: refusal('The token\'s role may not do this') } : {}),
      ...(parameters.some((p) => p.in === 'path') ? { 404: refusal('No such record') } : {}),
    },
  };
}

function objectProperties(schema: z.ZodObject): Record<string, Schema> {
  return (jsonSchema(schema).properties ?? {}) as Record<string, Schema>;
}
