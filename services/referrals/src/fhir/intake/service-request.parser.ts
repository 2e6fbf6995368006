import type { ValidationError } from '@sp/errors';
import type { Actor } from '../../domain/referral-intake.rules';
import { FieldExpressions } from '../field-expressions';
import { isObject, list, Problems } from '../fhir-json';
import { parseIfNoneExist, type ConditionalCreate } from '../if-none-exist';
import { withConditionalIdentifier, type ParsedReferral } from './parsed-referral';
import { readIntake, readOnwardTarget } from './referral.reader';
import { fail, type Located, type Scope } from './references';
import { parentOf, replacedOf } from './service-request.reader';

/**
 * POST /fhir/ServiceRequest: the patient contained (`#patient`) or referenced by NHS number with
 * the Patient contained, the consent contained and referenced from supportingInfo; or an onward
 * referral (basedOn the parent).
 */
export function parseServiceRequest(
  body: unknown,
  actor: Actor,
  ifNoneExistHeader: string | undefined,
  now: Date,
): ParsedReferral {
  const problems = new Problems();
  if (!isObject(body) || body.resourceType !== 'ServiceRequest') {
    problems.add('ServiceRequest', 'structure', 'POST /fhir/ServiceRequest takes a ServiceRequest');
    fail(problems);
  }
  const path = 'ServiceRequest';
  const contained = list(body.contained, `${path}.contained`, problems).map(
    (resource, i): Located | undefined =>
      isObject(resource) ? { resource, path: `${path}.contained[${i}]` } : undefined,
  );
  const located = contained.filter((c): c is Located => c !== undefined);
  const scope: Scope = {
    resolve: (reference) => {
      if (!reference.startsWith('#')) return undefined;
      return located.find((c) => c.resource.id === reference.slice(1));
    },
    patients: located.filter((c) => c.resource.resourceType === 'Patient'),
  };
  let conditional: ConditionalCreate | undefined;
  if (ifNoneExistHeader !== undefined) {
    try {
      conditional = parseIfNoneExist(ifNoneExistHeader, 'If-None-Exist');
    } catch (err) {
      problems.list.push(...(err as ValidationError).problems);
    }
  }
  const sr: Located = { resource: body, path };
  const parent = parentOf(body, path, problems);
  if (parent !== undefined) {
    const expressions = new FieldExpressions(path);
    const target = readOnwardTarget(sr, scope, problems, expressions, 0);
    const reroutedFromReferralId = replacedOf(body, path, problems, expressions);
    if (!problems.empty) fail(problems);
    return {
      kind: 'onward',
      parentReferralId: parent,
      ...(reroutedFromReferralId !== undefined ? { reroutedFromReferralId } : {}),
      targets: [{ target, entries: {} }],
      ...(conditional ? { conditional } : {}),
      expressions,
    };
  }
  const expressions = new FieldExpressions(path);
  const read = readIntake(sr, scope, problems, expressions, actor, now);
  if (!problems.empty) fail(problems);
  return {
    kind: 'intake',
    intake: withConditionalIdentifier(read.intake, conditional),
    ...(conditional ? { conditional } : {}),
    expressions,
    entries: {},
  };
}
