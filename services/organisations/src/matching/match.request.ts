import { Type, type Static } from '@sinclair/typebox';
import { Code } from '@sp/contracts';
import { ValidationError } from '@sp/errors';
import { schemaValidator } from '@sp/validation';

export const MatchRequestSchema = Type.Object(
  {
    needs: Type.Array(Code('Taxonomy term id of a need'), {
      minItems: 1,
      maxItems: 20,
      description: 'Needs to meet (taxonomy term ids)',
    }),
    postcode: Type.Optional(
      Type.String({ minLength: 1, maxLength: 16, description: 'UK postcode of the person' }),
    ),
    location: Type.Optional(
      Type.Object(
        {
          latitude: Type.Number({ minimum: -90, maximum: 90 }),
          longitude: Type.Number({ minimum: -180, maximum: 180 }),
        },
        { additionalProperties: false },
      ),
    ),
    age: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
    language: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'ISO 639 code' }),
    ),
    radiusKm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 500, default: 25 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type MatchRequest = Static<typeof MatchRequestSchema>;

const validator = schemaValidator(MatchRequestSchema);

export function parseMatchRequest(body: unknown): MatchRequest {
  const request = validator.parse(body, 'The match request is invalid');
  if (request.postcode === undefined && request.location === undefined) {
    throw new ValidationError('The match request is invalid', [
      { field: 'postcode', code: 'required', message: 'give a postcode or a location' },
    ]);
  }
  if (request.postcode !== undefined && request.location !== undefined) {
    throw new ValidationError('The match request is invalid', [
      { field: 'location', code: 'conflict', message: 'give a postcode or a location, not both' },
    ]);
  }
  return request;
}
