import { Type, type Static } from '@sinclair/typebox';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { ConfigError, StringEnum } from '@sp/config';
import type { FieldProblem } from '@sp/errors';
import { ROLES, TEAM_ROLES, type Role } from '../principal';

/** Signature algorithms an issuer may be allowed (asymmetric only: never `none`, never HS*). */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];
export const DEFAULT_OIDC_ALGORITHMS: readonly OidcAlgorithm[] = ['RS256', 'PS256', 'ES256'];

/**
 * JWT `typ` headers an access token of the issuer may carry. `at+jwt` (RFC 9068, also as
 * `application/at+jwt`) is the default; `JWT` only for identity providers that do not implement
 * RFC 9068 (their ID tokens are then told apart from access tokens by the audience alone).
 */
export const OIDC_TOKEN_TYPES = ['at+jwt', 'JWT'] as const;
export type OidcTokenType = (typeof OIDC_TOKEN_TYPES)[number];

/** A claim: a top-level claim name, or a path into nested claims (`["realm_access", "roles"]`). */
const ClaimName = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
]);

/** One trusted identity provider, as written in OIDC_ISSUERS (a JSON array of these). */
export const OidcIssuerSchema = Type.Object(
  {
    issuer: Type.String({
      format: 'uri',
      pattern: '^https?://',
      description: 'Expected `iss`, exactly as the provider writes it',
    }),
    jwksUrl: Type.String({
      format: 'uri',
      pattern: '^https?://',
      description: "The provider's `jwks_uri` (from its discovery document)",
    }),
    audience: Type.String({ minLength: 1, description: 'Expected `aud` (our API as the provider names it)' }),
    algorithms: Type.Optional(Type.Array(StringEnum(OIDC_ALGORITHMS), { minItems: 1, uniqueItems: true })),
    tokenTypes: Type.Optional(Type.Array(StringEnum(OIDC_TOKEN_TYPES), { minItems: 1, uniqueItems: true })),
    claims: Type.Optional(
      Type.Object(
        {
          organisation: Type.Optional(ClaimName),
          role: Type.Optional(ClaimName),
          teamRole: Type.Optional(ClaimName),
          name: Type.Optional(ClaimName),
          odsCode: Type.Optional(ClaimName),
        },
        { additionalProperties: false },
      ),
    ),
    organisationId: Type.Optional(Type.String({ minLength: 1 })),
    odsCode: Type.Optional(Type.String({ minLength: 1 })),
    role: Type.Optional(StringEnum(ROLES)),
    teamLeadValues: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    allowOps: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OidcIssuerInput = Static<typeof OidcIssuerSchema>;

/** A path into a token's claims (one element for a top-level claim). */
export type ClaimPath = readonly string[];

/** One trusted issuer with every default filled in. */
export interface OidcIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  algorithms: OidcAlgorithm[];
  tokenTypes: OidcTokenType[];
  claims: {
    organisation: ClaimPath;
    role: ClaimPath;
    teamRole: ClaimPath;
    name: ClaimPath;
    odsCode: ClaimPath;
  };
  /** Every user of this issuer belongs to this organisation (the claim is then not read). */
  organisationId?: string;
  odsCode?: string;
  /** Every user of this issuer has this platform role (the claim is then not read). */
  role?: Role;
  /** Values of the team-role claim that mean team lead (anything else, or nothing, is worker). */
  teamLeadValues: string[];
  /** May a user of this issuer have the ops role? Off unless said. */
  allowOps: boolean;
}

const DEFAULT_CLAIMS = {
  organisation: 'org',
  role: 'sp_role',
  teamRole: 'sp_team_role',
  name: 'name',
  odsCode: 'ods',
};
const DEFAULT_TEAM_LEAD_VALUES: string[] = [TEAM_ROLES[1]];

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validateIssuers = ajv.compile<OidcIssuerInput[]>(Type.Array(OidcIssuerSchema));

export interface ParseOidcIssuersOptions {
  /** The variable's name, for messages; OIDC_ISSUERS by default. */
  variable?: string;
  /** Our own client-credentials issuer (TOKEN_ISSUER): an OIDC issuer may not take its name. */
  reservedIssuer?: string;
}

/**
 * Reads the OIDC_ISSUERS value (a JSON array) at boot. Throws ConfigError naming every problem
 * (`OIDC_ISSUERS[0].jwksUrl: ...`), so a bad value is a clean boot failure, never a service that
 * quietly refuses every person.
 */
export function parseOidcIssuers(raw: string, opts: ParseOidcIssuersOptions = {}): OidcIssuer[] {
  const variable = opts.variable ?? 'OIDC_ISSUERS';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err: unknown) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError([
      {
        field: variable,
        code: 'json',
        message: `expected a JSON array of issuers, got text that is not JSON (${why})`,
      },
    ]);
  }
  if (!validateIssuers(value)) {
    throw new ConfigError(schemaProblems(variable, validateIssuers.errors ?? []));
  }
  const problems = ruleProblems(variable, value, opts.reservedIssuer);
  if (problems.length > 0) throw new ConfigError(problems);
  return value.map(resolve);
}

function resolve(input: OidcIssuerInput): OidcIssuer {
  const claims = { ...DEFAULT_CLAIMS, ...input.claims };
  const issuer: OidcIssuer = {
    issuer: input.issuer,
    jwksUrl: input.jwksUrl,
    audience: input.audience,
    algorithms: [...(input.algorithms ?? DEFAULT_OIDC_ALGORITHMS)],
    tokenTypes: [...(input.tokenTypes ?? ['at+jwt'])],
    claims: {
      organisation: pathOf(claims.organisation),
      role: pathOf(claims.role),
      teamRole: pathOf(claims.teamRole),
      name: pathOf(claims.name),
      odsCode: pathOf(claims.odsCode),
    },
    teamLeadValues: [...(input.teamLeadValues ?? DEFAULT_TEAM_LEAD_VALUES)],
    allowOps: input.allowOps ?? false,
  };
  if (input.organisationId !== undefined) issuer.organisationId = input.organisationId;
  if (input.odsCode !== undefined) issuer.odsCode = input.odsCode;
  if (input.role !== undefined) issuer.role = input.role;
  return issuer;
}

function pathOf(claim: string | string[]): ClaimPath {
  return typeof claim === 'string' ? [claim] : [...claim];
}

/** `/0/claims/role` -> `OIDC_ISSUERS[0].claims.role` */
function fieldOf(variable: string, instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  return parts.reduce(
    (field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : `${field}.${part}`),
    variable,
  );
}

function schemaProblems(variable: string, errors: ErrorObject[]): FieldProblem[] {
  const seen = new Map<string, FieldProblem>();
  for (const e of errors) {
    const params = e.params as Record<string, unknown>;
    let field = fieldOf(variable, e.instancePath);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      field = fieldOf(variable, e.instancePath, String(params['missingProperty']));
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      field = fieldOf(variable, e.instancePath, String(params['additionalProperty']));
      message = 'is not a known setting';
    } else if (e.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
      message = `must be one of ${params['allowedValues'].join(', ')}`;
    } else if (e.keyword === 'type' && e.instancePath === '') {
      message = 'must be a JSON array of issuers';
    } else if (e.keyword === 'pattern' || e.keyword === 'format') {
      message = 'must be an absolute http(s) URL';
    }
    // anyOf (a claim name) reports each branch and then itself: keep one message per field.
    if (e.keyword === 'anyOf') message = 'must be a claim name or a list of claim names (a path)';
    if (!seen.has(field) || e.keyword === 'anyOf') seen.set(field, { field, code: e.keyword, message });
  }
  return [...seen.values()];
}

function ruleProblems(
  variable: string,
  issuers: OidcIssuerInput[],
  reserved: string | undefined,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  issuers.forEach((entry, i) => {
    const at = `${variable}[${i}]`;
    if (seen.has(entry.issuer)) {
      problems.push({
        field: `${at}.issuer`,
        code: 'duplicate',
        message: `names ${entry.issuer} a second time`,
      });
    }
    seen.add(entry.issuer);
    if (reserved !== undefined && entry.issuer === reserved) {
      problems.push({
        field: `${at}.issuer`,
        code: 'reserved',
        message: `is the platform's own token issuer (TOKEN_ISSUER); an identity provider needs its own`,
      });
    }
    if (entry.role === 'ops' && entry.allowOps !== true) {
      problems.push({ field: `${at}.role`, code: 'ops', message: 'is ops, which needs "allowOps": true' });
    }
    if (entry.role === 'commissioner') {
      problems.push({
        field: `${at}.role`,
        code: 'commissioner',
        message: 'is commissioner, which only API clients registered with area scopes may have',
      });
    }
  });
  return problems;
}
