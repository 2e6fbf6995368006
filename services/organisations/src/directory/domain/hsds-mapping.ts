import type { HsdsRecord } from '../../hsds/hsds-store.port';
import { CHARITY_IDENTIFIER_SCHEME, ODS_IDENTIFIER_SCHEME } from '../../hsds/domain/hsds-record';
import { derivedUuid } from '../../hsds/domain/metadata-rows';
import type {
  CreateLocationBody,
  LinkServiceAtLocationBody,
  PublishServiceBody,
  RegisterOrganisationBody,
  UpdateOrganisationBody,
} from '../directory-requests.schema';

type Obj = Record<string, unknown>;

/** Gives each nested object an id (its own, or one derived from parent and position) and its parent link. */
function children<T extends { id?: string }>(
  items: T[] | undefined,
  parentId: string,
  kind: string,
  link: Obj,
  map: (item: T, id: string) => Obj = (item) => item as Obj,
): Obj[] | undefined {
  if (items === undefined) return undefined;
  return items.map((item, i) => {
    const id = item.id ?? derivedUuid(parentId, kind, String(i));
    return { ...map(item, id), id, ...link };
  });
}

function phones(items: RegisterOrganisationBody['phones'], parentId: string, link: Obj): Obj[] | undefined {
  return children(items, parentId, 'phone', link);
}

function contacts(
  items: RegisterOrganisationBody['contacts'],
  parentId: string,
  link: Obj,
): Obj[] | undefined {
  return children(items, parentId, 'contact', link, (c, id) => ({
    ...c,
    ...(c.phones ? { phones: phones(c.phones, id, { contact_id: id }) } : {}),
  }));
}

function compact(record: Obj): Obj {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/** HSDS organization from a management body; ODS code and charity number become organization_identifiers. */
export function organisationRecord(
  id: string,
  body: RegisterOrganisationBody | UpdateOrganisationBody,
): HsdsRecord {
  const identifiers: Obj[] = [];
  if (body.ods_code) {
    identifiers.push({
      id: derivedUuid(id, 'identifier', 'ods'),
      organization_id: id,
      identifier_scheme: ODS_IDENTIFIER_SCHEME,
      identifier_type: 'NHS ODS code',
      identifier: body.ods_code,
    });
  }
  if (body.charity_number) {
    identifiers.push({
      id: derivedUuid(id, 'identifier', 'charity'),
      organization_id: id,
      identifier_scheme: CHARITY_IDENTIFIER_SCHEME,
      identifier_type: 'Registered charity number',
      identifier: body.charity_number,
    });
  }
  return compact({
    id,
    name: body.name,
    alternate_name: body.alternate_name,
    description: body.description,
    email: body.email,
    website: body.website,
    phones: phones(body.phones, id, { organization_id: id }),
    contacts: contacts(body.contacts, id, { organization_id: id }),
    organization_identifiers: identifiers.length > 0 ? identifiers : undefined,
  }) as HsdsRecord;
}

/** HSDS service from a management body: attributes link taxonomy terms, nested objects get ids and links. */
export function serviceRecord(id: string, body: Omit<PublishServiceBody, 'id'>): HsdsRecord {
  const link = { service_id: id };
  return compact({
    ...body,
    id,
    attributes: children(body.attributes, id, 'attribute', {
      link_id: id,
      link_entity: 'service',
      link_type: 'need',
    }),
    languages: children(body.languages, id, 'language', link),
    phones: phones(body.phones, id, link),
    contacts: contacts(body.contacts, id, link),
    schedules: children(body.schedules, id, 'schedule', link),
    service_areas: children(body.service_areas, id, 'service_area', link),
  }) as HsdsRecord;
}

export function locationRecord(id: string, body: Omit<CreateLocationBody, 'id'>): HsdsRecord {
  const link = { location_id: id };
  return compact({
    ...body,
    id,
    addresses: children(body.addresses, id, 'address', link),
    phones: phones(body.phones, id, link),
    schedules: children(body.schedules, id, 'schedule', link),
    languages: children(body.languages, id, 'language', link),
  }) as HsdsRecord;
}

export function serviceAtLocationRecord(body: LinkServiceAtLocationBody): HsdsRecord {
  const id = body.id ?? derivedUuid('service_at_location', body.service_id, body.location_id);
  return compact({ ...body, id }) as HsdsRecord;
}
