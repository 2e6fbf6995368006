import type { Actor } from '../../domain/referral-intake.rules';
import { CaseRecordErrors } from '../case-record.errors';
import { mayEditEntry, type CaseAuthor } from './case-author';

/**
 * The checks before any change to an existing case-record entry, in order: it exists (404
 * CASE_RECORD.NOT_FOUND), the caller may change it (403 CASE_RECORD.NOT_AUTHOR: its author or a
 * team lead), and it is still the version the caller read (412, when If-Match was sent).
 * Returns the entry.
 */
export function changeableEntry<T extends { author: CaseAuthor; version: number }>(
  kind: string,
  id: string,
  entry: T | null | undefined,
  actor: Actor,
  expectedVersion: number | undefined,
): T {
  if (!entry) throw CaseRecordErrors.entryNotFound(kind, id);
  if (!mayEditEntry(entry.author, actor)) throw CaseRecordErrors.notAuthor();
  if (expectedVersion !== undefined && expectedVersion !== entry.version)
    throw CaseRecordErrors.versionMismatch(expectedVersion, entry.version);
  return entry;
}
