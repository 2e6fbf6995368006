/**
 * Resolves a UK postcode to its centroid from the postcode table the operator imports (nothing is
 * looked up on the internet). Optional: without a binding, the read API falls back to the
 * coordinates of a directory location with that postcode.
 */
export interface PostcodeLocator {
  locate(postcode: string): Promise<{ latitude: number; longitude: number } | null>;
}

export const POSTCODE_LOCATOR = Symbol('POSTCODE_LOCATOR');
