import {
  HSDS_OBJECTS,
  type HsdsFieldSpec,
  type HsdsFormat,
  type HsdsObjectName,
} from './hsds-objects.schema';
import type { QuarantineReason } from './quarantine-reason';

/**
 * HSDS marks ids and references `format: uuid`; the platform accepts any id of 1-64 characters of
 * A-Z a-z 0-9 . _ : - (uuids included), the id shape of the store and of the event contracts (its
 * own need taxonomy uses ids like `sp-need-debt`).
 */
const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const URI = /^[a-z][a-z0-9+.-]*:[^\s]+$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const FORMAT_NAMES: Record<HsdsFormat, string> = {
  uuid: 'an id (1-64 characters of A-Z a-z 0-9 . _ : -)',
  uri: 'an absolute URI',
  email: 'an email address',
  'date-time': 'an RFC 3339 date-time',
};

/** Values publishers put in required fields when they have nothing (seen in real HSDS feeds). */
const PLACEHOLDERS = new Set([
  'n/a',
  'na',
  'n.a.',
  'n.a',
  'tbc',
  'tba',
  'tbd',
  'to be confirmed',
  'to be advised',
  'to be decided',
  'unknown',
  'none',
  'null',
  'undefined',
  'nil',
  'test',
  'placeholder',
  'todo',
  'lorem ipsum',
  'name',
  'description',
]);

/** True for strings like 'N/A', 'TBC', 'xxx', '---', '???' that stand in for a missing value. */
export function isPlaceholder(value: string): boolean {
  const normalised = value.trim().toLowerCase();
  if (PLACEHOLDERS.has(normalised)) return true;
  return /^x{2,}$/.test(normalised) || /^[\s?.\-_*#/]+$/.test(normalised);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkFormat(spec: HsdsFieldSpec, value: string): boolean {
  switch (spec.format) {
    case 'uuid':
      return ID.test(value);
    case 'uri':
      return URI.test(value);
    case 'email':
      return EMAIL.test(value);
    case 'date-time':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
    default:
      return true;
  }
}

/**
 * Called for nested objects before they are checked: the decomposer takes out the ones stored in
 * their own collection (a service's organization, a service_at_location's location, an
 * attribute's taxonomy_term) and returns true to skip them here.
 */
export type NestedHook = (name: HsdsObjectName, value: Record<string, unknown>, path: string) => void;

export interface ValidateOptions {
  /** Fields of this object (not nested ones) to leave out of the check: extracted elsewhere. */
  skipFields?: ReadonlySet<string>;
  /** Sees every nested object after its own check (e.g. to collect attribute references). */
  onNested?: NestedHook;
}

/**
 * Checks one HSDS object against the 3.0 schema: required fields present and not blank, types,
 * formats (uuid, uri, email, date-time) and enums, recursively through embedded objects (phones,
 * schedules, addresses...), plus the rules real feeds break: placeholder strings in required text
 * fields and coordinates out of range. Null optional fields are removed (HSDS omits them) so the
 * stored record validates. Returns every problem found, with the field's path.
 */
export function validateHsdsObject(
  name: HsdsObjectName,
  value: Record<string, unknown>,
  path: string,
  options: ValidateOptions = {},
): QuarantineReason[] {
  const reasons: QuarantineReason[] = [];
  check(name, value, path, reasons, options, true);
  return reasons;
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function check(
  name: HsdsObjectName,
  value: Record<string, unknown>,
  path: string,
  reasons: QuarantineReason[],
  options: ValidateOptions,
  top: boolean,
): void {
  const spec = HSDS_OBJECTS[name];
  const skip = top ? options.skipFields : undefined;
  for (const field of spec.required) {
    const v = value[field];
    if (v === undefined || v === null) {
      reasons.push({
        field: join(path, field),
        code: 'missing-required-field',
        message: `${name}.${field} is required`,
      });
    } else if (typeof v === 'string' && v.trim() === '') {
      reasons.push({
        field: join(path, field),
        code: 'missing-required-field',
        message: `${name}.${field} is required and is blank`,
      });
    } else if (
      typeof v === 'string' &&
      !spec.fields[field]?.format &&
      !spec.fields[field]?.enum &&
      isPlaceholder(v)
    ) {
      reasons.push({
        field: join(path, field),
        code: 'placeholder',
        message: `${name}.${field} holds a placeholder (${JSON.stringify(v)}) instead of a value`,
      });
    }
  }
  for (const [field, fieldSpec] of Object.entries(spec.fields)) {
    if (skip?.has(field)) continue;
    const v = value[field];
    if (v === undefined) continue;
    if (v === null) {
      if (!spec.required.includes(field)) delete value[field];
      continue;
    }
    checkField(name, field, fieldSpec, v, join(path, field), reasons, options);
  }
  if (name === 'location') checkCoordinates(value, path, reasons);
  if (name === 'service') checkAges(value, path, reasons);
}

function checkField(
  objectName: HsdsObjectName,
  field: string,
  spec: HsdsFieldSpec,
  v: unknown,
  path: string,
  reasons: QuarantineReason[],
  options: ValidateOptions,
): void {
  const label = `${objectName}.${field}`;
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string') {
        reasons.push({
          field: path,
          code: 'bad-type',
          message: `${label} must be a string, not ${typeName(v)}`,
        });
      } else if (spec.enum && !spec.enum.includes(v)) {
        reasons.push({
          field: path,
          code: 'bad-value',
          message: `${label} must be one of ${spec.enum.join(', ')} (got ${JSON.stringify(v.slice(0, 50))})`,
        });
      } else if (!checkFormat(spec, v)) {
        reasons.push({
          field: path,
          code: 'bad-format',
          message: `${label} must be ${FORMAT_NAMES[spec.format ?? 'uuid']} (got ${JSON.stringify(v.slice(0, 80))})`,
        });
      }
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        reasons.push({
          field: path,
          code: 'bad-type',
          message: `${label} must be a number, not ${typeName(v)}`,
        });
      }
      return;
    case 'object':
      if (!isPlainObject(v)) {
        reasons.push({
          field: path,
          code: 'bad-type',
          message: `${label} must be an object, not ${typeName(v)}`,
        });
      } else if (spec.ref) {
        check(spec.ref, v, path, reasons, options, false);
        options.onNested?.(spec.ref, v, path);
      }
      return;
    case 'array':
      if (!Array.isArray(v)) {
        reasons.push({
          field: path,
          code: 'bad-type',
          message: `${label} must be an array, not ${typeName(v)}`,
        });
        return;
      }
      if (!spec.ref) return;
      v.forEach((item: unknown, i: number) => {
        const itemPath = `${path}[${i}]`;
        if (!isPlainObject(item)) {
          reasons.push({
            field: itemPath,
            code: 'bad-type',
            message: `${label}[${i}] must be an object, not ${typeName(item)}`,
          });
        } else if (spec.ref) {
          check(spec.ref, item, itemPath, reasons, options, false);
          options.onNested?.(spec.ref, item, itemPath);
        }
      });
      return;
  }
}

function checkCoordinates(value: Record<string, unknown>, path: string, reasons: QuarantineReason[]): void {
  const { latitude, longitude } = value;
  if (typeof latitude === 'number' && (latitude < -90 || latitude > 90)) {
    reasons.push({
      field: join(path, 'latitude'),
      code: 'out-of-range',
      message: `location.latitude must be between -90 and 90 (got ${latitude})`,
    });
  }
  if (typeof longitude === 'number' && (longitude < -180 || longitude > 180)) {
    reasons.push({
      field: join(path, 'longitude'),
      code: 'out-of-range',
      message: `location.longitude must be between -180 and 180 (got ${longitude})`,
    });
  }
  const hasLat = latitude !== undefined && latitude !== null;
  const hasLon = longitude !== undefined && longitude !== null;
  if (hasLat !== hasLon) {
    reasons.push({
      field: join(path, hasLat ? 'longitude' : 'latitude'),
      code: 'missing-required-field',
      message: 'location.latitude and location.longitude come together',
    });
  }
}

function checkAges(value: Record<string, unknown>, path: string, reasons: QuarantineReason[]): void {
  const { minimum_age: min, maximum_age: max } = value;
  for (const [field, age] of [
    ['minimum_age', min],
    ['maximum_age', max],
  ] as const) {
    if (typeof age === 'number' && (age < 0 || age > 150)) {
      reasons.push({
        field: join(path, field),
        code: 'out-of-range',
        message: `service.${field} must be between 0 and 150 (got ${age})`,
      });
    }
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    reasons.push({
      field: join(path, 'minimum_age'),
      code: 'out-of-range',
      message: `service.minimum_age (${min}) is greater than service.maximum_age (${max})`,
    });
  }
}
