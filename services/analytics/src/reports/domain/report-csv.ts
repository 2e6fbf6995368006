import type { Report } from './report';

export function toCsv(_report: Report): string {
  throw new Error('not implemented');
}
