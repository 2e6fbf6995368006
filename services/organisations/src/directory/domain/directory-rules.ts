import type { FieldProblem } from '@sp/errors';

/** ISO 639-1/2/3 language code with optional BCP 47 subtags (en, pl, pa, zh-Hant, en-GB). */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export interface AgeRange {
  minimum_age?: number;
  maximum_age?: number;
}

/** Every rule problem of a service body (beyond its shape): ages, languages. */
export function serviceRuleProblems(
  body: AgeRange & { languages?: Array<{ code: string }> },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['minimum_age', 'maximum_age'] as const) {
    const age = body[field];
    if (age === undefined) continue;
    if (!Number.isInteger(age) || age < 0 || age > 150) {
      problems.push({
        field,
        code: 'out_of_range',
        message: `${field} must be a whole number from 0 to 150`,
      });
    }
  }
  if (
    body.minimum_age !== undefined &&
    body.maximum_age !== undefined &&
    body.minimum_age > body.maximum_age
  ) {
    problems.push({
      field: 'maximum_age',
      code: 'less_than_minimum',
      message: 'maximum_age must not be less than minimum_age',
    });
  }
  problems.push(...languageProblems(body.languages));
  return problems;
}

export function languageProblems(
  languages: Array<{ code: string }> | undefined,
  prefix = 'languages',
): FieldProblem[] {
  return (languages ?? []).flatMap((l, i) =>
    LANGUAGE_CODE.test(l.code)
      ? []
      : [
          {
            field: `${prefix}[${i}].code`,
            code: 'invalid_language',
            message: 'code must be an ISO 639 language code, e.g. en',
          },
        ],
  );
}

/** Coordinates: latitude -90..90, longitude -180..180, both or neither. */
export function locationRuleProblems(body: {
  latitude?: number;
  longitude?: number;
  languages?: Array<{ code: string }>;
}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (
    body.latitude !== undefined &&
    (!Number.isFinite(body.latitude) || body.latitude < -90 || body.latitude > 90)
  ) {
    problems.push({ field: 'latitude', code: 'out_of_range', message: 'latitude must be from -90 to 90' });
  }
  if (
    body.longitude !== undefined &&
    (!Number.isFinite(body.longitude) || body.longitude < -180 || body.longitude > 180)
  ) {
    problems.push({
      field: 'longitude',
      code: 'out_of_range',
      message: 'longitude must be from -180 to 180',
    });
  }
  if ((body.latitude === undefined) !== (body.longitude === undefined)) {
    const missing = body.latitude === undefined ? 'latitude' : 'longitude';
    problems.push({ field: missing, code: 'required', message: 'latitude and longitude go together' });
  }
  problems.push(...languageProblems(body.languages));
  return problems;
}

/** Problems for taxonomy terms that do not exist (by attribute position). */
export function unknownTermProblems(
  attributes: Array<{ taxonomy_term_id: string }> | undefined,
  known: Set<string>,
): FieldProblem[] {
  return (attributes ?? []).flatMap((a, i) =>
    known.has(a.taxonomy_term_id)
      ? []
      : [
          {
            field: `attributes[${i}].taxonomy_term_id`,
            code: 'unknown',
            message: `taxonomy term ${a.taxonomy_term_id} does not exist`,
          },
        ],
  );
}
