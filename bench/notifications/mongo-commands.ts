// Database round trips of the benchmarked service: count-mongo-commands.cjs (preloaded into it)
// keeps a file of running totals per command and collection; a phase's counts are the difference
// between its end and its start.
import { readFile } from 'node:fs/promises';

export type CommandCounts = Record<string, number>;

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

export async function readCounts(file: string): Promise<CommandCounts> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CommandCounts;
  } catch {
    return {};
  }
}

export function countsBetween(a: CommandCounts, b: CommandCounts): CommandCounts {
  const diff: CommandCounts = {};
  for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) > 0) diff[k] = v - (a[k] ?? 0);
  return diff;
}

/** "29.0 per event (17.0 writes): 5.0 update notification_status, ..." */
export function perEvent(counts: CommandCounts, events: number): string {
  const entries = Object.entries(counts).sort((x, y) => y[1] - x[1]);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  const writes = entries.filter(([k]) => WRITES.has(k.split(' ')[0] ?? '')).reduce((s, [, v]) => s + v, 0);
  const each = (v: number) => (v / events).toFixed(1);
  return `${each(total)} per event (${each(writes)} writes): ${entries
    .filter(([, v]) => v / events >= 0.05)
    .map(([k, v]) => `${each(v)} ${k}`)
    .join(', ')}`;
}
