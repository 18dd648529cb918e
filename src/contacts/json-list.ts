/** Reads a JSON text column that holds a list of strings; anything else reads as an empty list. */
export function parseStringList(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
