import { validate, version } from 'uuid';
import { derivedDirectoryId, directoryId, directoryIdForSlug, isUuid } from './directory-ids';

describe('directory ids', () => {
  it('derives a version 5 UUID from table and slug, the same every time', () => {
    const id = directoryIdForSlug('services', 'svc-befriending');
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(5);
    expect(directoryIdForSlug('services', 'svc-befriending')).toBe(id);
    // Published value: changing the namespace or the name format would re-key every stored record.
    expect(id).toBe('2603f9aa-3bf3-5582-8841-53ffeb15e0d2');
  });

  it('names the table in the derivation: one slug in two tables gives two ids', () => {
    expect(directoryIdForSlug('services', 'x')).not.toBe(directoryIdForSlug('organizations', 'x'));
  });

  it('keeps a UUID as given and derives one for a slug', () => {
    const uuid = '0b6c7f3e-9d2a-4a55-8d61-0d3f3f1f3a10';
    expect(directoryId('services', uuid)).toBe(uuid);
    expect(directoryId('services', 'svc-befriending')).toBe(
      directoryIdForSlug('services', 'svc-befriending'),
    );
    expect(isUuid(uuid)).toBe(true);
    expect(isUuid('svc-befriending')).toBe(false);
  });

  it('derives ids from parts', () => {
    expect(derivedDirectoryId('a', 'b')).toBe(derivedDirectoryId('a', 'b'));
    expect(derivedDirectoryId('a', 'b')).not.toBe(derivedDirectoryId('ab'));
    expect(version(derivedDirectoryId('a'))).toBe(5);
  });
});
