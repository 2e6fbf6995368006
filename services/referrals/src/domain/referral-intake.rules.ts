import type { FieldProblem } from '@sp/errors';
import { nhsNumberProblem } from './nhs-number';
import { isKnownNeedCode } from './need-taxonomy';
import { demographicProblems } from './population';

/** Who is acting, as far as the domain rules care. */
export interface Actor {
  clientId: string;
  organisationId: string;
  odsCode?: string;
  role: 'referrer' | 'link-worker' | 'provider' | 'ops';
  /** The signed-in person, when the token came from an organisation's identity provider. */
  person?: ActingPerson;
}

/** A member of staff acting through their organisation (staff identity, never patient data). */
export interface ActingPerson {
  sub: string;
  name?: string;
  teamRole: 'worker' | 'team-lead';
}

export interface IntakeFacts {
  patient: { nhsNumber: string; birthDate: string; sex?: string; postcode?: string; ethnicCategory?: string };
  requesterOdsCode: string;
  needs: string[];
  consent: { given: boolean; recordedAt: string };
}

/**
 * Business rules checked at the door, after the shape of the body is known to be right.
 * Returns every problem (never just the first) so a clinical system can fix them in one go.
 */
export function intakeProblems(facts: IntakeFacts, actor: Actor, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const nhs = nhsNumberProblem(facts.patient.nhsNumber);
  if (nhs === 'format') {
    problems.push({
      field: 'patient.nhsNumber',
      code: 'invalid_format',
      message: 'An NHS number has 10 digits',
    });
  } else if (nhs === 'check-digit') {
    problems.push({
      field: 'patient.nhsNumber',
      code: 'invalid_check_digit',
      message: 'The NHS number check digit is wrong',
    });
  }
  problems.push(...demographicProblems(facts.patient));
  const birth = Date.parse(`${facts.patient.birthDate}T00:00:00Z`);
  if (!Number.isNaN(birth) && birth > now.getTime()) {
    problems.push({
      field: 'patient.birthDate',
      code: 'in_future',
      message: 'The date of birth is in the future',
    });
  }
  if (facts.requesterOdsCode !== actor.odsCode) {
    problems.push({
      field: 'requesterOdsCode',
      code: 'not_your_organisation',
      message: "The referring organisation's ODS code must be the caller's own",
    });
  }
  facts.needs.forEach((code, index) => {
    if (!isKnownNeedCode(code)) {
      problems.push({
        field: `needs[${index}]`,
        code: 'unknown_code',
        message: `"${code}" is neither a SNOMED CT concept id nor a code of the published need taxonomy`,
      });
    }
  });
  if (!facts.consent.given) {
    problems.push({
      field: 'consent.given',
      code: 'consent_required',
      message: 'Consent to share with the receiving service must be recorded before referring',
    });
  }
  const consentAt = Date.parse(facts.consent.recordedAt);
  if (!Number.isNaN(consentAt) && consentAt > now.getTime() + 5 * 60_000) {
    problems.push({
      field: 'consent.recordedAt',
      code: 'in_future',
      message: 'Consent cannot be recorded in the future',
    });
  }
  return problems;
}
