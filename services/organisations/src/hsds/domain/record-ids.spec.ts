import { directoryIdForSlug } from '@sp/contracts';
import { recordIdOf, withUuidIds } from './record-ids';

const UUID = '0b6c7f3e-9d2a-4a55-8d61-0d3f3f1f3a10';

describe('record ids', () => {
  it('stores a slug-named record under its UUID, keeps the slug, and maps its references', () => {
    const record = withUuidIds('services', {
      id: 'svc-befriending',
      organization_id: 'org-befriend-tees',
      name: 'Befriending',
      attributes: [
        {
          id: 'attr-1',
          taxonomy_term_id: 'sp-need-loneliness',
          link_id: 'svc-befriending',
          link_entity: 'service',
        },
      ],
      phones: [{ id: UUID, service_id: 'svc-befriending', number: '1' }],
      sp: { publication: 'published' },
    });
    const serviceId = directoryIdForSlug('services', 'svc-befriending');
    expect(record).toEqual({
      id: serviceId,
      organization_id: directoryIdForSlug('organizations', 'org-befriend-tees'),
      name: 'Befriending',
      attributes: [
        {
          id: directoryIdForSlug('attributes', 'attr-1'),
          taxonomy_term_id: directoryIdForSlug('taxonomy_terms', 'sp-need-loneliness'),
          link_id: serviceId,
          link_entity: 'service',
        },
      ],
      phones: [{ id: UUID, service_id: serviceId, number: '1' }],
      sp: { publication: 'published', slug: 'svc-befriending' },
    });
  });

  it('leaves a record in UUIDs as it is (an HSDS feed keeps its ids)', () => {
    const record = { id: UUID, organization_id: UUID, name: 'X', parent_id: '' };
    expect(withUuidIds('taxonomy_terms', record)).toEqual(record);
  });

  it('maps taxonomy references and parents', () => {
    expect(withUuidIds('taxonomy_terms', { id: 't', taxonomy_id: 'sp-needs', parent_id: 'p' })).toEqual({
      id: directoryIdForSlug('taxonomy_terms', 't'),
      taxonomy_id: directoryIdForSlug('taxonomies', 'sp-needs'),
      parent_id: directoryIdForSlug('taxonomy_terms', 'p'),
      sp: { slug: 't' },
    });
  });

  it('resolves a UUID or a slug to the stored id', () => {
    expect(recordIdOf('locations', UUID)).toBe(UUID);
    expect(recordIdOf('locations', 'loc-1')).toBe(directoryIdForSlug('locations', 'loc-1'));
  });
});
