import { Type } from '@sinclair/typebox';

/** Daily digest settings; spread into ServiceConfigSchema. */
export const DigestConfigProperties = {
  DIGEST_CRON: Type.String({
    default: '0 7 * * *',
    minLength: 9,
    description:
      'When the daily digest goes to organisations that chose it (cron, Europe/London; default 07:00 every day)',
  }),
};
