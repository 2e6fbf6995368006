import type { FieldProblem } from '@sp/errors';
import type { Role } from './principal';

/**
 * A commissioner's area, carried as OAuth scopes of its API client (and so in the token's `scope`
 * claim): `area:icb:<ICB ODS code>`, `area:pcn:<PCN ODS code>`, `area:practice:<practice ODS code>`.
 * A commissioner sees the referrals of the GP practices in the union of its areas.
 */
export const AREA_KINDS = ['icb', 'pcn', 'practice'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export interface Area {
  kind: AreaKind;
  code: string;
}

/**
 * ODS code shapes: an ICB is Q + two characters (QHM), a PCN is U + five digits (U81234), a GP
 * practice a letter + five digits (A81001). Upper case only, as ODS publishes them.
 */
const CODE_PATTERNS: Record<AreaKind, RegExp> = {
  icb: /^Q[A-Z0-9]{2}$/,
  pcn: /^U[0-9]{5}$/,
  practice: /^[A-Z][0-9]{5}$/,
};

const AREA_SCOPE = /^area:([a-z]+):(.*)$/;

/** The area a scope names, or null when it is not a well-formed area scope. */
export function parseAreaScope(scope: string): Area | null {
  const match = AREA_SCOPE.exec(scope);
  if (!match) return null;
  const kind = match[1] as AreaKind;
  const code = match[2] ?? '';
  if (!(AREA_KINDS as readonly string[]).includes(kind) || !CODE_PATTERNS[kind].test(code)) return null;
  return { kind, code };
}

/** The areas among a principal's scopes (other scopes ignored). */
export function areasOf(scopes: readonly string[]): Area[] {
  return scopes.map(parseAreaScope).filter((a): a is Area => a !== null);
}

export function areaScope(area: Area): string {
  return `area:${area.kind}:${area.code}`;
}

/**
 * What is wrong with the extra scopes a client of `role` is registered with (every problem, each
 * naming `scopes[i]`): only a commissioner carries scopes beyond its role, each a well-formed
 * area scope, no duplicates, and at least one (a commissioner with no area would see nothing).
 */
export function clientScopeProblems(role: Role, scopes: readonly string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (role !== 'commissioner') {
    scopes.forEach((_, i) =>
      problems.push({
        field: `scopes[${i}]`,
        code: 'not_allowed',
        message: `A ${role} client carries no scopes beyond its role; area scopes are for commissioners`,
      }),
    );
    return problems;
  }
  if (scopes.length === 0)
    problems.push({
      field: 'scopes',
      code: 'required',
      message:
        'A commissioner client needs at least one area scope (area:icb:<code>, area:pcn:<code>, area:practice:<code>)',
    });
  const seen = new Set<string>();
  scopes.forEach((scope, i) => {
    if (parseAreaScope(scope) === null) {
      problems.push({
        field: `scopes[${i}]`,
        code: 'invalid_format',
        message: `"${scope}" is not an area scope: area:icb:<ICB code, e.g. QHM>, area:pcn:<PCN code, e.g. U81234> or area:practice:<ODS code, e.g. A81001>`,
      });
    } else if (seen.has(scope)) {
      problems.push({ field: `scopes[${i}]`, code: 'duplicate', message: `"${scope}" is listed twice` });
    }
    seen.add(scope);
  });
  return problems;
}
