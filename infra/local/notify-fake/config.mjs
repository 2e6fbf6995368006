// Settings of the fake GOV.UK Notify, from its environment (see server.mjs for the list).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
export const PORT = Number(env.SP_NOTIFY_FAKE_PORT ?? 8097);
export const HOST = env.SP_NOTIFY_FAKE_HOST ?? '127.0.0.1';
const LOCAL_KEY = 'sp-local-4a6d1f3e-6b8a-4c59-9c1e-2f0d7b3a5e11-b7c2e9d4-1f3a-4e8b-a6d5-9c0e2f4b7a13';
export const RATE_LIMIT = Number(env.SP_NOTIFY_FAKE_RATE_LIMIT ?? 3000);
export const RATE_WINDOW_MS = 60_000;
export const CLOCK_SKEW_S = 30;
export const CALLBACK_URL = env.SP_NOTIFY_FAKE_CALLBACK_URL ?? 'http://127.0.0.1:3003/v1/notify/callbacks';
export const CALLBACK_TOKEN = env.SP_NOTIFY_FAKE_CALLBACK_TOKEN ?? 'local-notify-callback-token';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const RECEIPT_STATUSES = ['delivered', 'permanent-failure', 'temporary-failure', 'technical-failure'];

export const TEMPLATE_FILE = env.SP_NOTIFY_FAKE_TEMPLATES ?? join(here, 'templates.json');
export const API_KEYS = env.SP_NOTIFY_FAKE_API_KEYS ?? LOCAL_KEY;
