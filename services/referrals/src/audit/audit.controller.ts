import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';
import { Roles } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { AuditLogRepository, type AuditDocument } from './audit-log.repository';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
const AuditQuerySchema = Type.Object(
  {
    referralId: Type.Optional(Id),
    organisationId: Type.Optional(Id),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
    size: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$' })),
  },
  { additionalProperties: false },
);
const validator = schemaValidator(AuditQuerySchema);

interface AuditView {
  at: string;
  actor: AuditDocument['actor'];
  organisationId: string;
  action: string;
  referralId: string;
  outcome: string;
  code?: string;
  /** Why patient data was read, when the reader must say (e.g. patient-notification). */
  purpose?: string;
  correlationId?: string;
}

/** The audit log of patient-data reads and writes, for operations staff only. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLogRepository) {}

  @Get()
  @Roles('ops')
  @ApiOperation({
    summary: 'Query the audit log (ops only)',
    description:
      'Every read and write of referral patient data: actor, organisation, action, referral, time, outcome (and the purpose of a read that must state one).',
  })
  @ApiQuery({ name: 'referralId', required: false })
  @ApiQuery({ name: 'organisationId', required: false, description: 'The acting organisation' })
  @ApiQuery({ name: 'from', required: false, description: 'Inclusive, RFC 3339' })
  @ApiQuery({ name: 'to', required: false, description: 'Exclusive, RFC 3339' })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'size', required: false, description: '1-500, default 100' })
  async query(
    @Query() raw: unknown,
  ): Promise<{ items: AuditView[]; page: number; size: number; total: number; totalPages: number }> {
    const q = validator.parse(raw);
    const page = Number(q.page ?? '1');
    const size = Number(q.size ?? '100');
    const { total, items } = await this.audit.query({
      ...(q.referralId ? { referralId: q.referralId } : {}),
      ...(q.organisationId ? { organisationId: q.organisationId } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      limit: size,
      offset: (page - 1) * size,
    });
    return {
      items: items.map((e) => ({
        at: e.at.toISOString(),
        actor: e.actor,
        organisationId: e.organisationId,
        action: e.action,
        referralId: e.referralId,
        outcome: e.outcome,
        ...(e.code ? { code: e.code } : {}),
        ...(e.purpose ? { purpose: e.purpose } : {}),
        ...(e.correlationId ? { correlationId: e.correlationId } : {}),
      })),
      page,
      size,
      total,
      totalPages: Math.ceil(total / size),
    };
  }
}
