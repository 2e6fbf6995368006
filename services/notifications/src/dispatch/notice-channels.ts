import { Injectable } from '@nestjs/common';
import type { OrganisationNotice } from './organisation-notice';

/** An outward channel (email, webhooks, partner stream) that takes organisation notices. */
export interface NoticeChannel {
  readonly name: string;
  /**
   * Hands the notice to the channel: idempotent (job ids derived from the notice id and the
   * channel's target) and fast (enqueue, never send inline). A throw makes the delivery job retry,
   * so every channel sees the notice at least once.
   */
  dispatch(notice: OrganisationNotice): Promise<void>;
}

/**
 * The registry of outward channels. Each channel registers itself at module init; the delivery
 * worker hands every organisation-level notice to all of them once the inbox entry is written.
 */
@Injectable()
export class NoticeChannels {
  private readonly channels: NoticeChannel[] = [];

  register(channel: NoticeChannel): void {
    if (this.channels.some((c) => c.name === channel.name)) {
      throw new Error(`Notice channel '${channel.name}' is already registered`);
    }
    this.channels.push(channel);
  }

  names(): string[] {
    return this.channels.map((c) => c.name);
  }

  /** Every channel, at once; fails (and so retries the whole hand-over) when any channel fails. */
  async dispatchAll(notice: OrganisationNotice): Promise<void> {
    const results = await Promise.allSettled(this.channels.map((c) => c.dispatch(notice)));
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${this.channels[i]!.name}: ${errorMessage(r.reason)}`] : [],
    );
    if (failures.length > 0) {
      throw new Error(`Notice ${notice.id} not handed to every channel (${failures.join('; ')})`);
    }
  }
}

function errorMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
