import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Patch,
  Put,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, isDomainError } from '@sp/errors';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import type { ReferralDocument } from '../referrals/referral.entity';
import {
  REFERRAL_OPERATIONS,
  type ReferralOperations,
  type ReferralPage,
} from '../referrals/referral-operations';
import {
  fhirBase,
  FhirHttpInterceptor,
  parseIfMatch,
  preferredBody,
  returnPreference,
  setVersionHeaders,
} from './fhir-http';
import { isObject } from './fhir-json';
import type { Bundle, OperationOutcome, Task } from './fhir.types';
import { applyPatch, parsePatch } from './json-patch';
import { taskAtVersion, toTask, weakEtag } from './referral-to-fhir';
import { matchesSearch, parseTaskSearch, searchsetBundle } from './task-search';
import { WRITABLE_TASK_ELEMENTS } from './task-update';
import { FhirTaskUpdater } from './task-updater';

const PREFER = 'return=representation (default: the Task) | minimal (no body) | OperationOutcome';

function updatedMessage(task: Task): string {
  return `Task/${task.id} is at version ${task.meta?.versionId ?? '?'} (status ${task.status})`;
}

@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/Task')
@UseInterceptors(FhirHttpInterceptor)
export class TaskController {
  constructor(
    @Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations,
    private readonly updater: FhirTaskUpdater,
  ) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Search Tasks (owner, owner:missing, requester, status, focus, part-of, _lastUpdated, _count, _offset, _include=Task:focus|Task:patient)',
    description:
      'Poll with Task?owner=<org>&_lastUpdated=gt<time> (receiver) or Task?requester=<org>&... (referrer); Task?owner:missing=true lists open referrals (Gravity).',
  })
  async search(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
  ): Promise<Bundle> {
    const parsed = parseTaskSearch(query);
    let page: ReferralPage;
    if (parsed.focusId !== undefined) {
      const doc = await this.readIfVisible(parsed.focusId, principal);
      const items = doc && matchesSearch(doc, parsed.search) ? [doc] : [];
      page = {
        total: items.length,
        items: items.slice(parsed.search.offset, parsed.search.offset + parsed.search.count),
      };
    } else {
      page = await this.operations.search(parsed.search, principal);
    }
    return searchsetBundle(fhirBase(req), query, parsed, page);
  }

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Read a referral\'s Task (ETag W/"versionId")' })
  async read(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Task> {
    const doc = await this.operations.get(id, principal);
    setVersionHeaders(res, doc);
    return toTask(doc);
  }

  @Get(':id/_history')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Every version of the Task: who changed what, when and why (newest first)' })
  async history(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
  ): Promise<Bundle> {
    const doc = await this.operations.get(id, principal);
    const base = fhirBase(req);
    const entries = [...doc.history].sort((a, b) => b.version - a.version);
    return {
      resourceType: 'Bundle',
      type: 'history',
      total: entries.length,
      link: [{ relation: 'self', url: `${base}/Task/${doc._id}/_history` }],
      entry: entries.map((h) => ({
        fullUrl: `${base}/Task/${doc._id}`,
        resource: taskAtVersion(doc, h),
        request:
          h.version === 1 ? { method: 'POST', url: 'Task' } : { method: 'PATCH', url: `Task/${doc._id}` },
        response: {
          status: h.version === 1 ? '201 Created' : '200 OK',
          etag: weakEtag(h.version),
          lastModified: h.at.toISOString(),
        },
      })),
    };
  }

  @Get(':id/_history/:vid')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'One version of the Task (vread)' })
  async vread(
    @Param('id') id: string,
    @Param('vid') vid: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Task> {
    const doc = await this.operations.get(id, principal);
    const entry = doc.history.find((h) => String(h.version) === vid);
    if (!entry)
      throw new DomainError('FHIR.VERSION_NOT_FOUND', `Task/${id} has no version ${vid}`, { status: 404 });
    res.setHeader('ETag', weakEtag(entry.version));
    res.setHeader('Last-Modified', entry.at.toUTCString());
    return taskAtVersion(doc, entry);
  }

  @Patch(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Change the status (JSON Patch on status, statusReason, output, contained Procedures; owner + status accepted claims an open referral)',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'W/"<versionId>"; 412 when stale' })
  @ApiHeader({ name: 'Prefer', required: false, description: PREFER })
  async patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Task | OperationOutcome | undefined> {
    const expected = parseIfMatch(ifMatch);
    const ops = parsePatch(body, 'Task', WRITABLE_TASK_ELEMENTS);
    const doc = await this.updater.current(id, principal, expected);
    const patched = applyPatch(toTask(doc) as unknown as Record<string, unknown>, ops, 'Task');
    const task = await this.apply(doc, patched, 'patch', principal, req, res);
    return preferredBody(res, returnPreference(prefer), task, updatedMessage(task));
  }

  @Put(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Replace the Task (only status, statusReason, output with contained Procedures, and a claiming owner may differ); If-Match required',
  })
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'W/"<versionId>"; 428 when missing, 412 when stale',
  })
  @ApiHeader({ name: 'Prefer', required: false, description: PREFER })
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Task | OperationOutcome | undefined> {
    const expected = parseIfMatch(ifMatch);
    if (expected === undefined)
      throw new DomainError(
        'FHIR.PRECONDITION_REQUIRED',
        'Send If-Match: W/"<versionId>" of the Task you read',
        {
          status: 428,
        },
      );
    if (!isObject(body))
      throw new DomainError('VALIDATION.FAILED', 'The body must be a Task', {
        status: 400,
        problems: [{ field: 'Task', code: 'structure', message: 'The body must be a Task' }],
      });
    const doc = await this.updater.current(id, principal, expected);
    const task = await this.apply(doc, body, 'put', principal, req, res);
    return preferredBody(res, returnPreference(prefer), task, updatedMessage(task));
  }

  /** The planned change made, with the new version's ETag, Last-Modified and Location. */
  private async apply(
    doc: ReferralDocument,
    updated: Record<string, unknown>,
    mode: 'patch' | 'put',
    principal: OperationalPrincipal,
    req: Request,
    res: Response,
  ): Promise<Task> {
    const result = await this.updater.apply(doc, updated, mode, principal);
    setVersionHeaders(res, result);
    res.setHeader('Location', `${fhirBase(req)}/Task/${result._id}/_history/${result.version}`);
    return toTask(result);
  }

  /** Search semantics for focus=: a referral the caller may not see is simply not in the results. */
  private async readIfVisible(
    id: string,
    principal: OperationalPrincipal,
  ): Promise<ReferralDocument | undefined> {
    try {
      return await this.operations.get(id, principal);
    } catch (err: unknown) {
      if (isDomainError(err) && (err.status === 404 || err.status === 403)) return undefined;
      throw err;
    }
  }
}
