import type { PipeTransform } from '@nestjs/common';
import type { HsdsTable } from './hsds-store.port';
import { recordIdOf } from './domain/record-ids';

/**
 * A path id of a directory record, named by its UUID or its slug, as the stored UUID
 * (`@Param('id', new DirectoryIdPipe('services'))`). A slug resolves without a lookup: its UUID is
 * derived from it (domain/record-ids.ts).
 */
export class DirectoryIdPipe implements PipeTransform<string, string> {
  constructor(private readonly table: HsdsTable) {}

  transform(value: string): string {
    return typeof value === 'string' && value.length > 0 ? recordIdOf(this.table, value) : value;
  }
}
