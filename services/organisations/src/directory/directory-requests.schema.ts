import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { ORGANISATION_KINDS } from '../hsds/domain/hsds-record';

// Management request bodies: HSDS 3.0 objects (snake_case HSDS field names) reduced to what a
// directory editor sets, plus a few platform fields (`kind`, `ods_code`, `charity_number`).
// Unknown fields are refused. Nested objects may carry their own id; otherwise a stable id is
// derived from the parent id and position, so sending the same body twice changes nothing.

const strict = <T extends TProperties>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

const RecordId = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,64}$',
  description: 'HSDS id (UUID recommended)',
});
const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Email = Type.String({ format: 'email', maxLength: 254 });
const Url = Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' });

export const PhoneBody = strict({
  id: Type.Optional(RecordId),
  number: Text(50),
  extension: Type.Optional(Text(20)),
  type: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: ['text', 'voice', 'fax', 'cell', 'video', 'pager', 'textphone'],
    }),
  ),
  description: Type.Optional(Text(500)),
});

export const ContactBody = strict({
  id: Type.Optional(RecordId),
  name: Type.Optional(Text(200)),
  title: Type.Optional(Text(200)),
  department: Type.Optional(Text(200)),
  email: Type.Optional(Email),
  phones: Type.Optional(Type.Array(PhoneBody, { maxItems: 10 })),
});

export const ScheduleBody = strict({
  id: Type.Optional(RecordId),
  description: Type.Optional(Text(1000)),
  freq: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['WEEKLY', 'MONTHLY'] })),
  byday: Type.Optional(Type.String({ pattern: '^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$' })),
  opens_at: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM' })),
  closes_at: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM' })),
  valid_from: Type.Optional(Type.String({ format: 'date' })),
  valid_to: Type.Optional(Type.String({ format: 'date' })),
  attending_type: Type.Optional(Text(100)),
  notes: Type.Optional(Text(1000)),
});

export const ServiceAreaBody = strict({
  id: Type.Optional(RecordId),
  name: Type.Optional(Text(200)),
  description: Type.Optional(Text(1000)),
  extent: Type.Optional(Text(10000)),
  extent_type: Type.Optional(
    Type.Unsafe<string>({ type: 'string', enum: ['geojson', 'topojson', 'kml', 'text'] }),
  ),
  uri: Type.Optional(Url),
});

export const LanguageBody = strict({
  id: Type.Optional(RecordId),
  code: Type.String({ description: 'ISO 639 code, optionally with a subtag (en, pl, pa, zh-Hant)' }),
  name: Type.Optional(Text(100)),
  note: Type.Optional(Text(500)),
});

export const AttributeBody = strict({
  id: Type.Optional(RecordId),
  taxonomy_term_id: RecordId,
  value: Type.Optional(Text(500)),
});

export const AddressBody = strict({
  id: Type.Optional(RecordId),
  attention: Type.Optional(Text(200)),
  address_1: Text(200),
  address_2: Type.Optional(Text(200)),
  city: Text(100),
  region: Type.Optional(Text(100)),
  state_province: Text(100, 'County or region (HSDS requires it)'),
  postal_code: Text(10),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. GB' }),
  address_type: Type.Unsafe<string>({ type: 'string', enum: ['physical', 'postal', 'virtual'] }),
});

const organisationFields = {
  name: Text(200),
  alternate_name: Type.Optional(Text(200)),
  description: Text(5000),
  email: Type.Optional(Email),
  website: Type.Optional(Url),
  kind: Type.Unsafe<(typeof ORGANISATION_KINDS)[number]>({
    type: 'string',
    enum: [...ORGANISATION_KINDS],
    description: 'Platform: GP practice, link-worker service or VCS organisation',
  }),
  ods_code: Type.Optional(
    Type.String({ pattern: '^[A-Z0-9]{3,10}$', description: 'Platform: NHS ODS code' }),
  ),
  charity_number: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9-]{4,20}$', description: 'Platform: registered charity number' }),
  ),
  phones: Type.Optional(Type.Array(PhoneBody, { maxItems: 20 })),
  contacts: Type.Optional(Type.Array(ContactBody, { maxItems: 20 })),
};

export const RegisterOrganisationBody = strict({ id: Type.Optional(RecordId), ...organisationFields });
export type RegisterOrganisationBody = Static<typeof RegisterOrganisationBody>;

export const UpdateOrganisationBody = strict({
  ...organisationFields,
  kind: Type.Optional(organisationFields.kind),
});
export type UpdateOrganisationBody = Static<typeof UpdateOrganisationBody>;

export const SuspendOrganisationBody = strict({
  reasonCode: Type.String({
    pattern: '^[A-Za-z0-9.:_-]{1,64}$',
    description: 'Coded reason, e.g. safeguarding-concern',
  }),
});
export const EmptyBody = strict({});

const serviceFields = {
  organization_id: RecordId,
  name: Text(200),
  alternate_name: Type.Optional(Text(200)),
  description: Type.Optional(Text(5000)),
  // Required: the Open Referral UK profile the directory publishes requires `service.url`.
  url: Url,
  email: Type.Optional(Email),
  status: Type.Unsafe<string>({
    type: 'string',
    enum: ['active', 'inactive', 'defunct', 'temporarily closed'],
  }),
  interpretation_services: Type.Optional(Text(500)),
  application_process: Type.Optional(Text(2000)),
  fees_description: Type.Optional(Text(1000)),
  wait_time: Type.Optional(Text(200)),
  eligibility_description: Type.Optional(Text(2000)),
  minimum_age: Type.Optional(Type.Number()),
  maximum_age: Type.Optional(Type.Number()),
  alert: Type.Optional(Text(1000)),
  attributes: Type.Optional(Type.Array(AttributeBody, { maxItems: 100 })),
  languages: Type.Optional(Type.Array(LanguageBody, { maxItems: 50 })),
  phones: Type.Optional(Type.Array(PhoneBody, { maxItems: 20 })),
  contacts: Type.Optional(Type.Array(ContactBody, { maxItems: 20 })),
  schedules: Type.Optional(Type.Array(ScheduleBody, { maxItems: 50 })),
  service_areas: Type.Optional(Type.Array(ServiceAreaBody, { maxItems: 50 })),
};

export const PublishServiceBody = strict({ id: Type.Optional(RecordId), ...serviceFields });
export type PublishServiceBody = Static<typeof PublishServiceBody>;
export const UpdateServiceBody = strict(serviceFields);
export type UpdateServiceBody = Static<typeof UpdateServiceBody>;

const locationFields = {
  organization_id: RecordId,
  location_type: Type.Unsafe<string>({ type: 'string', enum: ['physical', 'postal', 'virtual'] }),
  url: Type.Optional(Url),
  name: Type.Optional(Text(200)),
  alternate_name: Type.Optional(Text(200)),
  description: Type.Optional(Text(2000)),
  transportation: Type.Optional(Text(1000)),
  latitude: Type.Optional(Type.Number()),
  longitude: Type.Optional(Type.Number()),
  addresses: Type.Optional(Type.Array(AddressBody, { maxItems: 5 })),
  phones: Type.Optional(Type.Array(PhoneBody, { maxItems: 20 })),
  schedules: Type.Optional(Type.Array(ScheduleBody, { maxItems: 50 })),
  languages: Type.Optional(Type.Array(LanguageBody, { maxItems: 50 })),
};

export const CreateLocationBody = strict({ id: Type.Optional(RecordId), ...locationFields });
export type CreateLocationBody = Static<typeof CreateLocationBody>;
export const UpdateLocationBody = strict(locationFields);
export type UpdateLocationBody = Static<typeof UpdateLocationBody>;

export const LinkServiceAtLocationBody = strict({
  id: Type.Optional(RecordId),
  service_id: RecordId,
  location_id: RecordId,
  description: Type.Optional(Text(1000)),
});
export type LinkServiceAtLocationBody = Static<typeof LinkServiceAtLocationBody>;
