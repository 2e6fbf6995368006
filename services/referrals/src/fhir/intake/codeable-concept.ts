import type { CodedConcept } from '../../referrals/referral.entity';
import { text } from '../fhir-json';
import { codings } from './references';

/** A FHIR CodeableConcept as stored (codings with system and code, display and text if sent); undefined when empty. */
export function readConcept(value: unknown): CodedConcept | undefined {
  const coded = codings(value).flatMap((c) => {
    const system = text(c.system);
    const code = text(c.code);
    const display = text(c.display);
    return system !== undefined && code !== undefined
      ? [{ system, code, ...(display !== undefined ? { display } : {}) }]
      : [];
  });
  const label =
    typeof value === 'object' && value !== null ? text((value as Record<string, unknown>).text) : undefined;
  if (coded.length === 0 && label === undefined) return undefined;
  return { codings: coded, ...(label !== undefined ? { text: label } : {}) };
}
