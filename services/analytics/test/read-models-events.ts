// Lifecycle, refusal and capacity events for the read-model integration specs, with chosen times:
// a small world of referrals driven through every kind of lifecycle the projection records.
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  ReferralAcceptedV1,
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFirstContactMadeV1,
  ReferralOnwardCreatedV1,
  ReferralPutOnHoldV1,
  ReferralRefusedV1,
  ReferralRejectedV1,
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  ReferralSubmittedV2,
  ServiceCapacityChangedV1,
  type EventContract,
  type EventEnvelope,
} from '@sp/contracts';

const PATIENT = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';
const HOUR = 3_600_000;
export const BASE = Date.parse('2025-04-01T08:00:00.000Z');
export const iso = (hours: number): string => new Date(BASE + hours * HOUR).toISOString();

export interface World {
  practice: string;
  linkWorker: string;
  provider: string;
  services: [string, string];
}

export function newWorld(): World {
  return {
    practice: randomUUID(),
    linkWorker: randomUUID(),
    provider: randomUUID(),
    services: [randomUUID(), randomUUID()],
  };
}

function envelope<T>(contract: EventContract, data: T): EventEnvelope {
  return createEnvelope(contract as EventContract<never>, data as never, {
    source: '/services/referrals',
    correlationId: randomUUID(),
  });
}

/** Builds the events of one referral, in the order they happen. */
export class ReferralStory {
  readonly events: EventEnvelope[] = [];
  private version = 1;
  private status = 'requested';

  constructor(
    private readonly world: World,
    readonly referralId: string,
    private readonly submittedHour: number,
  ) {}

  submit(opts: { v1?: boolean; service?: string } = {}): this {
    const common = {
      referralId: this.referralId,
      requesterOrganisationId: this.world.practice,
      requesterOdsCode: 'A81001',
      targetServiceId: opts.service ?? this.world.services[0],
      ownerOrganisationId: this.world.linkWorker,
      needs: ['sp-need-loneliness', 'sp-need-mental-wellbeing'],
      priority: 'routine',
      status: 'requested',
      patientKey: PATIENT,
      occurredAt: iso(this.submittedHour),
    };
    this.events.push(
      opts.v1
        ? envelope(ReferralSubmittedV1, common)
        : envelope(ReferralSubmittedV2, {
            ...common,
            respondBy: iso(this.submittedHour + 72),
            population: { ageBand: '45-54', sex: 'male', imdDecile: 2, ethnicCategory: 'H' },
          }),
    );
    return this;
  }

  private change(contract: EventContract, to: string, hours: number, extra: object = {}): this {
    this.version += 1;
    this.events.push(
      envelope(contract, {
        referralId: this.referralId,
        version: this.version,
        requesterOrganisationId: this.world.practice,
        targetServiceId: this.world.services[0],
        ownerOrganisationId: this.world.linkWorker,
        fromStatus: this.status,
        toStatus: to,
        actor: { organisationId: this.world.linkWorker, role: 'link-worker' },
        patientKey: PATIENT,
        submittedAt: iso(this.submittedHour),
        occurredAt: iso(this.submittedHour + hours),
        ...extra,
      }),
    );
    this.status = to;
    return this;
  }

  accept(h: number): this {
    return this.change(ReferralAcceptedV1, 'accepted', h, { claimed: false });
  }
  reject(h: number): this {
    return this.change(ReferralRejectedV1, 'rejected', h, { reasonCode: 'no-capacity' });
  }
  expire(h: number): this {
    return this.change(ReferralExpiredV1, 'rejected', h, {
      reasonCode: 'no-response',
      respondBy: iso(this.submittedHour + 72),
    });
  }
  start(h: number): this {
    return this.change(ReferralStartedV1, 'in-progress', h);
  }
  hold(h: number): this {
    return this.change(ReferralPutOnHoldV1, 'on-hold', h, { reasonCode: 'unable-to-contact' });
  }
  resume(h: number): this {
    return this.change(ReferralResumedV1, 'in-progress', h);
  }
  cancel(h: number): this {
    return this.change(ReferralCancelledV1, 'cancelled', h, { reasonCode: 'patient-declined' });
  }
  enteredInError(h: number): this {
    return this.change(ReferralEnteredInErrorV1, 'entered-in-error', h);
  }
  complete(h: number): this {
    return this.change(ReferralCompletedV1, 'completed', h, {
      outcomeCodes: ['sp-outcome-attended'],
      wellbeing: {
        baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 4, anxiety: 7 },
        followUp: { lifeSatisfaction: 7, worthwhile: 7, happiness: 6, anxiety: 3 },
      },
    });
  }
  firstContact(h: number): this {
    this.events.push(
      envelope(ReferralFirstContactMadeV1, {
        referralId: this.referralId,
        requesterOrganisationId: this.world.practice,
        ownerOrganisationId: this.world.linkWorker,
        targetServiceId: this.world.services[0],
        patientKey: PATIENT,
        submittedAt: iso(this.submittedHour),
        firstContactAt: iso(this.submittedHour + h),
        method: 'phone',
        attemptsBefore: 1,
        occurredAt: iso(this.submittedHour + h + 1),
      }),
    );
    return this;
  }
  withdrawConsent(h: number): this {
    this.events.push(
      envelope(ReferralConsentWithdrawnV1, {
        referralId: this.referralId,
        requesterOrganisationId: this.world.practice,
        rootReferralId: this.referralId,
        occurredAt: iso(this.submittedHour + h),
      }),
    );
    return this;
  }
  onward(childReferralId: string, h: number): this {
    this.events.push(
      envelope(ReferralOnwardCreatedV1, {
        referralId: this.referralId,
        childReferralId,
        requesterOrganisationId: this.world.linkWorker,
        targetServiceId: this.world.services[1],
        ownerOrganisationId: this.world.provider,
        occurredAt: iso(this.submittedHour + h),
      }),
    );
    return this;
  }
}

export function refusal(world: World, hours: number): EventEnvelope {
  return envelope(ReferralRefusedV1, {
    refusalId: randomUUID(),
    requesterOrganisationId: world.practice,
    requesterOdsCode: 'A81001',
    targetServiceId: world.services[1],
    ownerOrganisationId: world.provider,
    needs: ['sp-need-debt'],
    priority: 'urgent',
    reasonCodes: ['no-capacity'],
    population: { ageBand: '25-34', sex: 'female', imdDecile: 1 },
    occurredAt: iso(hours),
  });
}

export function capacity(world: World, service: 0 | 1, waitlistLength: number, hours: number): EventEnvelope {
  return envelope(ServiceCapacityChangedV1, {
    serviceId: world.services[service],
    organisationId: world.provider,
    capacityStatus: waitlistLength > 0 ? 'waitlist' : 'has-capacity',
    maximum: 10,
    caseload: 10,
    waitlistLength,
    occurredAt: iso(hours),
  });
}

/** Twenty referrals through every lifecycle the projection records, plus refusals and capacity changes. */
export function worldEvents(world: World): { referralIds: string[]; events: EventEnvelope[] } {
  const stories: ReferralStory[] = [];
  for (let i = 0; i < 20; i += 1) {
    const story = new ReferralStory(world, randomUUID(), i * 5).submit({ v1: i % 5 === 0 });
    if (i % 4 === 0) story.accept(2).start(20).firstContact(19).complete(300);
    if (i % 4 === 1) story.reject(10);
    if (i % 4 === 2) story.expire(72);
    if (i % 4 === 3) story.accept(4).hold(30).resume(50).cancel(90);
    if (i === 7) story.enteredInError(100);
    if (i === 6) story.withdrawConsent(40);
    stories.push(story);
  }
  // Referral 4 (completed) was referred onwards to referral 13 (rejected).
  stories[4]!.onward(stories[13]!.referralId, 150);
  const events = [
    ...stories.flatMap((s) => s.events),
    refusal(world, 3),
    refusal(world, 30),
    refusal(world, 60),
    capacity(world, 0, 0, 1),
    capacity(world, 0, 2, 40),
    capacity(world, 1, 5, 10),
    capacity(world, 1, 3, 80),
  ];
  return { referralIds: stories.map((s) => s.referralId), events };
}
