import { Type, type Static } from '@sinclair/typebox';
import { CAPACITY_STATUSES, StringEnum } from '@sp/contracts';
import { schemaValidator } from '@sp/validation';

/**
 * A declaration of capacity: HSDS 3.1 service_capacity (unit, maximum, description) plus the Gravity
 * capacity status. `available` is not declared: it is derived (maximum minus live caseload).
 */
export const DeclareCapacityRequestSchema = Type.Object(
  {
    status: StringEnum(CAPACITY_STATUSES, { description: 'Gravity capacity status as declared' }),
    unit: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9._-]{1,64}$',
        description: 'What is counted, e.g. places (default)',
      }),
    ),
    maximum: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100000,
        description: 'Maximum caseload (HSDS service_capacity.maximum)',
      }),
    ),
    description: Type.Optional(
      Type.String({ maxLength: 500, description: 'HSDS service_capacity.description' }),
    ),
    typicalWaitDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 730,
        description: 'Typical wait when full, used until there is completion throughput to estimate from',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DeclareCapacityRequest = Static<typeof DeclareCapacityRequestSchema>;

export const declareCapacityValidator = schemaValidator(DeclareCapacityRequestSchema);
