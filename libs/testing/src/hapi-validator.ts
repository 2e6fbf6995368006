// Client of HAPI FHIR's instance validator run by infra/local/platform.sh
// (infra/local/fhir-validator: FHIR R4 core definitions + the pinned Gravity terminology), the
// authoritative check of the conformance tests. See docs/conformance-testing.md.
import { errorIssues, formatIssues, type FhirIssue, type FhirIssueSeverity } from './fhir-issues';
import { testInfra } from './test-infra';

interface OutcomeIssue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  details?: { text?: string };
  expression?: string[];
  location?: string[];
}

const NOT_IN_VALUE_SET = /^Code "[^"]*" is not in valueset: (\S+)$/;
const PREFERRED = /\((\S+?)(?:\|[^)]*)?\), and a coding is recommended to come from this value set/;

/**
 * The validator's OperationOutcome -> issues (expression, else the FHIRPath part of location).
 *
 * One reconciliation, of HAPI contradicting itself: for a code outside a *preferred* binding
 * (HAPI 8.6.5, e.g. HealthcareService.communication `cy` Welsh or `ur` Urdu, valid BCP 47 codes
 * outside the "Common Languages" value set) it reports both an error "Code "x" is not in
 * valueset: <vs>" and, at the same element, the information that a coding "is recommended to come
 * from this value set". A preferred binding does not require its codes (FHIR R4 terminologies.html
 * 4.1.5.3), so that error is kept as a warning, saying why. Nothing else is changed.
 */
export function fromHapiOutcome(outcome: { resourceType?: string; issue?: OutcomeIssue[] }): FhirIssue[] {
  if (outcome.resourceType !== 'OperationOutcome') {
    throw new Error(`the FHIR validator answered ${JSON.stringify(outcome).slice(0, 200)}`);
  }
  const severities: FhirIssueSeverity[] = ['fatal', 'error', 'warning', 'information'];
  const issues: FhirIssue[] = (outcome.issue ?? [])
    .filter((i) => !/^No issues detected/.test(i.diagnostics ?? ''))
    .map((i) => ({
      severity: severities.includes(i.severity as FhirIssueSeverity)
        ? (i.severity as FhirIssueSeverity)
        : 'information',
      code: i.code ?? 'processing',
      expression: i.expression ?? (i.location ?? []).filter((l) => !/^Line\[/.test(l)),
      diagnostics: i.diagnostics ?? i.details?.text ?? '',
      source: 'hapi' as const,
    }));
  const preferredAt = new Set(
    issues.flatMap((i) => {
      const m = i.severity === 'information' ? PREFERRED.exec(i.diagnostics) : null;
      return m ? [`${i.expression.join(',')} ${m[1]}`] : [];
    }),
  );
  return issues.map((i) => {
    const m = i.severity === 'error' ? NOT_IN_VALUE_SET.exec(i.diagnostics) : null;
    if (!m || !preferredAt.has(`${i.expression.join(',')} ${m[1]}`)) return i;
    return {
      ...i,
      severity: 'warning',
      diagnostics: `${i.diagnostics} (a preferred binding: reported by HAPI as an error, kept as a warning)`,
    };
  });
}

/**
 * Validates one FHIR R4 resource with HAPI's validator (optionally against `profile`, a canonical
 * URL the validator knows). Needs the validator of platform.sh running (testInfra.fhirValidatorUrl).
 */
export async function validateFhirWithHapi(resource: unknown, profile?: string): Promise<FhirIssue[]> {
  const url = new URL('/validate', testInfra.fhirValidatorUrl);
  if (profile !== undefined) url.searchParams.set('profile', profile);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(resource),
    });
  } catch (err) {
    throw new Error(
      `the FHIR validator is not reachable at ${testInfra.fhirValidatorUrl} (bash infra/local/platform.sh start): ${String(err)}`,
    );
  }
  if (!response.ok)
    throw new Error(`the FHIR validator answered ${response.status}: ${await response.text()}`);
  return fromHapiOutcome((await response.json()) as { resourceType?: string; issue?: OutcomeIssue[] });
}

/** Resolves when HAPI's validator finds no error or fatal issue; rejects listing each otherwise. */
export async function expectValidFhirByHapi(resource: unknown, profile?: string): Promise<void> {
  const errors = errorIssues(await validateFhirWithHapi(resource, profile));
  if (errors.length > 0) {
    const type = (resource as { resourceType?: unknown } | null)?.resourceType;
    throw new Error(
      `${String(type ?? 'value')} is not valid per HAPI's FHIR validator (R4 core${profile ? `, ${profile}` : ''}):\n${formatIssues(errors)}`,
    );
  }
}
