import { Type } from '@sinclair/typebox';

/** Email template settings; spread into ServiceConfigSchema. */
export const TemplatesConfigProperties = {
  TEMPLATES_DIR: Type.String({
    default: '',
    description:
      'Directory of the versioned email templates (<name>/v<N>.subject.txt, .text.txt, .html); empty: the templates the service ships (services/notifications/templates)',
  }),
  PORTAL_BASE_URL: Type.String({
    default: 'http://127.0.0.1:3001',
    format: 'uri',
    pattern: '^https?://',
    description:
      'Base of the links in emails: `<PORTAL_BASE_URL>/v1/referrals/<id>` (the referrals API locally; a portal in production)',
  }),
};
