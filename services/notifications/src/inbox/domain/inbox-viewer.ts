/**
 * Who reads an inbox: an organisation's own system (no person) or a person signed in for it.
 * A person sees the notices addressed to the whole organisation and those addressed to them,
 * never a colleague's; the organisation's system sees all of its notices.
 */
export interface InboxViewer {
  organisationId: string;
  personSub?: string;
}

export interface AddressedNotice {
  recipientOrganisationId: string;
  recipientPersonSub?: string;
}

export function canSee(viewer: InboxViewer, notice: AddressedNotice): boolean {
  if (notice.recipientOrganisationId !== viewer.organisationId) return false;
  if (viewer.personSub === undefined || notice.recipientPersonSub === undefined) return true;
  return notice.recipientPersonSub === viewer.personSub;
}

/**
 * Acknowledgement is recorded on the notice itself: a notice addressed to the organisation is
 * acknowledged for the whole organisation by whoever acknowledges it first; a notice addressed to
 * one person is theirs to acknowledge (or their organisation's system's). `by` is the person's
 * subject or the API client id: staff identity, never patient data.
 */
export function acknowledgerOf(viewer: InboxViewer, clientId: string): string {
  return viewer.personSub ?? clientId;
}
