import { z } from 'zod';

/** A repeated form field: absent is none, once is a string, repeated is an array. */
export function toList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The component keys a form or API names, as a list however the field arrived. */
export const componentKeys = z.preprocess(toList, z.array(z.string().max(100)).max(50, { error: 'at most 50 components' }));
