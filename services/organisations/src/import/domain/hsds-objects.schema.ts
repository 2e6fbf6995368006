// Generated from the HSDS 3.0 JSON schemas (openreferral/specification 3.0, schema/*.json): for each
// object, its required fields and each field's type, format, enum and nested object. Kept as data so
// the importer can name every failing field without a JSON Schema engine, and coerce CSV cells.
// Regenerate by hand if the standard changes (3.0 is frozen).

export type HsdsFieldType = 'string' | 'number' | 'array' | 'object';
export type HsdsFormat = 'uuid' | 'uri' | 'email' | 'date-time';

export interface HsdsFieldSpec {
  type: HsdsFieldType;
  /** Nested HSDS object (for `object`) or array item object (for `array`). */
  ref?: HsdsObjectName;
  format?: HsdsFormat;
  enum?: readonly string[];
}

export interface HsdsObjectSpec {
  required: readonly string[];
  fields: Readonly<Record<string, HsdsFieldSpec>>;
}

export type HsdsObjectName =
  | 'accessibility'
  | 'address'
  | 'attribute'
  | 'contact'
  | 'cost_option'
  | 'funding'
  | 'language'
  | 'location'
  | 'metadata'
  | 'organization'
  | 'organization_identifier'
  | 'phone'
  | 'program'
  | 'required_document'
  | 'schedule'
  | 'service'
  | 'service_area'
  | 'service_at_location'
  | 'taxonomy'
  | 'taxonomy_term';

export const HSDS_OBJECTS: Readonly<Record<HsdsObjectName, HsdsObjectSpec>> = {
  accessibility: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      description: { type: 'string' },
      details: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  address: {
    required: ['id', 'address_1', 'city', 'state_province', 'postal_code', 'country', 'address_type'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      attention: { type: 'string' },
      address_1: { type: 'string' },
      address_2: { type: 'string' },
      city: { type: 'string' },
      region: { type: 'string' },
      state_province: { type: 'string' },
      postal_code: { type: 'string' },
      country: { type: 'string' },
      address_type: { type: 'string', enum: ['physical', 'postal', 'virtual'] },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  attribute: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      link_id: { type: 'string', format: 'uuid' },
      taxonomy_term_id: { type: 'string', format: 'uuid' },
      link_type: { type: 'string' },
      link_entity: { type: 'string' },
      value: { type: 'string' },
      taxonomy_term: { type: 'object', ref: 'taxonomy_term' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  contact: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      organization_id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      service_at_location_id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      title: { type: 'string' },
      department: { type: 'string' },
      email: { type: 'string', format: 'email' },
      phones: { type: 'array', ref: 'phone' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  cost_option: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      valid_from: { type: 'string' },
      valid_to: { type: 'string' },
      option: { type: 'string' },
      currency: { type: 'string' },
      amount: { type: 'number' },
      amount_description: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  funding: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      organization_id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      source: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  language: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      phone_id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      code: { type: 'string' },
      note: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  location: {
    required: ['id', 'location_type'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      location_type: { type: 'string', enum: ['physical', 'postal', 'virtual'] },
      url: { type: 'string', format: 'uri' },
      organization_id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      alternate_name: { type: 'string' },
      description: { type: 'string' },
      transportation: { type: 'string' },
      latitude: { type: 'number' },
      longitude: { type: 'number' },
      external_identifier: { type: 'string' },
      external_identifier_type: { type: 'string' },
      languages: { type: 'array', ref: 'language' },
      addresses: { type: 'array', ref: 'address' },
      contacts: { type: 'array', ref: 'contact' },
      accessibility: { type: 'array', ref: 'accessibility' },
      phones: { type: 'array', ref: 'phone' },
      schedules: { type: 'array', ref: 'schedule' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  metadata: {
    required: [
      'id',
      'last_action_date',
      'last_action_type',
      'field_name',
      'previous_value',
      'replacement_value',
      'updated_by',
    ],
    fields: {
      id: { type: 'string', format: 'uuid' },
      resource_id: { type: 'string', format: 'uuid' },
      resource_type: { type: 'string' },
      last_action_date: { type: 'string' },
      last_action_type: { type: 'string' },
      field_name: { type: 'string' },
      previous_value: { type: 'string' },
      replacement_value: { type: 'string' },
      updated_by: { type: 'string' },
    },
  },
  organization: {
    required: ['id', 'name', 'description'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      alternate_name: { type: 'string' },
      description: { type: 'string' },
      email: { type: 'string', format: 'email' },
      website: { type: 'string', format: 'uri' },
      tax_status: { type: 'string' },
      tax_id: { type: 'string' },
      year_incorporated: { type: 'number' },
      legal_status: { type: 'string' },
      logo: { type: 'string' },
      uri: { type: 'string', format: 'uri' },
      parent_organization_id: { type: 'string', format: 'uuid' },
      funding: { type: 'array', ref: 'funding' },
      contacts: { type: 'array', ref: 'contact' },
      phones: { type: 'array', ref: 'phone' },
      locations: { type: 'array', ref: 'location' },
      programs: { type: 'array', ref: 'program' },
      organization_identifiers: { type: 'array', ref: 'organization_identifier' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  organization_identifier: {
    required: ['id', 'identifier_type', 'identifier'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      organization_id: { type: 'string', format: 'uuid' },
      identifier_scheme: { type: 'string' },
      identifier_type: { type: 'string' },
      identifier: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  phone: {
    required: ['id', 'number'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      organization_id: { type: 'string', format: 'uuid' },
      contact_id: { type: 'string', format: 'uuid' },
      service_at_location_id: { type: 'string', format: 'uuid' },
      number: { type: 'string' },
      extension: { type: 'number' },
      type: { type: 'string' },
      description: { type: 'string' },
      languages: { type: 'array', ref: 'language' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  program: {
    required: ['id', 'name', 'description'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      organization_id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      alternate_name: { type: 'string' },
      description: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  required_document: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      document: { type: 'string' },
      uri: { type: 'string', format: 'uri' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  schedule: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      service_at_location_id: { type: 'string', format: 'uuid' },
      valid_from: { type: 'string' },
      valid_to: { type: 'string' },
      dtstart: { type: 'string' },
      timezone: { type: 'number' },
      until: { type: 'string' },
      count: { type: 'number' },
      wkst: { type: 'string', enum: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] },
      freq: { type: 'string', enum: ['WEEKLY', 'MONTHLY'] },
      interval: { type: 'number' },
      byday: { type: 'string' },
      byweekno: { type: 'string' },
      bymonthday: { type: 'string' },
      byyearday: { type: 'string' },
      description: { type: 'string' },
      opens_at: { type: 'string' },
      closes_at: { type: 'string' },
      schedule_link: { type: 'string', format: 'uri' },
      attending_type: { type: 'string' },
      notes: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  service: {
    // `url` is not required by HSDS 3.0 but by the Open Referral UK profile the directory
    // publishes (docs/directory.md#open-referral-uk): a service without it is quarantined.
    required: ['id', 'name', 'status', 'url'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      organization_id: { type: 'string', format: 'uuid' },
      program_id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      alternate_name: { type: 'string' },
      description: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      email: { type: 'string', format: 'email' },
      status: { type: 'string', enum: ['active', 'inactive', 'defunct', 'temporarily closed'] },
      interpretation_services: { type: 'string' },
      application_process: { type: 'string' },
      fees_description: { type: 'string' },
      wait_time: { type: 'string' },
      fees: { type: 'string' },
      accreditations: { type: 'string' },
      eligibility_description: { type: 'string' },
      minimum_age: { type: 'number' },
      maximum_age: { type: 'number' },
      assured_date: { type: 'string' },
      assurer_email: { type: 'string', format: 'email' },
      licenses: { type: 'string' },
      alert: { type: 'string' },
      last_modified: { type: 'string', format: 'date-time' },
      phones: { type: 'array', ref: 'phone' },
      schedules: { type: 'array', ref: 'schedule' },
      service_areas: { type: 'array', ref: 'service_area' },
      service_at_locations: { type: 'array', ref: 'service_at_location' },
      languages: { type: 'array', ref: 'language' },
      organization: { type: 'object', ref: 'organization' },
      funding: { type: 'array', ref: 'funding' },
      cost_options: { type: 'array', ref: 'cost_option' },
      program: { type: 'object', ref: 'program' },
      required_documents: { type: 'array', ref: 'required_document' },
      contacts: { type: 'array', ref: 'contact' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  service_area: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      description: { type: 'string' },
      extent: { type: 'string' },
      extent_type: { type: 'string' },
      uri: { type: 'string' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  service_at_location: {
    required: ['id'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      service_id: { type: 'string', format: 'uuid' },
      location_id: { type: 'string', format: 'uuid' },
      description: { type: 'string' },
      contacts: { type: 'array', ref: 'contact' },
      phones: { type: 'array', ref: 'phone' },
      schedules: { type: 'array', ref: 'schedule' },
      location: { type: 'object', ref: 'location' },
      attributes: { type: 'array', ref: 'attribute' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  taxonomy: {
    required: ['id', 'name', 'description'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      description: { type: 'string' },
      uri: { type: 'string', format: 'uri' },
      version: { type: 'string' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
  taxonomy_term: {
    required: ['id', 'name', 'description'],
    fields: {
      id: { type: 'string', format: 'uuid' },
      code: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      parent_id: { type: 'string', format: 'uuid' },
      taxonomy: { type: 'string' },
      taxonomy_detail: { type: 'object', ref: 'taxonomy' },
      language: { type: 'string' },
      taxonomy_id: { type: 'string', format: 'uuid' },
      term_uri: { type: 'string', format: 'uri' },
      metadata: { type: 'array', ref: 'metadata' },
    },
  },
};
