import { REFERRAL_REASON_CODES, type ReferralReasonCode } from '@sp/contracts';
import type { FieldProblem } from '@sp/errors';
import { REASON_REQUIRED, type Action } from './task-lifecycle';

/**
 * Rules for the details that go with a move (reason, outcome, wellbeing), checked after the
 * shape of the request is known to be right. Framework-free; every problem is returned.
 */

/** Our published outcome codes (FHIR Task.output); SNOMED CT concept ids are accepted too. */
export const OUTCOME_CODES = [
  'sp-outcome-attended',
  'sp-outcome-goals-met',
  'sp-outcome-goals-partly-met',
  'sp-outcome-signposted',
  'sp-outcome-referred-on',
  'sp-outcome-did-not-attend',
  'sp-outcome-declined-support',
  'sp-outcome-unable-to-contact',
  'sp-outcome-ongoing-support',
] as const;

const SNOMED_CT_ID = /^\d{6,18}$/;

export function isKnownOutcomeCode(code: string): boolean {
  return (OUTCOME_CODES as readonly string[]).includes(code) || SNOMED_CT_ID.test(code);
}

/** Reasons only the platform sets (deadline expiry, consent withdrawal): a party may not send them. */
export const SYSTEM_REASON_CODES: readonly ReferralReasonCode[] = ['no-response', 'consent-withdrawn'];

export const ONS4_ITEMS = ['lifeSatisfaction', 'worthwhile', 'happiness', 'anxiety'] as const;

/** Moves that may carry wellbeing scores: a baseline when work starts, follow-up at completion. */
export const WELLBEING_ACTIONS: readonly Action[] = ['start', 'complete'];

export interface ChangeDetails {
  reason?: { code: string; text?: string };
  outcome?: { codes: string[]; note?: string };
  wellbeing?: { baseline?: unknown; followUp?: unknown };
}

export function reasonProblems(action: Action, reason: ChangeDetails['reason']): FieldProblem[] {
  if (!reason) {
    return REASON_REQUIRED.includes(action)
      ? [{ field: 'reason', code: 'required', message: `A coded reason is required to ${action} a referral` }]
      : [];
  }
  const problems: FieldProblem[] = [];
  if (!(REFERRAL_REASON_CODES as readonly string[]).includes(reason.code)) {
    problems.push({
      field: 'reason.code',
      code: 'unknown_code',
      message: `Use one of ${REFERRAL_REASON_CODES.filter((c) => !SYSTEM_REASON_CODES.includes(c)).join(', ')}`,
    });
  } else if (SYSTEM_REASON_CODES.includes(reason.code as ReferralReasonCode)) {
    problems.push({
      field: 'reason.code',
      code: 'reserved',
      message: `"${reason.code}" is set by the platform only`,
    });
  }
  if (reason.code === 'other' && (reason.text ?? '').trim().length === 0) {
    problems.push({ field: 'reason.text', code: 'required', message: 'Reason "other" needs a text' });
  }
  return problems;
}

/** ONS4: four items, each an integer 0-10. */
export function ons4Problems(scores: unknown, field: string): FieldProblem[] {
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) {
    return [{ field, code: 'wrong_type', message: 'ONS4 scores are an object of four items' }];
  }
  const record = scores as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const item of ONS4_ITEMS) {
    const value = record[item];
    if (value === undefined) {
      problems.push({ field: `${field}.${item}`, code: 'required', message: `${item} is required` });
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
      problems.push({
        field: `${field}.${item}`,
        code: 'out_of_range',
        message: 'Each ONS4 item is a whole number from 0 to 10',
      });
    }
  }
  for (const key of Object.keys(record)) {
    if (!(ONS4_ITEMS as readonly string[]).includes(key)) {
      problems.push({ field: `${field}.${key}`, code: 'unknown_field', message: 'Not an ONS4 item' });
    }
  }
  return problems;
}

/** Every problem with the details of a move (reason, outcome and wellbeing). */
export function changeProblems(action: Action, details: ChangeDetails): FieldProblem[] {
  const problems = reasonProblems(action, details.reason);
  if (action === 'complete') {
    const codes = details.outcome?.codes ?? [];
    if (codes.length === 0) {
      problems.push({
        field: 'outcome.codes',
        code: 'required',
        message: 'Completion records what was done: at least one outcome code',
      });
    }
    codes.forEach((code, i) => {
      if (!isKnownOutcomeCode(code)) {
        problems.push({
          field: `outcome.codes[${i}]`,
          code: 'unknown_code',
          message: `"${code}" is neither a platform outcome code nor a SNOMED CT concept id`,
        });
      }
    });
  } else if (details.outcome !== undefined) {
    problems.push({
      field: 'outcome',
      code: 'not_allowed',
      message: 'An outcome is recorded on completion only',
    });
  }
  if (details.wellbeing !== undefined) {
    if (!WELLBEING_ACTIONS.includes(action)) {
      problems.push({
        field: 'wellbeing',
        code: 'not_allowed',
        message: 'Wellbeing scores are recorded when work starts or completes',
      });
    } else {
      if (details.wellbeing.baseline !== undefined)
        problems.push(...ons4Problems(details.wellbeing.baseline, 'wellbeing.baseline'));
      if (details.wellbeing.followUp !== undefined)
        problems.push(...ons4Problems(details.wellbeing.followUp, 'wellbeing.followUp'));
    }
  }
  return problems;
}
