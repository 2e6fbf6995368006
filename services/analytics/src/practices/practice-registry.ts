import { Injectable } from '@nestjs/common';
import type { PracticePopulation } from '../reports/domain';
import { combineLists } from './domain/gp-registrations';
import { PracticeRepository, type PracticePlace } from './practice.repository';

/** Areas to look practices up by; each list a union ("in any of these"). */
export interface PracticeArea {
  icb?: string[];
  pcn?: string[];
  practice?: string[];
}

/**
 * What the rest of analytics may ask about GP practices (imported from NHS Digital's "Patients
 * Registered at a GP Practice"): where a practice sits, which practices an area holds, and the
 * registered population of a set of practices (the equity report's denominator).
 */
@Injectable()
export class PracticeRegistry {
  constructor(private readonly practices: PracticeRepository) {}

  /** The PCN of a practice, undefined when the practice is not in the imported mapping. */
  async pcnOf(odsCode: string): Promise<string | undefined> {
    return (await this.practices.placeOf(odsCode))?.pcnCode;
  }

  /** Where a practice sits (PCN, sub-ICB location, ICB), null when not imported. */
  async placeOf(odsCode: string): Promise<PracticePlace | null> {
    return this.practices.placeOf(odsCode);
  }

  /** Every imported practice's place (for the scope resolver's area checks). */
  async places(): Promise<PracticePlace[]> {
    return this.practices.places();
  }

  /**
   * ODS codes of the practices in ANY of the given areas, sorted: imported practices of the PCNs
   * and ICBs, plus the practices named directly (a practice is its own area, imported or not).
   */
  async practicesIn(area: PracticeArea): Promise<string[]> {
    const inAreas = await this.practices.practiceCodesIn({ pcn: area.pcn ?? [], icb: area.icb ?? [] });
    return [...new Set([...inAreas, ...(area.practice ?? [])])].sort();
  }

  /**
   * The registered population of the practices (summed), by age band and by sex (female, male:
   * what NHS Digital publish); null when none of them has an imported list. Practices without
   * one are left out of the sum.
   */
  async population(odsCodes: string[]): Promise<PracticePopulation | null> {
    const combined = combineLists(await this.practices.listsOf([...new Set(odsCodes)]));
    return combined ? { total: combined.total, byAgeBand: combined.byAgeBand, bySex: combined.bySex } : null;
  }
}
