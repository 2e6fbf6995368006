// Container health check: GET /health/ready on the service's own port; exit 0 only on HTTP 200.
'use strict';
/* global fetch, AbortSignal */

const DEFAULT_PORTS = { referrals: 3001, organisations: 3002, notifications: 3003, analytics: 3004 };
const port = process.env.PORT || DEFAULT_PORTS[process.env.SERVICE] || 3000;

fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.status === 200 ? 0 : 1),
  () => process.exit(1),
);
