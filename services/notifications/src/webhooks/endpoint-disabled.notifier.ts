import type { DisabledReason } from './domain/delivery-rules';

/** Tells an organisation that one of its webhook endpoints was disabled (by email). */
export interface EndpointDisabledNotifier {
  endpointDisabled(input: {
    organisationId: string;
    endpointId: string;
    endpointUrl: string;
    reason: DisabledReason;
    /** Since when its attempts have failed (the failure run), or when it answered 410. */
    since: Date;
    disabledAt: Date;
  }): Promise<void>;
}
