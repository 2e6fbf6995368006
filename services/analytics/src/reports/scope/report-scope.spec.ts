import type { Principal } from '@sp/identity';
import type { PracticePlace } from '../../practices/domain/gp-registrations';
import type { NarrowingParams } from '../run-report/report-ports';
import { needsPlaces, resolveReportScope } from './report-scope';

const places: PracticePlace[] = [
  { odsCode: 'A81001', pcnCode: 'U81234', subIcbCode: '16C', icbCode: 'QHM' },
  { odsCode: 'A81002', pcnCode: 'U81234', subIcbCode: '16C', icbCode: 'QHM' },
  { odsCode: 'A81003', pcnCode: 'U81999', subIcbCode: '16C', icbCode: 'QHM' },
  { odsCode: 'B82001', pcnCode: 'U82345', subIcbCode: '03Q', icbCode: 'QOQ' },
];

const principal = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({
  clientId: `${role}-client`,
  organisationId: `org-${role}`,
  role,
  scopes: [role],
  ...extra,
});
const referrer = principal('referrer', { organisationId: 'org-riverside', odsCode: 'A81001' });
const provider = principal('provider', { organisationId: 'org-befriend' });
const linkWorker = principal('link-worker', { organisationId: 'org-pcn', odsCode: 'U81234' });
const ops = principal('ops');
const commissioner = (...areas: string[]) =>
  principal('commissioner', { organisationId: 'org-icb', scopes: ['commissioner', ...areas] });

const resolve = (p: Principal, params: NarrowingParams = {}) => resolveReportScope(p, params, places);
const refusedFields = (p: Principal, params: NarrowingParams) => {
  const r = resolve(p, params);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r)}`);
  expect(r.status).toBe(403);
  return r.problems.map((x) => `${x.field}:${x.code}`);
};

describe('resolveReportScope', () => {
  describe('ops', () => {
    it('sees everything, exactly', () => {
      expect(resolve(ops)).toEqual({ ok: true, scope: { all: true }, policy: { exact: true } });
    });

    it('narrows to practices, PCNs and ICBs (intersected across parameters), or to an organisation', () => {
      expect(resolve(ops, { icb: ['qhm'] })).toEqual({
        ok: true,
        scope: { requesterOdsCodes: ['A81001', 'A81002', 'A81003'] },
        policy: { exact: true },
        practices: ['A81001', 'A81002', 'A81003'],
      });
      expect(resolve(ops, { icb: ['QHM'], pcn: ['U81234'], practice: ['A81002', 'B82001'] })).toMatchObject({
        scope: { requesterOdsCodes: ['A81002'] },
      });
      expect(resolve(ops, { organisation: ['org-x'] })).toEqual({
        ok: true,
        scope: { requesterOrganisationIds: ['org-x'], ownerOrganisationIds: ['org-x'] },
        policy: { exact: true },
      });
      expect(resolve(ops, { pcn: ['U00000'] })).toMatchObject({ ok: true, scope: { requesterOdsCodes: [] } });
    });

    it('refuses organisation combined with an area', () => {
      expect(refusedFields(ops, { organisation: ['org-x'], practice: ['A81001'] })).toEqual([
        'organisation:forbidden',
      ]);
    });
  });

  describe('referrer (a practice)', () => {
    it('sees its own referrals, suppressed, with its own list as the population', () => {
      expect(resolve(referrer)).toEqual({
        ok: true,
        scope: { requesterOrganisationIds: ['org-riverside'] },
        policy: { exact: false },
        practices: ['A81001'],
      });
    });

    it('may name itself, its own PCN, its own ICB and its own organisation', () => {
      expect(
        resolve(referrer, {
          practice: ['A81001'],
          pcn: ['U81234'],
          icb: ['QHM'],
          organisation: ['org-riverside'],
        }),
      ).toMatchObject({ ok: true, scope: { requesterOrganisationIds: ['org-riverside'] } });
    });

    it('is refused another practice, PCN, ICB or organisation, each named', () => {
      expect(
        refusedFields(referrer, {
          practice: ['A81002'],
          pcn: ['U82345'],
          icb: ['QOQ'],
          organisation: ['org-other'],
        }),
      ).toEqual(['practice:forbidden', 'pcn:forbidden', 'icb:forbidden', 'organisation:forbidden']);
    });

    it('without an ODS code has no population and may not narrow by practice', () => {
      const noOds = principal('referrer', { organisationId: 'org-riverside' });
      expect(resolve(noOds)).toEqual({
        ok: true,
        scope: { requesterOrganisationIds: ['org-riverside'] },
        policy: { exact: false },
      });
      expect(refusedFields(noOds, { practice: ['A81001'] })).toEqual(['practice:forbidden']);
    });
  });

  describe.each([
    ['provider', provider],
    ['link-worker', linkWorker],
  ])('%s organisation', (_role, p) => {
    it('sees what it received and what it made, suppressed', () => {
      expect(resolve(p)).toEqual({
        ok: true,
        scope: { ownerOrganisationIds: [p.organisationId], requesterOrganisationIds: [p.organisationId] },
        policy: { exact: false },
      });
      expect(resolve(p, { organisation: [p.organisationId] })).toMatchObject({ ok: true });
    });

    it('is refused another organisation and any area narrowing', () => {
      expect(refusedFields(p, { organisation: ['org-other'] })).toEqual(['organisation:forbidden']);
      expect(refusedFields(p, { practice: ['A81001'], pcn: ['U81234'], icb: ['QHM'] })).toEqual([
        'practice:forbidden',
        'pcn:forbidden',
        'icb:forbidden',
      ]);
    });
  });

  describe('commissioner', () => {
    it('sees the practices of its areas (union), suppressed', () => {
      expect(resolve(commissioner('area:pcn:U81234', 'area:practice:B82001'))).toEqual({
        ok: true,
        scope: { requesterOdsCodes: ['A81001', 'A81002', 'B82001'] },
        policy: { exact: false },
        practices: ['A81001', 'A81002', 'B82001'],
      });
      expect(resolve(commissioner('area:icb:QHM'))).toMatchObject({
        scope: { requesterOdsCodes: ['A81001', 'A81002', 'A81003'] },
      });
    });

    it('narrows within its area', () => {
      expect(resolve(commissioner('area:icb:QHM'), { pcn: ['U81234'] })).toMatchObject({
        ok: true,
        scope: { requesterOdsCodes: ['A81001', 'A81002'] },
        practices: ['A81001', 'A81002'],
      });
      expect(resolve(commissioner('area:icb:QHM'), { practice: ['a81003'], icb: ['QHM'] })).toMatchObject({
        scope: { requesterOdsCodes: ['A81003'] },
      });
    });

    it('is refused practices, PCNs and ICBs outside its area (or only partly inside), and organisations', () => {
      expect(
        refusedFields(commissioner('area:pcn:U81234'), {
          practice: ['B82001', 'A81001'],
          pcn: ['U82345'],
          icb: ['QHM'],
          organisation: ['org-befriend'],
        }),
      ).toEqual(['practice:forbidden', 'pcn:forbidden', 'icb:forbidden', 'organisation:forbidden']);
      expect(refusedFields(commissioner('area:icb:QHM'), { pcn: ['U00000'] })).toEqual(['pcn:forbidden']);
    });

    it('with no area sees nothing: refused with a problem saying so', () => {
      expect(refusedFields(commissioner(), {})).toEqual(['scope:no_area']);
      expect(refusedFields(commissioner('area:icb:nonsense'), {})).toEqual(['scope:no_area']);
    });

    it('whose area holds no imported practice is refused rather than shown an empty report', () => {
      expect(refusedFields(commissioner('area:icb:QXX'), {})).toEqual(['scope:area_unknown']);
    });
  });

  it('reads the places only when the answer depends on them', () => {
    expect(needsPlaces(commissioner('area:icb:QHM'), {})).toBe(true);
    expect(needsPlaces(ops, {})).toBe(false);
    expect(needsPlaces(ops, { practice: ['A81001'] })).toBe(false);
    expect(needsPlaces(ops, { icb: ['QHM'] })).toBe(true);
    expect(needsPlaces(referrer, { pcn: ['U81234'] })).toBe(true);
    expect(needsPlaces(referrer, { practice: ['A81001'] })).toBe(false);
    expect(needsPlaces(provider, { pcn: ['U81234'] })).toBe(false);
  });
});
