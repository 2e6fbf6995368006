import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { jsonBody, setEntryEtag } from '../case-record-http';
import { ListMeasuresUseCase } from './list-measures/list-measures.use-case';
import { parseRecordMeasure, RecordMeasureSchema } from './record-measure/record-measure.request';
import { RecordMeasureUseCase } from './record-measure/record-measure.use-case';
import { toMeasureView, type WellbeingMeasureView } from './wellbeing-measure.view';
import type { MycawScores, Ons4Scores } from '../domain/wellbeing.rules';

const ALL_ROLES = ['referrer', 'link-worker', 'provider', 'ops'] as const;

/** Wellbeing measures: ONS4 and MYCaW, at baseline and follow-up. */
@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id/wellbeing-measures')
export class WellbeingController {
  constructor(
    private readonly record: RecordMeasureUseCase,
    private readonly list: ListMeasuresUseCase,
  ) {}

  @Post()
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Record a wellbeing measure (ons4 or mycaw; baseline or follow-up)',
    description:
      "ONS4 scores: lifeSatisfaction, worthwhile, happiness, anxiety (0-10). MYCaW: concern1 {description, score 0-6}, optional concern2, wellbeing 0-6. A malformed body (scores included) is 400 naming each field; takenAt in the future is 422. The latest ONS4 of each timepoint is also the referral's wellbeing (referral.completed, analytics).",
  })
  @ApiBody({ schema: RecordMeasureSchema as unknown as Record<string, unknown> })
  async create(
    @Param('id') referralId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: OperationalPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WellbeingMeasureView> {
    const body = parseRecordMeasure(jsonBody(request));
    const measure = await this.record.execute({
      referralId,
      actor: principal,
      instrument: body.instrument,
      timepoint: body.timepoint,
      takenAt: new Date(body.takenAt),
      // Checked against the instrument's scores schema by parseRecordMeasure.
      scores: body.scores as unknown as Ons4Scores | MycawScores,
    });
    response.status(201);
    setEntryEtag(response, measure);
    return toMeasureView(measure);
  }

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: "The case's wellbeing measures in the order taken" })
  async all(
    @Param('id') referralId: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<{ items: WellbeingMeasureView[] }> {
    return { items: (await this.list.execute(referralId, principal)).map(toMeasureView) };
  }
}
