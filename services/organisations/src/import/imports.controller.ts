import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import type { ImportReport } from './import-runner';
import { ImportRepository, type ImportDocument, type QuarantineDocument } from './import.repository';
import { StartImportUseCase } from './start-import.use-case';
import { actingPerson, type ActingPerson } from '../audit/acting-person';

/** The route whose body the service kit leaves unparsed (add to ServiceKitModule.forRoot). */
export const IMPORT_STREAMED_ROUTES = ['POST /v1/directory/imports'];

interface Page<T> {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
}

type ImportView = ImportReport & {
  requestedBy: string;
  requestedByPerson?: ActingPerson;
  runner: 'service' | 'cli';
  source: ImportDocument['source'];
};

type QuarantineView = Omit<QuarantineDocument, '_id' | 'importId'>;

@ApiTags('directory-imports')
@ApiBearerAuth()
@Controller('v1/directory/imports')
export class ImportsController {
  constructor(
    private readonly startImport: StartImportUseCase,
    private readonly imports: ImportRepository,
  ) {}

  @Post()
  @Roles('ops')
  @HttpCode(202)
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiOperation({
    summary: 'Bulk import HSDS 3.0 services (ops)',
    description:
      'Body: a JSON array of services in the nested HSDS 3.0 API shape (organization, service_at_locations[].location, ' +
      'attributes[].taxonomy_term...) or NDJSON, one such service per line; any size (streamed, not held in memory). ' +
      'Upserts by id (a second import of the same data reports unchanged); bad records are quarantined with reasons and ' +
      'never written. Answers 202 with the import id; follow Location for progress and the report.',
  })
  async create(
    @Req() request: Request,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ importId: string; status: string; location: string }> {
    const person = actingPerson(principal);
    const report = await this.startImport.execute({
      body: request,
      contentType: request.headers['content-type'],
      requestedBy: principal.clientId,
      ...(person ? { requestedByPerson: person } : {}),
    });
    const location = `/v1/directory/imports/${report.importId}`;
    response.setHeader('Location', location);
    return { importId: report.importId, status: report.status, location };
  }

  @Get()
  @Roles('ops')
  @ApiOperation({ summary: 'Imports, newest first (ops)' })
  async list(@Query('page') pageText?: string, @Query('size') sizeText?: string): Promise<Page<ImportView>> {
    const { page, size } = paging(pageText, sizeText, 20);
    const { items, total } = await this.imports.list(size, (page - 1) * size);
    return toPage(items.map(importView), total, page, size);
  }

  @Get(':id')
  @Roles('ops')
  @ApiOperation({
    summary: 'Progress and report of one import, with its quarantined records paged (ops)',
    description:
      '`page` and `size` page the `quarantined` list (each record with its table, id, input position and reasons).',
  })
  async get(
    @Param('id') id: string,
    @Query('page') pageText?: string,
    @Query('size') sizeText?: string,
  ): Promise<ImportView & { quarantined: Page<QuarantineView> }> {
    const { page, size } = paging(pageText, sizeText, 100);
    const found = await this.imports.find(id);
    if (!found) throw new DomainError('IMPORT.NOT_FOUND', `Import ${id} not found`, { status: 404 });
    const { items, total } = await this.imports.quarantinePage(id, size, (page - 1) * size);
    const quarantined = items.map(({ _id: _ignored, importId: _import, ...entry }) => entry);
    return { ...importView(found), quarantined: toPage(quarantined, total, page, size) };
  }
}

function importView(doc: ImportDocument): ImportView {
  const { _id: _ignored, ...view } = doc;
  return view;
}

function toPage<T>(contents: T[], total: number, page: number, size: number): Page<T> {
  const totalPages = Math.max(1, Math.ceil(total / size));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

function paging(
  pageText: string | undefined,
  sizeText: string | undefined,
  defaultSize: number,
): { page: number; size: number } {
  const problems: Array<{ field: string; code: string; message: string }> = [];
  const parse = (field: string, text: string | undefined, fallback: number, max: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push({ field, code: 'invalid', message: `${field} must be an integer from 1 to ${max}` });
      return fallback;
    }
    return value;
  };
  const page = parse('page', pageText, 1, 1_000_000);
  const size = parse('size', sizeText, defaultSize, 500);
  if (problems.length > 0) {
    throw new DomainError('VALIDATION.FAILED', 'Invalid query parameter', { status: 400, problems });
  }
  return { page, size };
}
