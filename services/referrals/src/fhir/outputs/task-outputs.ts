import type { Ons4, ReferralDocument, ResultingActivity } from '../../referrals/referral.entity';
import {
  ONS4_ITEMS,
  ons4OutputCode,
  OUTCOME_NOTE_OUTPUT_CODE,
  OUTCOME_OUTPUT_CODE,
  OUTCOME_SYSTEM,
  OUTPUT_TYPE_SYSTEM,
  SNOMED_CT,
} from '../fhir.constants';
import { isObject, list, text, type Json, type Problems } from '../fhir-json';
import { RESULTING_ACTIVITY_CODE, SDOHCC_TEMPORARY_CODES } from './procedure';
import { readResultingActivities } from './resulting-activities';

/**
 * Task.output (with Task.contained) -> what the referral records on completion: outcome codes,
 * the outcome note, ONS4 scores, and Gravity's resulting activities. The output types are ours
 * (OUTPUT_TYPE_SYSTEM: outcome, outcome-note, ons4-*) and SDOHCC `resulting-activity`. The codes
 * of resulting activities (SNOMED CT ids as given, our outcome codes) join outcome.codes, so the
 * JSON API, events and analytics see the same coded outcome whichever way it was sent.
 * Pure code.
 */

/** The most outcome codes one completion records (the JSON API's and the events' limit). */
export const MAX_OUTCOME_CODES = 20;

export interface Outputs {
  outcome?: { codes: string[]; note?: string; activities?: ResultingActivity[] };
  wellbeing?: { baseline?: Ons4; followUp?: Ons4 };
}

type OutputType = { system: 'ours' | 'sdohcc'; code: string | undefined } | undefined;

function outputType(output: Json): OutputType {
  if (!isObject(output.type) || !Array.isArray(output.type.coding)) return undefined;
  for (const c of output.type.coding) {
    if (!isObject(c)) continue;
    if (c.system === OUTPUT_TYPE_SYSTEM) return { system: 'ours', code: text(c.code) };
    if (c.system === SDOHCC_TEMPORARY_CODES) return { system: 'sdohcc', code: text(c.code) };
  }
  return undefined;
}

/** valueCodeableConcept of an `outcome` output -> its outcome code. */
function outcomeCode(output: Json, at: string, problems: Problems): string | undefined {
  const concept = isObject(output.valueCodeableConcept) ? output.valueCodeableConcept : undefined;
  const coding = (Array.isArray(concept?.coding) ? concept.coding : []).find(
    (c): c is Json =>
      isObject(c) && (c.system === OUTCOME_SYSTEM || c.system === SNOMED_CT) && text(c.code) !== undefined,
  );
  const code = coding ? text(coding.code) : undefined;
  if (code === undefined || !/^[A-Za-z0-9.:_-]{1,64}$/.test(code)) {
    problems.add(
      `${at}.valueCodeableConcept`,
      'code-invalid',
      `An outcome is coded in ${OUTCOME_SYSTEM} or ${SNOMED_CT}`,
    );
    return undefined;
  }
  return code;
}

function completeOns4(s: Partial<Ons4>, occasion: 'baseline' | 'follow-up', problems: Problems) {
  const present = ONS4_ITEMS.filter((it) => s[it] !== undefined);
  if (present.length === 0) return undefined;
  if (present.length < ONS4_ITEMS.length) {
    problems.add(
      'Task.output',
      'required',
      `ONS4 ${occasion} needs all four items (${ONS4_ITEMS.map((it) => ons4OutputCode(it, occasion)).join(', ')})`,
    );
    return undefined;
  }
  return s as Ons4;
}

/** Task.output and Task.contained of the updated Task -> outcome and wellbeing. */
export function readOutputs(
  value: unknown,
  contained: unknown,
  doc: ReferralDocument,
  problems: Problems,
): Outputs {
  const codes: string[] = [];
  let note: string | undefined;
  const scores: Record<'baseline' | 'follow-up', Partial<Ons4>> = { baseline: {}, 'follow-up': {} };
  const activityOutputs: { index: number; output: Json }[] = [];
  list(value, 'Task.output', problems).forEach((raw, i) => {
    const at = `Task.output[${i}]`;
    const output = isObject(raw) ? raw : {};
    const type = outputType(output);
    if (type?.system === 'sdohcc') {
      if (type.code === RESULTING_ACTIVITY_CODE) activityOutputs.push({ index: i, output });
      else
        problems.add(
          `${at}.type`,
          'code-invalid',
          `Of the SDOHCC codes, Task.output.type takes ${RESULTING_ACTIVITY_CODE}`,
        );
      return;
    }
    const code = type?.code;
    if (code === OUTCOME_OUTPUT_CODE) {
      const outcome = outcomeCode(output, at, problems);
      if (outcome !== undefined) codes.push(outcome);
      return;
    }
    if (code === OUTCOME_NOTE_OUTPUT_CODE) {
      note = text(output.valueString);
      if (note === undefined) problems.required(`${at}.valueString`, 'The outcome note is a valueString');
      return;
    }
    for (const occasion of ['baseline', 'follow-up'] as const) {
      const item = ONS4_ITEMS.find((it) => ons4OutputCode(it, occasion) === code);
      if (item === undefined) continue;
      const v = output.valueInteger;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10)
        problems.add(`${at}.valueInteger`, 'value', 'ONS4 scores are whole numbers from 0 to 10');
      else scores[occasion][item] = v;
      return;
    }
    problems.add(
      `${at}.type`,
      'code-invalid',
      `Unknown output type (codes of ${OUTPUT_TYPE_SYSTEM}, or ${SDOHCC_TEMPORARY_CODES}#${RESULTING_ACTIVITY_CODE})`,
    );
  });
  const { activities, codes: activityCodes } = readResultingActivities(
    activityOutputs,
    contained,
    doc,
    problems,
  );
  const allCodes = [...new Set([...codes, ...activityCodes])];
  // As for the JSON API (and the events): at most MAX_OUTCOME_CODES outcome codes.
  if (allCodes.length > MAX_OUTCOME_CODES)
    problems.add(
      'Task.output',
      'value',
      `At most ${MAX_OUTCOME_CODES} outcome codes in all (outcome outputs and resulting activities)`,
    );
  const baseline = completeOns4(scores.baseline, 'baseline', problems);
  const followUp = completeOns4(scores['follow-up'], 'follow-up', problems);
  const hasOutcome = allCodes.length > 0 || note !== undefined || activities.length > 0;
  return {
    ...(hasOutcome
      ? {
          outcome: {
            codes: allCodes,
            ...(note !== undefined ? { note } : {}),
            ...(activities.length > 0 ? { activities } : {}),
          },
        }
      : {}),
    ...(baseline || followUp
      ? { wellbeing: { ...(baseline ? { baseline } : {}), ...(followUp ? { followUp } : {}) } }
      : {}),
  };
}
