import mongoose, { type Connection } from 'mongoose';
import type { Collection, Document } from 'mongodb';

/**
 * Opens the service's own database. Each service owns one database, named by the path of its
 * MONGO_URL (`mongodb://host:27017/sp_referrals`). The server is a replica set (MongoDB 7 in
 * production, SecantusDB locally), so the defaults hold: retryable writes and reads on (a write
 * interrupted by a primary step-down or a network blip is retried once, and the server makes sure
 * it applies once), the server's default majority write concern, and a connection pool that grows on demand up to `maxPoolSize` (driver default
 * 100; set it in the URL to tune it). Indexes are created explicitly at start-up by the owning
 * repository, never by mongoose's autoIndex.
 */
export async function connectMongo(
  url: string,
  opts: { serverSelectionTimeoutMS?: number } = {},
): Promise<Connection> {
  const dbName = databaseNameFrom(url);
  const connection = mongoose.createConnection(url, {
    dbName,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 10_000,
  });
  await connection.asPromise();
  return connection;
}

/** The database named in a MongoDB URL's path; a URL without one is a configuration error. */
export function databaseNameFrom(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  if (!name) {
    throw new Error(`MONGO_URL must name the service's own database in its path (got "${redactUrl(url)}")`);
  }
  return name;
}

/** Replaces any password in a connection URL, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

/** A readiness probe: the server answers a ping within the driver's timeout. */
export async function pingMongo(connection: Connection): Promise<{ ok: boolean; detail?: string }> {
  try {
    const db = connection.db;
    if (!db || connection.readyState !== 1) return { ok: false, detail: 'not connected' };
    await db.command({ ping: 1 });
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** The driver collection behind a connected mongoose connection (used for atomic outbox updates). */
export function collectionOf<T extends Document>(connection: Connection, name: string): Collection<T> {
  const db = connection.db;
  if (!db) throw new Error(`Database connection is not open (collection ${name})`);
  return db.collection<T>(name);
}
