/** A BullMQ queue as operators see it: its name and the Redis key prefix it lives under. */
export interface QueueRef {
  name: string;
  prefix: string;
  /** Whose queue it is, e.g. 'notifications', 'referrals'. */
  owner: string;
}

/**
 * Parses OPS_EXTRA_QUEUES: comma-separated `[owner/][prefix:]name` (owner: the service whose queue
 * it is, 'other' when not said; prefix: its Redis key prefix, this service's when not said). A queue
 * named twice (here or among the service's own) is refused: operators address queues by name.
 */
export function queueRefs(
  own: readonly string[],
  extra: string,
  defaultPrefix: string,
  ownOwner: string,
): QueueRef[] {
  const refs: QueueRef[] = own.map((name) => ({ name, prefix: defaultPrefix, owner: ownOwner }));
  for (const item of extra
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const slash = item.indexOf('/');
    const owner = slash < 0 ? 'other' : item.slice(0, slash);
    const rest = item.slice(slash + 1);
    const at = rest.indexOf(':');
    const [prefix, name] = at < 0 ? [defaultPrefix, rest] : [rest.slice(0, at), rest.slice(at + 1)];
    refs.push({ name, prefix, owner });
  }
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.name)) throw new Error(`queue "${ref.name}" is listed twice (OPS_EXTRA_QUEUES)`);
    seen.add(ref.name);
  }
  return refs;
}
