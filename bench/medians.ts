import { median } from './stats.js';

/** Anything a run produced: which server, and whether its figures may be quoted. */
export interface Judged {
  server: string;
  validity: { valid: boolean };
}

/** The valid tries of one server; only these are ever quoted. */
function validOf<T extends Judged>(runs: T[], server: string): T[] {
  return runs.filter((r) => r.server === server && r.validity.valid);
}

/** Median of `pick` over one server's valid runs; NaN when it has none. */
export function medianOf<T extends Judged>(runs: T[], server: string, pick: (r: T) => number): number {
  return median(validOf(runs, server).map(pick));
}

/** ours / theirs, or undefined when either is missing or the ratio means nothing. */
export function ratio(ours: number, theirs: number): number | undefined {
  const value = ours / theirs;
  return Number.isFinite(value) && theirs !== 0 ? value : undefined;
}
