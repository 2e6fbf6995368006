/**
 * An organisation's notification preferences, and the rules for changing them. Pure: no framework.
 * Defaults work out of the box: an organisation with a contact email gets email for new referrals,
 * reminders, cancellations and outcomes until it says otherwise.
 */
export interface QuietHours {
  /** 'HH:mm', Europe/London. */
  start: string;
  end: string;
}

export type DigestSetting = 'off' | 'daily';

export interface NotificationPreferences {
  organisationId: string;
  email: {
    /** Overrides the directory contact email when set. */
    address?: string;
    /** Per event kind: true sends an email; every known kind is present. */
    kinds: Record<string, boolean>;
    digest: DigestSetting;
  };
  patientSms: { quietHours: QuietHours | null };
}

/** The event kinds an organisation may get email for, with the default of each. */
export const EMAIL_KIND_DEFAULTS: Readonly<Record<string, boolean>> = {
  // To the receiving side.
  'referral.submitted': true,
  'referral.reminder-due': true,
  'referral.cancelled': true,
  'referral.entered-in-error': true,
  // Back to the referrer: answers and outcomes.
  'referral.accepted': true,
  'referral.rejected': true,
  'referral.started': true,
  'referral.completed': true,
  'referral.failed': true,
  'referral.expired': true,
  'referral.onward-outcome': true,
  // Progress that is not an outcome: in the inbox and other channels, email only when asked.
  'referral.put-on-hold': false,
  'referral.resumed': false,
};

export const EMAIL_KINDS: readonly string[] = Object.keys(EMAIL_KIND_DEFAULTS);

/**
 * Kinds that tell an organisation to stop working on a referral: their email cannot be switched
 * off (a consent-withdrawn cancellation is a cancellation). Same list as the dispatch's critical kinds.
 */
export const CRITICAL_EMAIL_KINDS: readonly string[] = ['referral.cancelled', 'referral.entered-in-error'];

/** Kinds the daily digest replaces when it is on (critical kinds are always sent at once). */
export const DIGESTED_KINDS: readonly string[] = ['referral.submitted', 'referral.reminder-due'];

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '08:00' };

export function defaultPreferences(organisationId: string): NotificationPreferences {
  return {
    organisationId,
    email: { kinds: { ...EMAIL_KIND_DEFAULTS }, digest: 'off' },
    patientSms: { quietHours: { ...DEFAULT_QUIET_HOURS } },
  };
}

/** What an organisation stored: only what it set (unset kinds follow the defaults, even new ones). */
export interface StoredPreferences {
  email?: { address?: string | null; kinds?: Record<string, boolean>; digest?: DigestSetting };
  patientSms?: { quietHours?: QuietHours | null };
}

export function effectivePreferences(
  organisationId: string,
  stored: StoredPreferences | null,
): NotificationPreferences {
  const base = defaultPreferences(organisationId);
  if (!stored) return base;
  const kinds = { ...base.email.kinds };
  for (const kind of EMAIL_KINDS) {
    const set = stored.email?.kinds?.[kind];
    if (typeof set === 'boolean' && !CRITICAL_EMAIL_KINDS.includes(kind)) kinds[kind] = set;
  }
  const address = stored.email?.address;
  return {
    organisationId,
    email: { ...(address ? { address } : {}), kinds, digest: stored.email?.digest ?? 'off' },
    patientSms: {
      quietHours:
        stored.patientSms?.quietHours === undefined
          ? base.patientSms.quietHours
          : stored.patientSms.quietHours,
    },
  };
}

export interface PreferenceProblem {
  field: string;
  code: string;
  message: string;
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * The rules a well-formed change must keep (the request schema checks shapes first): known kinds
 * only, critical kinds cannot be switched off, quiet hours are two different HH:mm times. Every
 * problem is named, none is applied.
 */
export function preferenceProblems(change: StoredPreferences): PreferenceProblem[] {
  const problems: PreferenceProblem[] = [];
  for (const [kind, on] of Object.entries(change.email?.kinds ?? {})) {
    const field = `email.kinds.${kind}`;
    if (!EMAIL_KINDS.includes(kind)) {
      problems.push({
        field,
        code: 'unknown_kind',
        message: `${kind} is not an event kind email can be chosen for (${EMAIL_KINDS.join(', ')})`,
      });
    } else if (CRITICAL_EMAIL_KINDS.includes(kind) && on === false) {
      problems.push({
        field,
        code: 'critical_kind',
        message: `${kind} is critical: its email cannot be switched off`,
      });
    }
  }
  const quiet = change.patientSms?.quietHours;
  if (quiet) {
    for (const key of ['start', 'end'] as const) {
      if (!TIME.test(quiet[key])) {
        problems.push({
          field: `patientSms.quietHours.${key}`,
          code: 'bad_time',
          message: `patientSms.quietHours.${key} must be a time HH:mm (00:00 to 23:59), Europe/London`,
        });
      }
    }
    if (TIME.test(quiet.start) && quiet.start === quiet.end) {
      problems.push({
        field: 'patientSms.quietHours',
        code: 'empty_window',
        message: 'patientSms.quietHours start and end must differ (use null for no quiet hours)',
      });
    }
  }
  return problems;
}
