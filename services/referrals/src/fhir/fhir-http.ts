import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { DomainError, isDomainError } from '@sp/errors';
import type { ReferralDocument } from '../referrals/referral.entity';
import { FHIR_JSON, JSON_PATCH } from './fhir.constants';
import type { Bundle, OperationOutcome, Resource } from './fhir.types';
import type { FieldExpressions } from './field-expressions';
import { toServiceRequest, toTask, weakEtag } from './referral-to-fhir';

/** Media types each method's body may have on /fhir (anything else: 415 OperationOutcome). */
const BODY_TYPES: Record<string, readonly string[]> = {
  POST: [FHIR_JSON, 'application/json'],
  PUT: [FHIR_JSON, 'application/json'],
  PATCH: [JSON_PATCH],
};

export function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** 415 unless the request body has one of the media types its method takes. */
export function assertBodyType(method: string, contentType: string | undefined): void {
  const allowed = BODY_TYPES[method.toUpperCase()];
  if (!allowed) return;
  const type = mediaType(contentType);
  if (type === undefined || !allowed.includes(type))
    throw new DomainError(
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      `${method.toUpperCase()} on this endpoint takes ${allowed.join(' or ')}${type ? `, not ${type}` : ' (no Content-Type was sent)'}`,
      { status: 415 },
    );
}

/** Refuses bodies of the wrong media type and answers in application/fhir+json. */
@Injectable()
export class FhirHttpInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    assertBodyType(req.method, req.headers['content-type']);
    http.getResponse<Response>().setHeader('Content-Type', `${FHIR_JSON}; charset=utf-8`);
    return next.handle();
  }
}

/** `W/"3"` (or `"3"`) -> 3; absent -> undefined; anything else is a 400 naming the header. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match?.[1])
    throw new DomainError('REQUEST.INVALID', 'If-Match must be a version ETag such as W/"3"', {
      status: 400,
      problems: [{ field: 'If-Match', code: 'value', message: 'Expected W/"<versionId>"' }],
    });
  return Number(match[1]);
}

/** The FHIR base URL of this server as the client reached it (for fullUrl, Location and paging links). */
export function fhirBase(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/fhir`;
}

/** ETag and Last-Modified of a referral version. */
export function setVersionHeaders(res: Response, doc: ReferralDocument): void {
  res.setHeader('ETag', weakEtag(doc.version));
  res.setHeader('Last-Modified', doc.updatedAt.toUTCString());
}

/** Intake/operation field names in an operation's errors -> FHIRPath of what the client sent. */
export async function withExpressions<T>(
  expressions: FieldExpressions | ((field: string) => string),
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err: unknown) {
    if (!isDomainError(err) || err.problems.length === 0) throw err;
    const translate =
      typeof expressions === 'function' ? expressions : (f: string) => expressions.expressionFor(f);
    throw new DomainError(err.code, err.message, {
      status: err.status,
      problems: err.problems.map((p) => ({ ...p, field: translate(p.field) })),
      cause: err,
    });
  }
}

/** Field names of transition/claim errors -> Task elements. */
export function taskExpression(field: string): string {
  if (field === 'Idempotency-Key') return 'If-None-Exist';
  if (field === 'version' || field === 'expectedVersion') return 'If-Match';
  if (field === 'reason.code') return 'Task.statusReason.coding';
  if (field === 'reason.text') return 'Task.statusReason.text';
  if (field.startsWith('reason')) return 'Task.statusReason';
  if (field.startsWith('outcome') || field.startsWith('wellbeing')) return 'Task.output';
  if (field === 'serviceId') return 'Task.owner';
  if (field === 'status' || field === 'action') return 'Task.status';
  return field.startsWith('Task') ? field : 'Task';
}

/** What a create or update answers with (RFC 7240 `Prefer: return=...`, FHIR R4 3.1.0.5.3). */
export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

/** The `return` preference of a Prefer header, if it names one we know (RFC 7240: others are ignored). */
function statedReturn(header: string | undefined): ReturnPreference | undefined {
  for (const part of (header ?? '').split(/[,;]/)) {
    const value = /^\s*return\s*=\s*"?([A-Za-z]+)"?\s*$/.exec(part)?.[1];
    if (value === 'minimal' || value === 'representation' || value === 'OperationOutcome') return value;
  }
  return undefined;
}

/**
 * `Prefer: return=minimal | representation | OperationOutcome` -> the preference; absent, another
 * preference or an unknown value -> representation (a preference may be ignored, RFC 7240 2).
 */
export function returnPreference(header: string | undefined): ReturnPreference {
  return statedReturn(header) ?? 'representation';
}

/** An informational OperationOutcome (Prefer: return=OperationOutcome). */
export function informational(message: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', details: { text: message } }],
  };
}

/**
 * The body of a create or update as preferred: the resource, nothing (Location and ETag say where
 * and which version), or an informational OperationOutcome. `Preference-Applied` says which.
 */
export function preferredBody<T extends Resource>(
  res: Response,
  preference: ReturnPreference,
  resource: T,
  message: string,
): T | OperationOutcome | undefined {
  res.setHeader('Preference-Applied', `return=${preference}`);
  if (preference === 'minimal') {
    res.removeHeader('Content-Type');
    return undefined;
  }
  if (preference === 'OperationOutcome') return informational(message);
  return resource;
}

/**
 * Prefer on a transaction: the answer is always the transaction-response Bundle. Its entries carry
 * status, location and etag (as with no Prefer, and with return=minimal); return=representation
 * adds each written ServiceRequest and Task as entry.resource, return=OperationOutcome an
 * informational entry.response.outcome.
 */
export function withPreferredEntries(
  res: Response,
  header: string | undefined,
  bundle: Bundle,
  written: ReferralDocument[],
): Bundle {
  const preference = statedReturn(header);
  if (preference === undefined) return bundle;
  res.setHeader('Preference-Applied', `return=${preference}`);
  if (preference === 'minimal') return bundle;
  const byId = new Map(written.map((d) => [d._id, d]));
  return {
    ...bundle,
    entry: (bundle.entry ?? []).map((entry) => {
      const [type, id] = (entry.response?.location ?? '').split('/');
      const doc = id !== undefined ? byId.get(id) : undefined;
      if (!doc || !entry.response || (type !== 'ServiceRequest' && type !== 'Task')) return entry;
      if (preference === 'OperationOutcome')
        return {
          ...entry,
          response: {
            ...entry.response,
            outcome: informational(`${type}/${doc._id} version ${doc.version}`),
          },
        };
      return { ...entry, resource: type === 'Task' ? toTask(doc) : toServiceRequest(doc) };
    }),
  };
}
