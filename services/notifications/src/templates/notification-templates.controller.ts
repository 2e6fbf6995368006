import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, ValidationError } from '@sp/errors';
import { Roles } from '@sp/identity';
import { TemplateError, type RenderedEmail } from './domain/template';
import { previewTemplateBody } from './preview-template/preview-template.request';
import { TemplateRegistry, type TemplateSummary } from './template.registry';

/** The versioned email templates, and a preview of any version with given personalisation. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notification-templates')
export class NotificationTemplatesController {
  constructor(private readonly templates: TemplateRegistry) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: 'Every email template, its versions and the personalisation each needs' })
  list(): { items: TemplateSummary[] } {
    return { items: this.templates.list() };
  }

  @Post(':name/preview')
  @HttpCode(200)
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      'Renders a template version (default the latest): subject, text and HTML; 422 names each missing personalisation field',
  })
  preview(@Param('name') name: string, @Body() raw: unknown): RenderedEmail {
    const body = previewTemplateBody.parse(raw);
    try {
      return this.templates.render(name, body.personalisation, body.version);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      if (error.code === 'TEMPLATE.PERSONALISATION_MISSING') {
        throw new ValidationError(
          error.message,
          error.missing.map((field) => ({
            field: `personalisation.${field}`,
            code: 'required',
            message: `personalisation.${field} is required by ${name}`,
          })),
          { status: 422 },
        );
      }
      throw new DomainError('TEMPLATE.NOT_FOUND', error.message, { status: 404 });
    }
  }
}
