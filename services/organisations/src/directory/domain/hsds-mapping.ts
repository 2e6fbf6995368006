import { derivedDirectoryId } from '@sp/contracts';
import type { HsdsRecord } from '../../hsds/hsds-store.port';
import { CHARITY_IDENTIFIER_SCHEME, ODS_IDENTIFIER_SCHEME } from '../../hsds/domain/hsds-record';
import { recordIdOf } from '../../hsds/domain/record-ids';
import type {
  CreateLocationBody,
  LinkServiceAtLocationBody,
  PublishServiceBody,
  RegisterOrganisationBody,
  UpdateOrganisationBody,
} from '../directory-requests.schema';

type Obj = Record<string, unknown>;

// A record keeps the id it is given (a slug is turned into its UUID by the store, which keeps the
// slug); nested ids and links are derived from the record's UUID, so creating a record by slug and
// updating it by UUID give the same nested ids.

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
    const id = item.id ?? derivedDirectoryId(parentId, kind, String(i));
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
  const uuid = recordIdOf('organizations', id);
  const identifiers: Obj[] = [];
  if (body.ods_code) {
    identifiers.push({
      id: derivedDirectoryId(uuid, 'identifier', 'ods'),
      organization_id: uuid,
      identifier_scheme: ODS_IDENTIFIER_SCHEME,
      identifier_type: 'NHS ODS code',
      identifier: body.ods_code,
    });
  }
  if (body.charity_number) {
    identifiers.push({
      id: derivedDirectoryId(uuid, 'identifier', 'charity'),
      organization_id: uuid,
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
    phones: phones(body.phones, uuid, { organization_id: uuid }),
    contacts: contacts(body.contacts, uuid, { organization_id: uuid }),
    organization_identifiers: identifiers.length > 0 ? identifiers : undefined,
  }) as HsdsRecord;
}

/** HSDS service from a management body: attributes link taxonomy terms, nested objects get ids and links. */
export function serviceRecord(id: string, body: Omit<PublishServiceBody, 'id'>): HsdsRecord {
  const uuid = recordIdOf('services', id);
  const link = { service_id: uuid };
  return compact({
    ...body,
    id,
    attributes: children(body.attributes, uuid, 'attribute', {
      link_id: uuid,
      link_entity: 'service',
      link_type: 'need',
    }),
    languages: children(body.languages, uuid, 'language', link),
    phones: phones(body.phones, uuid, link),
    contacts: contacts(body.contacts, uuid, link),
    schedules: children(body.schedules, uuid, 'schedule', link),
    service_areas: children(body.service_areas, uuid, 'service_area', link),
  }) as HsdsRecord;
}

export function locationRecord(id: string, body: Omit<CreateLocationBody, 'id'>): HsdsRecord {
  const uuid = recordIdOf('locations', id);
  const link = { location_id: uuid };
  return compact({
    ...body,
    id,
    addresses: children(body.addresses, uuid, 'address', link),
    phones: phones(body.phones, uuid, link),
    schedules: children(body.schedules, uuid, 'schedule', link),
    languages: children(body.languages, uuid, 'language', link),
  }) as HsdsRecord;
}

/** A service_at_location; without an id of its own, one derived from its service and location. */
export function serviceAtLocationRecord(body: LinkServiceAtLocationBody): HsdsRecord {
  const id =
    body.id ??
    derivedDirectoryId(
      'service_at_location',
      recordIdOf('services', body.service_id),
      recordIdOf('locations', body.location_id),
    );
  return compact({ ...body, id }) as HsdsRecord;
}
