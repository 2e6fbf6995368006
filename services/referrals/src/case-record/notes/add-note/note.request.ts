import { Type, type Static } from '@sinclair/typebox';
import { schemaValidator } from '@sp/validation';
import { TEXT_LIMITS } from '../../case-record.errors';

/** Body of POST /v1/referrals/{id}/notes and PATCH .../notes/{noteId}: the note's text, stored as given. */
export const NoteRequestSchema = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.note }) },
  { additionalProperties: false },
);
export type NoteRequest = Static<typeof NoteRequestSchema>;

export const noteRequest = schemaValidator(NoteRequestSchema);
