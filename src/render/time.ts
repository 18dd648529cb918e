/** A time of day as messages write it: "09:40 UTC". */
export function utcClock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** A date and time as pages show it: "2026-11-23 09:40 UTC". */
export function utcDateTime(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
