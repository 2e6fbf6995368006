import { applyDecorators, Get } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotAcceptableResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ROLES, Roles } from '@sp/identity';
import { PROBLEM_CONTENT_TYPE } from '@sp/service-kit';
import { GROUP_BY_KEYS } from '../domain';
import { REPORT_NAMES } from '../run-report/run-report.use-case';
import { CSV_TYPE, JSON_TYPE } from './report-response';

const ROW_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['group', 'measures', 'suppressed'],
  properties: {
    group: {
      type: 'object',
      description: "The row's value of each groupBy key ('unknown' where a referral has none)",
      additionalProperties: { type: 'string' },
    },
    measures: {
      type: 'object',
      description: 'Measure name → figure; null when suppressed or undefined (no denominator)',
      additionalProperties: { type: 'number', nullable: true },
    },
    suppressed: {
      type: 'array',
      items: { type: 'string' },
      description: 'Measures withheld by small-number suppression (a count of 1 to 4, or built on one)',
    },
  },
};

const REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['report', 'period', 'groupBy', 'suppression', 'rows', 'total'],
  properties: {
    report: { type: 'string', enum: [...REPORT_NAMES] },
    period: {
      type: 'object',
      description: 'The period [from, to) in UTC',
      properties: {
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
      },
    },
    groupBy: { type: 'array', items: { type: 'string', enum: [...GROUP_BY_KEYS] } },
    suppression: {
      type: 'string',
      enum: ['applied', 'none'],
      description: "'none' for ops (exact figures), 'applied' for everyone else",
    },
    rows: { type: 'array', items: ROW_SCHEMA },
    total: ROW_SCHEMA,
    notes: { type: 'array', items: { type: 'string' } },
  },
};

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'instance'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', example: 'VALIDATION.FAILED' },
    errors: {
      type: 'array',
      description: 'One entry per problem; `field` names the query parameter',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
    correlationId: { type: 'string' },
    instance: { type: 'string' },
  },
};

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } },
});

const list = (description: string) => ({
  required: false,
  isArray: true,
  type: String,
  style: 'form' as const,
  explode: true,
  description: `${description}; repeat the parameter or separate values with commas`,
});

/**
 * Everything a report endpoint declares: GET, any authenticated role (the scope resolver refuses a
 * caller with no scope), the query parameters, JSON and CSV responses, the 400/403/406 problems.
 */
export function ReportEndpoint(summary: string, description: string): MethodDecorator {
  return applyDecorators(
    Get(),
    Roles(...ROLES),
    ApiOperation({ summary, description }),
    ApiQuery({
      name: 'from',
      required: false,
      type: String,
      description:
        'Start of the period, inclusive: YYYY-MM-DD or ISO date-time (UTC). Default: `to` minus 12 months',
    }),
    ApiQuery({
      name: 'to',
      required: false,
      type: String,
      description:
        'End of the period, exclusive: YYYY-MM-DD or ISO date-time (UTC). Default: now. At most 5 years after `from`',
    }),
    ApiQuery({
      name: 'groupBy',
      required: false,
      isArray: true,
      enum: [...GROUP_BY_KEYS],
      style: 'form',
      explode: true,
      description: 'Group rows by these keys (repeat or separate with commas); none: totals only',
    }),
    ApiQuery({ name: 'practice', ...list('Narrow to these referring practices (ODS codes)') }),
    ApiQuery({ name: 'pcn', ...list('Narrow to the practices of these PCNs (PCN codes)') }),
    ApiQuery({ name: 'icb', ...list('Narrow to the practices of these ICBs (ICB codes)') }),
    ApiQuery({ name: 'organisation', ...list('Narrow to these organisations (directory ids)') }),
    ApiProduces(JSON_TYPE, CSV_TYPE),
    ApiOkResponse({
      description:
        'The report. JSON by default; `Accept: text/csv` gives RFC 4180 CSV (header: group keys then ' +
        "measures; suppressed cells '*'; a total row) as an attachment",
      content: {
        [JSON_TYPE]: { schema: REPORT_SCHEMA },
        [CSV_TYPE]: { schema: { type: 'string' } },
      },
    }),
    ApiBadRequestResponse(
      problem(
        'Invalid query: one error per bad parameter (unknown groupBy, from after to, over 5 years, bad date)',
      ),
    ),
    ApiUnauthorizedResponse(problem('No valid bearer token')),
    ApiForbiddenResponse(
      problem(
        'The caller has no reporting scope, or a narrowing parameter asks for data outside it (named in errors)',
      ),
    ),
    ApiNotAcceptableResponse(problem('Accept allows neither application/json nor text/csv')),
  );
}

/** Tags and bearer auth of every report controller. */
export function ReportController(): ClassDecorator {
  return applyDecorators(ApiTags('reports'), ApiBearerAuth());
}
