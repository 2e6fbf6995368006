import type { PracticeList } from './domain/gp-registrations';

/**
 * A GP practice as NHS Digital's "Patients Registered at a GP Practice" describe it: where it sits
 * (PCN, sub-ICB location, ICB; from the mapping file) and its registered list (from the
 * single-year-of-age files). Either part may be missing until a file carrying it is imported.
 * Counts of registered patients only: nothing about any person.
 */
export interface PracticeDocument {
  _id: string; // practice ODS code
  pcnCode?: string;
  subIcbCode?: string;
  icbCode?: string;
  /** EXTRACT_DATE of the mapping row (ISO date). */
  mappingExtractDate?: string | null;
  list?: PracticeList;
  updatedAt: Date;
}
