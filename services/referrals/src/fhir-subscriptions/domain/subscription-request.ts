import type { FieldProblem } from '@sp/errors';
import { urlProblems, type TargetPolicy } from '@sp/outbound-http';
import { BACKPORT_EXTENSIONS, REFERRAL_TASK_TOPIC } from './subscription-topic';
import { parseTaskFilter, type FilterSubscriber, type TaskFilter } from './task-filter';

/**
 * A Subscription as a client POSTs it (R4 Subscription with the backport profile) -> what we
 * store, or every problem at once, each with the FHIRPath of the element at fault. We support
 * exactly: criteria = our Task topic, rest-hook, application/fhir+json with id-only content.
 * Pure code.
 */

export interface SubscriptionSpec {
  reason: string;
  end?: Date;
  filters: { criteria: string; filter: TaskFilter }[];
  endpoint: string;
  /** "Name: value" lines sent with every notification (e.g. the subscriber's own Authorization). */
  headers: string[];
  heartbeatSeconds?: number;
  timeoutSeconds?: number;
  maxCount?: number;
}

export interface SubscriptionLimits extends TargetPolicy {
  minHeartbeatSeconds: number;
  maxTimeoutSeconds: number;
}

const MAX_HEADERS = 10;
const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*)$/;
/** Headers the delivery sets itself. */
const RESERVED_HEADERS = ['content-type', 'content-length', 'host', 'transfer-encoding', 'connection'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Extension {
  url?: unknown;
  [value: string]: unknown;
}

function extensions(holder: unknown): Extension[] {
  if (!isObject(holder) || !Array.isArray(holder.extension)) return [];
  return holder.extension.filter(isObject) as Extension[];
}

/**
 * SSRF guard of the rest-hook endpoint, as far as the URL shows (the shared outbound-http policy:
 * https unless allowed, no non-public address literal or localhost name unless its range is
 * allowed); the addresses its host resolves to are checked before each POST and at connect time.
 */
function endpointProblems(endpoint: string, policy: TargetPolicy): string[] {
  return urlProblems(endpoint, policy, 'channel.endpoint').map((p) =>
    p.code === 'credentials_in_url' ? `${p.message}; send them in channel.header` : p.message,
  );
}

export function parseSubscription(
  body: unknown,
  subscriber: FilterSubscriber,
  limits: SubscriptionLimits,
  now: Date,
): { spec?: SubscriptionSpec; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (field: string, code: string, message: string) => problems.push({ field, code, message });
  if (!isObject(body) || body.resourceType !== 'Subscription') {
    problem('Subscription', 'structure', 'The body must be a Subscription resource');
    return { problems };
  }
  if (body.status !== 'requested' && body.status !== 'active')
    problem(
      'Subscription.status',
      'required',
      'status is required: requested (the server activates it after the handshake)',
    );
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (reason === '' || reason.length > 500)
    problem('Subscription.reason', 'required', 'reason is required (up to 500 characters)');
  let end: Date | undefined;
  if (body.end !== undefined) {
    end = typeof body.end === 'string' ? new Date(body.end) : new Date(NaN);
    if (Number.isNaN(end.getTime()) || !/T.*(Z|[+-]\d{2}:\d{2})$/.test(String(body.end)))
      problem('Subscription.end', 'value', 'end is an instant with a time zone');
    else if (end <= now) problem('Subscription.end', 'value', 'end is in the past');
  }
  if (body.criteria !== REFERRAL_TASK_TOPIC)
    problem(
      'Subscription.criteria',
      'not-supported',
      `Unknown topic: criteria must be the SubscriptionTopic canonical ${REFERRAL_TASK_TOPIC}`,
    );
  const filters = parseFilters(body._criteria, subscriber, problem, problems);
  const channel = isObject(body.channel) ? body.channel : undefined;
  if (!channel) {
    problem('Subscription.channel', 'required', 'channel is required');
    return { problems };
  }
  if (channel.type !== 'rest-hook')
    problem('Subscription.channel.type', 'not-supported', 'Only the rest-hook channel type is supported');
  const endpoint = typeof channel.endpoint === 'string' ? channel.endpoint : '';
  if (endpoint === '') problem('Subscription.channel.endpoint', 'required', 'channel.endpoint is required');
  else
    for (const message of endpointProblems(endpoint, limits))
      problem('Subscription.channel.endpoint', 'value', message);
  if (channel.payload !== 'application/fhir+json')
    problem('Subscription.channel.payload', 'not-supported', 'channel.payload must be application/fhir+json');
  const content = extensions(channel._payload).filter((e) => e.url === BACKPORT_EXTENSIONS.payloadContent);
  if (content.length !== 1 || content[0]?.valueCode !== 'id-only')
    problem(
      'Subscription.channel.payload.extension',
      'not-supported',
      `Give one ${BACKPORT_EXTENSIONS.payloadContent} extension with valueCode id-only (the only content supported: notifications never carry patient data)`,
    );
  const headers = parseHeaders(channel.header, problem);
  const channelExt = extensions(channel);
  const number = (url: string, field: string, min: number, max: number, type: string) => {
    const found = channelExt.filter((e) => e.url === url);
    if (found.length === 0) return undefined;
    const value = found[0]?.[type];
    if (
      found.length > 1 ||
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < min ||
      value > max
    ) {
      problem(
        `Subscription.channel.extension('${url}')`,
        'value',
        `${field} is an integer from ${min} to ${max} (${type})`,
      );
      return undefined;
    }
    return value;
  };
  const heartbeatSeconds = number(
    BACKPORT_EXTENSIONS.heartbeatPeriod,
    'heartbeat-period',
    limits.minHeartbeatSeconds,
    86_400,
    'valueUnsignedInt',
  );
  const timeoutSeconds = number(
    BACKPORT_EXTENSIONS.timeout,
    'timeout',
    1,
    limits.maxTimeoutSeconds,
    'valueUnsignedInt',
  );
  const maxCount = number(BACKPORT_EXTENSIONS.maxCount, 'max-count', 1, 100, 'valuePositiveInt');
  if (problems.length > 0) return { problems };
  return {
    spec: {
      reason,
      ...(end ? { end } : {}),
      filters,
      endpoint,
      headers,
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(maxCount !== undefined ? { maxCount } : {}),
    },
    problems,
  };
}

function parseFilters(
  criteriaElement: unknown,
  subscriber: FilterSubscriber,
  problem: (field: string, code: string, message: string) => void,
  problems: FieldProblem[],
): SubscriptionSpec['filters'] {
  const filters: SubscriptionSpec['filters'] = [];
  extensions(criteriaElement).forEach((ext, i) => {
    const field = `Subscription.criteria.extension[${i}]`;
    if (ext.url !== BACKPORT_EXTENSIONS.filterCriteria) {
      problem(
        field,
        'not-supported',
        `Unsupported extension on criteria (supported: ${BACKPORT_EXTENSIONS.filterCriteria})`,
      );
      return;
    }
    if (typeof ext.valueString !== 'string') {
      problem(`${field}.valueString`, 'required', 'A filter criteria extension has a valueString');
      return;
    }
    const parsed = parseTaskFilter(ext.valueString, subscriber, `${field}.valueString`);
    problems.push(...parsed.problems);
    if (parsed.problems.length === 0) filters.push({ criteria: ext.valueString, filter: parsed.filter });
  });
  return filters;
}

function parseHeaders(
  value: unknown,
  problem: (field: string, code: string, message: string) => void,
): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_HEADERS) {
    problem(
      'Subscription.channel.header',
      'value',
      `channel.header is a list of up to ${MAX_HEADERS} "Name: value" strings`,
    );
    return [];
  }
  const headers: string[] = [];
  value.forEach((h, i) => {
    const match = typeof h === 'string' ? HEADER.exec(h) : null;
    if (!match?.[1])
      problem(`Subscription.channel.header[${i}]`, 'value', 'A header is "Name: value" on one line');
    else if (RESERVED_HEADERS.includes(match[1].toLowerCase()))
      problem(`Subscription.channel.header[${i}]`, 'not-supported', `${match[1]} is set by the server`);
    else headers.push(`${match[1]}: ${match[2] ?? ''}`);
  });
  return headers;
}
