import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../domain/referral-intake.rules';
import type { ReferralDocument } from '../referrals/referral.entity';
import { REFERRAL_OPERATIONS, type ReferralOperations } from '../referrals/referral-operations';
import { withExpressions } from './fhir-http';
import { idempotencyKeyFor } from './if-none-exist';
import type { ParsedIntake, ParsedOnward } from './referral-from-fhir';

export type WriteResult =
  | { kind: 'intake'; parsed: ParsedIntake; created: boolean; referral: ReferralDocument }
  | { kind: 'onward'; parsed: ParsedOnward; created: boolean; children: ReferralDocument[] };

/**
 * Carries a parsed FHIR referral into ReferralOperations. The operations hash `rawBody` to tell a
 * retry from a different request with the same key: we hand them the normalised referral rather
 * than the raw Bundle, so a retry whose fullUrls (urn:uuid) were regenerated is still a retry.
 */
@Injectable()
export class FhirReferralWriter {
  constructor(@Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations) {}

  async write(parsed: ParsedIntake | ParsedOnward, actor: Actor): Promise<WriteResult> {
    const idempotencyKey = parsed.conditional ? idempotencyKeyFor(parsed.conditional) : undefined;
    if (parsed.kind === 'intake') {
      const result = await withExpressions(parsed.expressions, () =>
        this.operations.create({
          intake: parsed.intake,
          actor,
          ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
          rawBody: { fhir: 'referral', intake: parsed.intake },
        }),
      );
      return { kind: 'intake', parsed, created: result.created, referral: result.referral };
    }
    const startedAt = Date.now();
    const targets = parsed.targets.map((t) => t.target);
    const result = await withExpressions(parsed.expressions, () =>
      this.operations.createOnward({
        parentReferralId: parsed.parentReferralId,
        actor,
        targets,
        ...(parsed.reroutedFromReferralId !== undefined
          ? { reroutedFromReferralId: parsed.reroutedFromReferralId }
          : {}),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        rawBody: {
          fhir: 'onward',
          parent: parsed.parentReferralId,
          rerouted: parsed.reroutedFromReferralId ?? null,
          targets,
        },
      }),
    );
    // Replayed children were created by the first attempt, before this one started.
    const created = result.children.some((c) => c.createdAt.getTime() >= startedAt);
    return { kind: 'onward', parsed, created, children: result.children };
  }
}
