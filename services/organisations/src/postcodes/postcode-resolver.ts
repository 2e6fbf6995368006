import { Injectable } from '@nestjs/common';
import { ValidationError } from '@sp/errors';
import type { PostcodeLocator } from '../hsds/postcode-locator.port';
import { compactPostcode, type LatLong } from './domain/postcode';
import { PostcodeRepository } from './postcode.repository';

export interface ResolvedPostcode extends LatLong {
  postcode: string;
}

/**
 * Postcode -> WGS84 position from the imported postcode table (never the internet). Case and
 * spacing are ignored. Exported for the HSDS proximity search as well as matching.
 */
@Injectable()
export class PostcodeResolver implements PostcodeLocator {
  constructor(private readonly postcodes: PostcodeRepository) {}

  /** The position of a postcode, or null when it is malformed or not in the table. */
  async resolve(text: string): Promise<ResolvedPostcode | null> {
    const id = compactPostcode(text);
    if (id === null) return null;
    const doc = await this.postcodes.find(id);
    return doc ? { postcode: doc.postcode, latitude: doc.latitude, longitude: doc.longitude } : null;
  }

  /** PostcodeLocator (the HSDS read API's proximity search). */
  async locate(postcode: string): Promise<LatLong | null> {
    const found = await this.resolve(postcode);
    return found ? { latitude: found.latitude, longitude: found.longitude } : null;
  }

  /**
   * Like resolve, but answers a bad postcode with a 422 naming `field`: code `invalid_postcode`
   * when it is not shaped like a UK postcode, `unknown_postcode` when it is not in the table.
   */
  async resolveOrReject(text: string, field = 'postcode'): Promise<ResolvedPostcode> {
    if (compactPostcode(text) === null) {
      throw new ValidationError(
        'The postcode is invalid',
        [{ field, code: 'invalid_postcode', message: `${field} is not a UK postcode` }],
        { status: 422 },
      );
    }
    const found = await this.resolve(text);
    if (!found) {
      throw new ValidationError(
        'The postcode is unknown',
        [{ field, code: 'unknown_postcode', message: `${field} is not in the postcode table` }],
        { status: 422 },
      );
    }
    return found;
  }
}
