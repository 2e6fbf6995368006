import { Injectable } from '@nestjs/common';
import type { Principal } from '@sp/identity';
import { PracticeRegistry } from '../../practices/practice-registry';
import type { NarrowingParams, ReportScopePort, ScopeResolution } from '../run-report/report-ports';
import { needsPlaces, resolveReportScope } from './report-scope';

/** The report scope port: reads the practices' places only when the answer depends on them. */
@Injectable()
export class ReportScopeResolver implements ReportScopePort {
  constructor(private readonly registry: PracticeRegistry) {}

  async resolve(principal: Principal, params: NarrowingParams): Promise<ScopeResolution> {
    const places = needsPlaces(principal, params) ? await this.registry.places() : [];
    return resolveReportScope(principal, params, places);
  }
}
