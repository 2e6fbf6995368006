import { Topics } from '@sp/contracts';

/** The topics the read models are built from, and replayed from the first offset on a rebuild. */
export const READ_MODEL_TOPIC_DEFINITIONS = [Topics.referralLifecycle, Topics.directory];
