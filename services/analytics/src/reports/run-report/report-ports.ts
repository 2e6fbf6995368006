import type { FieldProblem } from '@sp/errors';
import type { Principal } from '@sp/identity';
import type { FactScope } from '../../read-models/read-model.reader';
import type { DisclosurePolicy, PracticePopulation } from '../domain';

/** The parameters that narrow a report to part of the caller's scope (each repeatable). */
export interface NarrowingParams {
  practice?: string[];
  pcn?: string[];
  icb?: string[];
  organisation?: string[];
}

export type ScopeResolution =
  | { ok: true; scope: FactScope; policy: DisclosurePolicy; practices?: string[] }
  | { ok: false; status: 403; problems: FieldProblem[] };

/** Who may count what (reports/scope/): the caller and its narrowing → facts in scope, or refusal. */
export interface ReportScopePort {
  resolve(principal: Principal, params: NarrowingParams): ScopeResolution | Promise<ScopeResolution>;
}

/** What the reports need of the practice registry (practices/). */
export interface PracticeLookupPort {
  pcnOf(odsCode: string): string | undefined | Promise<string | undefined>;
  population(odsCodes: string[]): PracticePopulation | null | Promise<PracticePopulation | null>;
}

/** Nest injection tokens of the ports (bound in reports.module.ts). */
export const REPORT_SCOPE = Symbol('ReportScopePort');
export const PRACTICE_LOOKUP = Symbol('PracticeLookupPort');
/** () => Date; the reports' "now" (default period end). */
export const REPORT_CLOCK = Symbol('ReportClock');
