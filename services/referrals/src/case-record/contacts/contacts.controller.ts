import { Controller, Get, Headers, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { ifMatchVersion, jsonBody, setEntryEtag } from '../case-record-http';
import { toContactView, type CaseContactView } from './contact.view';
import { CorrectContactUseCase } from './correct-contact/correct-contact.use-case';
import { ListContactsUseCase } from './list-contacts/list-contacts.use-case';
import {
  correctContactRequest,
  CorrectContactRequestSchema,
  recordContactRequest,
  RecordContactRequestSchema,
} from './record-contact/contact.request';
import { RecordContactUseCase } from './record-contact/record-contact.use-case';

/** Contacts with the patient (case record): record, list, correct. */
@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id/contacts')
export class ContactsController {
  constructor(
    private readonly record: RecordContactUseCase,
    private readonly list: ListContactsUseCase,
    private readonly correct: CorrectContactUseCase,
  ) {}

  @Post()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Record a contact (or attempt) with the patient',
    description:
      'Only the organisation holding the referral (403 CASE_RECORD.FORBIDDEN for the referrer, 404 for anyone else; 409 CASE_RECORD.READ_ONLY after consent withdrawal). ' +
      "`at` may not be in the future nor before the referral was submitted (422 naming it). The first contact with outcome `reached` sets the referral's first-contact time and publishes referral.first-contact-made.",
  })
  @ApiBody({ schema: RecordContactRequestSchema as unknown as Record<string, unknown> })
  async create(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseContactView> {
    const body = recordContactRequest.parse(jsonBody(request));
    const contact = await this.record.execute({
      referralId,
      actor: principal,
      at: new Date(body.at),
      method: body.method,
      outcome: body.outcome,
      ...(body.summary !== undefined ? { summary: body.summary } : {}),
    });
    response.status(201);
    response.setHeader('Location', `/v1/referrals/${referralId}/contacts/${contact._id}`);
    setEntryEtag(response, contact);
    return toContactView(contact);
  }

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "The referral's contacts, oldest first" })
  async all(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<{ items: CaseContactView[] }> {
    const contacts = await this.list.execute(referralId, principal);
    return { items: contacts.map(toContactView) };
  }

  @Patch(':contactId')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Correct a contact (its author or a team lead)',
    description:
      'Send If-Match with the ETag you read (412 if the contact changed since). A correction never moves the first-contact time nor publishes again.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ schema: CorrectContactRequestSchema as unknown as Record<string, unknown> })
  async update(
    @Param('id') referralId: string,
    @Param('contactId') contactId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseContactView> {
    const body = correctContactRequest.parse(jsonBody(request));
    const version = ifMatchVersion(ifMatch);
    const contact = await this.correct.execute({
      referralId,
      contactId,
      actor: principal,
      ...(version !== undefined ? { expectedVersion: version } : {}),
      ...(body.at !== undefined ? { at: new Date(body.at) } : {}),
      ...(body.method !== undefined ? { method: body.method } : {}),
      ...(body.outcome !== undefined ? { outcome: body.outcome } : {}),
      ...(body.summary !== undefined ? { summary: body.summary } : {}),
    });
    setEntryEtag(response, contact);
    return toContactView(contact);
  }
}
