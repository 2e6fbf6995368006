import type { FieldProblem } from '@sp/errors';
import { areasOf, type Principal } from '@sp/identity';
import type { PracticePlace } from '../../practices/domain/gp-registrations';
import type { FactScope } from '../../read-models/read-model.reader';
import type { NarrowingParams, ScopeResolution } from '../run-report/report-ports';

/**
 * Who may count what (docs/analytics/scopes.md). Pure: the caller, the narrowing it asked for and
 * the imported practices' places (PCN, ICB) in; the facts in scope, or a refusal naming each
 * parameter out of bounds, out.
 *
 * - ops: everything, exact figures; narrowing by area (practice, pcn, icb) or by organisation.
 * - referrer (a GP practice): the referrals it made; it may narrow to itself, its PCN or its ICB.
 * - provider, link-worker: the referrals it received and those it made; narrowing by practice,
 *   PCN or ICB cannot be expressed over those (a FactScope is a union), so is refused: group by
 *   practice instead.
 * - commissioner: the referrals made by the practices of its areas (`area:*` scopes); it may narrow
 *   to practices, PCNs and ICBs wholly inside them. No area, or an area with no imported
 *   practice, is refused: an empty report would read as "nothing happened here".
 * Every figure but ops' is small-number suppressed (policy.exact false).
 */
export function resolveReportScope(
  principal: Principal,
  params: NarrowingParams,
  places: readonly PracticePlace[],
): ScopeResolution {
  const asked = normalise(params);
  switch (principal.role) {
    case 'ops':
      return opsScope(asked, places);
    case 'referrer':
      return referrerScope(principal, asked, places);
    case 'provider':
    case 'link-worker':
      return organisationScope(principal, asked);
    case 'commissioner':
      return commissionerScope(principal, asked, places);
  }
}

/** Whether resolving needs the practices' places (so the resolver reads them only then). */
export function needsPlaces(principal: Principal, params: NarrowingParams): boolean {
  const asked = normalise(params);
  if (principal.role === 'commissioner') return true;
  if (principal.role === 'ops' || principal.role === 'referrer')
    return asked.pcn.length > 0 || asked.icb.length > 0;
  return false;
}

type AreaParam = 'practice' | 'pcn' | 'icb';
type Asked = Record<AreaParam | 'organisation', string[]>;
const AREA_PARAMS: readonly AreaParam[] = ['practice', 'pcn', 'icb'];

function normalise(params: NarrowingParams): Asked {
  const codes = (values: string[] | undefined) => [
    ...new Set((values ?? []).map((v) => v.trim().toUpperCase()).filter(Boolean)),
  ];
  return {
    practice: codes(params.practice),
    pcn: codes(params.pcn),
    icb: codes(params.icb),
    organisation: [...new Set((params.organisation ?? []).map((v) => v.trim()).filter(Boolean))],
  };
}

function forbidden(field: string, message: string): FieldProblem {
  return { field, code: 'forbidden', message };
}

function refuse(problems: FieldProblem[]): ScopeResolution {
  return { ok: false, status: 403, problems };
}

function allowed(scope: FactScope, exact: boolean, practices?: string[]): ScopeResolution {
  return { ok: true, scope, policy: { exact }, ...(practices ? { practices } : {}) };
}

/** The practices one narrowing value names: a practice itself, the imported practices of a PCN or ICB. */
function practicesOf(param: AreaParam, code: string, places: readonly PracticePlace[]): string[] {
  if (param === 'practice') return [code];
  return places.filter((p) => (param === 'pcn' ? p.pcnCode : p.icbCode) === code).map((p) => p.odsCode);
}

/** Practices satisfying every area parameter given (each a union of its values); null: none given. */
function narrowedPractices(asked: Asked, places: readonly PracticePlace[]): string[] | null {
  const given = AREA_PARAMS.filter((param) => asked[param].length > 0);
  if (given.length === 0) return null;
  const sets = given.map(
    (param) => new Set(asked[param].flatMap((code) => practicesOf(param, code, places))),
  );
  return [...sets[0]!].filter((p) => sets.every((s) => s.has(p))).sort();
}

function opsScope(asked: Asked, places: readonly PracticePlace[]): ScopeResolution {
  const practices = narrowedPractices(asked, places);
  if (practices !== null && asked.organisation.length > 0)
    return refuse([
      forbidden(
        'organisation',
        'organisation cannot be combined with practice, pcn or icb: narrow by one or the other',
      ),
    ]);
  if (practices !== null) return allowed({ requesterOdsCodes: practices }, true, practices);
  if (asked.organisation.length > 0)
    return allowed(
      { requesterOrganisationIds: asked.organisation, ownerOrganisationIds: asked.organisation },
      true,
    );
  return allowed({ all: true }, true);
}

function referrerScope(
  principal: Principal,
  asked: Asked,
  places: readonly PracticePlace[],
): ScopeResolution {
  const own = principal.odsCode?.toUpperCase();
  const place = own ? places.find((p) => p.odsCode === own) : undefined;
  const ownValue: Record<AreaParam, string | undefined> = {
    practice: own,
    pcn: place?.pcnCode,
    icb: place?.icbCode,
  };
  const problems: FieldProblem[] = [];
  for (const param of AREA_PARAMS)
    for (const code of asked[param])
      if (code !== ownValue[param])
        problems.push(
          forbidden(
            param,
            `${code}: a practice sees only its own referrals (${param}=${ownValue[param] ?? 'none'})`,
          ),
        );
  for (const id of asked.organisation)
    if (id !== principal.organisationId)
      problems.push(forbidden('organisation', `${id}: a practice sees only its own referrals`));
  if (problems.length > 0) return refuse(problems);
  return allowed({ requesterOrganisationIds: [principal.organisationId] }, false, own ? [own] : undefined);
}

function organisationScope(principal: Principal, asked: Asked): ScopeResolution {
  const problems: FieldProblem[] = [];
  for (const id of asked.organisation)
    if (id !== principal.organisationId)
      problems.push(
        forbidden('organisation', `${id}: an organisation sees only the referrals it received or made`),
      );
  for (const param of AREA_PARAMS)
    if (asked[param].length > 0)
      problems.push(
        forbidden(
          param,
          `a ${principal.role} organisation's reports cover the referrals it received or made and cannot be narrowed by ${param}; use groupBy=practice`,
        ),
      );
  if (problems.length > 0) return refuse(problems);
  const own = [principal.organisationId];
  return allowed({ ownerOrganisationIds: own, requesterOrganisationIds: own }, false);
}

function commissionerScope(
  principal: Principal,
  asked: Asked,
  places: readonly PracticePlace[],
): ScopeResolution {
  const areas = areasOf(principal.scopes);
  if (areas.length === 0)
    return refuse([
      {
        field: 'scope',
        code: 'no_area',
        message:
          'This commissioner has no area (scopes area:icb:<code>, area:pcn:<code> or area:practice:<code>), so there is nothing it may see',
      },
    ]);
  const area = new Set(areas.flatMap((a) => practicesOf(a.kind, a.code, places)));
  if (area.size === 0)
    return refuse([
      {
        field: 'scope',
        code: 'area_unknown',
        message: `No imported GP practice is in this commissioner's area (${areas.map((a) => `${a.kind} ${a.code}`).join(', ')}): import the GP registration files (npm run analytics:import-practices)`,
      },
    ]);
  const problems: FieldProblem[] = [];
  for (const param of AREA_PARAMS)
    for (const code of asked[param]) {
      const named = practicesOf(param, code, places);
      if (named.length === 0 || named.some((p) => !area.has(p)))
        problems.push(forbidden(param, `${code} is outside this commissioner's area`));
    }
  if (asked.organisation.length > 0)
    problems.push(
      forbidden(
        'organisation',
        "a commissioner's reports are by area and cannot be narrowed by organisation; use groupBy=organisation",
      ),
    );
  if (problems.length > 0) return refuse(problems);
  const narrowed = narrowedPractices(asked, places);
  const practices = (narrowed ?? [...area]).filter((p) => area.has(p)).sort();
  return allowed({ requesterOdsCodes: practices }, false, practices);
}
