import { Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { ifMatchVersion, jsonBody, setEntryEtag } from '../case-record-http';
import { AddNoteUseCase } from './add-note/add-note.use-case';
import { noteRequest, NoteRequestSchema } from './add-note/note.request';
import { DeleteNoteUseCase } from './delete-note/delete-note.use-case';
import { EditNoteUseCase } from './edit-note/edit-note.use-case';
import { ListNotesUseCase } from './list-notes/list-notes.use-case';
import { toNoteView, type CaseNoteView } from './note.view';

const ALL_ROLES = ['referrer', 'link-worker', 'provider', 'ops'] as const;

/** Case notes: add, list, edit, delete (author or team lead). Never on Kafka, in notifications or logs. */
@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id/notes')
export class NotesController {
  constructor(
    private readonly add: AddNoteUseCase,
    private readonly list: ListNotesUseCase,
    private readonly edit: EditNoteUseCase,
    private readonly remove: DeleteNoteUseCase,
  ) {}

  @Post()
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Add a case note (the organisation holding the referral)' })
  @ApiBody({ schema: NoteRequestSchema as unknown as Record<string, unknown> })
  async create(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseNoteView> {
    const body = noteRequest.parse(jsonBody(request));
    const note = await this.add.execute({ referralId, actor: principal, text: body.text });
    response.status(201);
    response.setHeader('Location', `/v1/referrals/${referralId}/notes/${note._id}`);
    setEntryEtag(response, note);
    return toNoteView(note);
  }

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "The referral's case notes, oldest first (deleted ones not shown)" })
  async all(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<{ items: CaseNoteView[] }> {
    return { items: (await this.list.execute(referralId, principal)).map(toNoteView) };
  }

  @Patch(':noteId')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "Change a note's text (its author or a team lead; If-Match, 412 when stale)" })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: NoteRequestSchema as unknown as Record<string, unknown> })
  async update(
    @Param('id') referralId: string,
    @Param('noteId') noteId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseNoteView> {
    const body = noteRequest.parse(jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const note = await this.edit.execute({
      referralId,
      noteId,
      actor: principal,
      text: body.text,
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
    setEntryEtag(response, note);
    return toNoteView(note);
  }

  @Delete(':noteId')
  @HttpCode(204)
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Delete a note (kept for audit, never shown again; author or team lead)' })
  @ApiHeader({ name: 'If-Match', required: false })
  async delete(
    @Param('id') referralId: string,
    @Param('noteId') noteId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    const version = ifMatchVersion(ifMatch);
    await this.remove.execute({
      referralId,
      noteId,
      actor: principal,
      ...(version !== undefined ? { expectedVersion: version } : {}),
    });
  }
}
