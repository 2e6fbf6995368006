#!/usr/bin/env bash
# One command from a fresh clone to a running platform (README: `npm run start:platform`):
# npm dependencies, real infrastructure (infra/local/platform.sh), build, the four services in the
# background, the demo seed, then where to look. Re-running restarts the services cleanly.
set -euo pipefail
export SCRIPT_TAG=start
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"
lock_services

READY_TIMEOUT="${SP_SERVICE_READY_TIMEOUT:-90}"
t0=$SECONDS

ensure_node_modules
bash "$PLATFORM" start 9>&- # the daemons it starts must not inherit (and so hold) the start/stop lock
say "building (npm run build)"
npm run build --silent

mkdir -p "$SERVICE_LOGS" "$SERVICE_RUN"
stop_all_services # idempotent: a re-run restarts what is running

port_busy() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# People sign in at the local OpenID Connect provider (platform.sh runs it): the services trust its
# access tokens beside the client-credentials ones. A developer may set OIDC_ISSUERS to trust
# another provider instead (docs/identity.md).
OIDC_ISSUER_URL="http://127.0.0.1:${SP_OIDC_PORT:-8096}"
SERVICE_OIDC_ISSUERS="${OIDC_ISSUERS:-}"
if [ -z "$SERVICE_OIDC_ISSUERS" ]; then
  SERVICE_OIDC_ISSUERS="[{\"issuer\":\"$OIDC_ISSUER_URL\",\"jwksUrl\":\"$OIDC_ISSUER_URL/jwks\",\"audience\":\"social-prescribing\"}]"
fi

# The notifications service's channels point at the local platform: Mailpit for email, the fake
# GOV.UK Notify, webhooks to the developer's own machine (loopback, plain http), the broker's SASL
# listener for partner streams, and the referrals service's queues on the ops dashboard. A variable
# already set in the environment wins (e.g. SMTP_URL of a real relay).
MAILPIT_UI="http://127.0.0.1:${SP_MAILPIT_PORT:-8025}"
declare -A SERVICE_ENV=(
  [notifications]="SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:${SP_SMTP_PORT:-1025}}
NOTIFY_BASE_URL=${NOTIFY_BASE_URL:-http://127.0.0.1:${SP_NOTIFY_FAKE_PORT:-8097}}
WEBHOOK_ALLOW_PRIVATE_TARGETS=${WEBHOOK_ALLOW_PRIVATE_TARGETS:-loopback}
WEBHOOK_ALLOW_HTTP=${WEBHOOK_ALLOW_HTTP:-true}
PARTNER_KAFKA_BOOTSTRAP=${PARTNER_KAFKA_BOOTSTRAP:-127.0.0.1:${SP_KAFKA_SASL_PORT:-9094}}
OPS_EXTRA_QUEUES=${OPS_EXTRA_QUEUES:-referrals/referrals-deadline,referrals/fhir-subscriptions-delivery}"
)

# Patient notifications: the notifications service reads a patient's contact details from the
# referrals service's internal API with its own platform API client (client credentials at the
# organisations service). Its secret is made once, kept in infra/local/.state/secrets (gitignored,
# owner-only) and given to the notifications service at launch and to the demo seed, which registers
# the client (role ops). A PATIENT_NOTICES_CLIENT_SECRET already set in the environment wins.
# Secrets travel in the environment only, never on a command line (ps shows those to everyone).
platform_client_secret() {
  local file="$STATE_DIR/secrets/$1-client.secret"
  if [ ! -s "$file" ]; then
    (
      umask 077
      mkdir -p "$STATE_DIR/secrets"
      node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))' >"$file.tmp"
      mv -f "$file.tmp" "$file"
    )
  fi
  cat "$file"
}
NOTIFICATIONS_CLIENT_ID="${PATIENT_NOTICES_CLIENT_ID:-notifications}"
NOTIFICATIONS_CLIENT_SECRET="${PATIENT_NOTICES_CLIENT_SECRET:-$(platform_client_secret notifications)}"
SERVICE_ENV[referrals]="PATIENT_CONTACT_READERS=${PATIENT_CONTACT_READERS:-$NOTIFICATIONS_CLIENT_ID}"

launch() {
  local name="$1" port="${SERVICE_PORTS[$1]}" logfile="$SERVICE_LOGS/$1.log" extra=()
  [ -n "${SERVICE_ENV[$name]:-}" ] && mapfile -t extra <<<"${SERVICE_ENV[$name]}"
  if port_busy "$port"; then
    fail "$name: port $port is already in use by another process; free it and re-run"
  fi
  [ -f "$logfile" ] && mv -f "$logfile" "$logfile.1"
  say "starting $name on :$port (log: ${logfile#"$REPO_ROOT"/})"
  # own session: survives this script and the terminal; pid written by the child itself
  (
    if [ "$name" = notifications ]; then
      export PATIENT_NOTICES_CLIENT_ID="$NOTIFICATIONS_CLIENT_ID" PATIENT_NOTICES_CLIENT_SECRET="$NOTIFICATIONS_CLIENT_SECRET"
    fi
    exec env "${extra[@]}" PORT="$port" OIDC_ISSUERS="$SERVICE_OIDC_ISSUERS" setsid bash -c 'echo $$ >"$0"; exec "$@"' "$SERVICE_RUN/$name.pid" \
      node -r ./tools/runtime/register-aliases.js "dist/services/$name/src/main.js" \
      </dev/null >>"$logfile" 2>&1 9>&- # 9>&-: the service must not hold the start/stop lock
  ) &
}

ready_status() {
  node -e '
    fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(
      (r) => process.exit(r.status === 200 ? 0 : 1),
      () => process.exit(1),
    );' "http://127.0.0.1:$1/health/ready"
}

wait_ready() {
  local name="$1" port="${SERVICE_PORTS[$1]}" start=$SECONDS pid
  until ready_status "$port"; do
    pid="$(service_pid "$name")"
    if [ -z "$pid" ] || [ $((SECONDS - start)) -ge "$READY_TIMEOUT" ]; then
      if [ -z "$pid" ]; then
        say "$name exited during start-up; last lines of its log:"
      else
        say "$name not ready after ${READY_TIMEOUT}s; last lines of its log:"
      fi
      tail -n 60 "$SERVICE_LOGS/$name.log" >&2 || true
      fail "$name did not start (full log: infra/local/.state/logs/$name.log)"
    fi
    sleep 0.5
  done
  say "$name ready on http://127.0.0.1:$port ($((SECONDS - start))s)"
}

launch organisations
wait_ready organisations

# The seed writes the organisations database directly; the running organisations service's outbox
# relay publishes the directory events, which the other services read from Kafka whenever they
# start. Seeding before they start means the notifications service's platform client exists before
# its first patient notification asks for a token.
say "seeding the demo network"
if ! DEMO_NOTIFICATIONS_CLIENT_ID="$NOTIFICATIONS_CLIENT_ID" DEMO_NOTIFICATIONS_CLIENT_SECRET="$NOTIFICATIONS_CLIENT_SECRET" \
  timeout "${SP_SEED_TIMEOUT:-120}" node -r ./tools/runtime/register-aliases.js dist/services/organisations/src/demo/seed-demo.js; then
  fail "the demo seed failed or did not finish within ${SP_SEED_TIMEOUT:-120}s (organisations is running; infra: bash infra/local/platform.sh status)"
fi

# The referrals service's deprivation table (postcode -> LSOA -> IMD 2019 decile) from the synthetic
# sample in infra/local/data/deprivation (idempotent: a re-run writes nothing; docs/deprivation.md).
say "importing the sample deprivation table"
DEPRIVATION_DATA="$REPO_ROOT/infra/local/data/deprivation"
node -r ./tools/runtime/register-aliases.js dist/services/referrals/src/deprivation/import-deprivation/import-deprivation.cli.js \
  --postcodes "$DEPRIVATION_DATA/ONSPD_sample.csv" \
  --imd "$DEPRIVATION_DATA/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" >/dev/null ||
  fail "the deprivation import failed (infra: bash infra/local/platform.sh status)"

# The analytics practice registry (practice -> PCN -> ICB, list sizes by age band and sex) from the
# synthetic GP registration files in infra/local/data/gp-registrations: commissioner areas and the
# equity report's population (idempotent: a re-run writes nothing; docs/analytics/scopes.md).
say "importing the sample GP registration files"
node -r ./tools/runtime/register-aliases.js dist/services/analytics/src/practices/import-practices/import-practices.js \
  "$REPO_ROOT/infra/local/data/gp-registrations" >/dev/null ||
  fail "the GP registration import failed (infra: bash infra/local/platform.sh status)"

for name in referrals notifications analytics; do launch "$name"; done
for name in referrals notifications analytics; do wait_ready "$name"; done


DEMO_FILE="$REPO_ROOT/infra/local/demo-clients.json"
clients="$(node -e '
  const doc = require(process.argv[1]);
  for (const c of doc.clients) console.log(`    ${c.clientId.padEnd(28)} role=${c.role.padEnd(12)} organisation=${c.organisationId}`);
' "$DEMO_FILE")"
first_client="$(node -p 'require(process.argv[1]).clients[0].clientId' "$DEMO_FILE")"

cat <<INFO

[start] platform running ($((SECONDS - t0))s)

  Services            OpenAPI                         Metrics                          Readiness
  referrals           http://127.0.0.1:3001/docs      http://127.0.0.1:3001/metrics    http://127.0.0.1:3001/health/ready
  organisations       http://127.0.0.1:3002/docs      http://127.0.0.1:3002/metrics    http://127.0.0.1:3002/health/ready
  notifications       http://127.0.0.1:3003/docs      http://127.0.0.1:3003/metrics    http://127.0.0.1:3003/health/ready
  analytics           http://127.0.0.1:3004/docs      http://127.0.0.1:3004/metrics    http://127.0.0.1:3004/health/ready

  Infrastructure      Kafka 127.0.0.1:9092 · MongoDB wire (SecantusDB) mongodb://127.0.0.1:27017 · Redis redis://127.0.0.1:6379
                      OpenID Connect provider $OIDC_ISSUER_URL (people sign in to portals)
                      Mailpit: every email the platform sends, $MAILPIT_UI (SMTP 127.0.0.1:${SP_SMTP_PORT:-1025})
                      Fake GOV.UK Notify http://127.0.0.1:${SP_NOTIFY_FAKE_PORT:-8097} (patient SMS and email: GET /_fake/requests; docs/notifications.md)
                      Patient notifications on: the notifications service's platform client $NOTIFICATIONS_CLIENT_ID (role ops)
                      reads contact details from referrals; its secret is in infra/local/.state/secrets (made once)
                      bash infra/local/platform.sh status | logs [kafka|secantus|redis|fhir-validator|oidc|mailpit|notify-fake]
  Service logs        infra/local/.state/logs/<service>.log
  Queues (ops only)   http://127.0.0.1:3003/ops/queues  BullMQ dashboard of every queue (docs/notifications/operations.md).
                      Open it in a browser with a session link made with an ops token (demo client platform-ops):
    OPS_SECRET=\$(node -p "require('./infra/local/demo-clients.json').clients.find(c => c.clientId === 'platform-ops').clientSecret")
    OPS_TOKEN=\$(curl -s -X POST http://127.0.0.1:3002/oauth/token -d grant_type=client_credentials -d client_id=platform-ops \\
      -d client_secret="\$OPS_SECRET" | node -p 'JSON.parse(require("fs").readFileSync(0)).access_token')
    curl -s -X POST http://127.0.0.1:3003/v1/ops/queues/session -H "authorization: Bearer \$OPS_TOKEN"   # open http://127.0.0.1:3003<url>

  Demo API clients    infra/local/demo-clients.json (secrets regenerated on every start)
$clients

  Get a token (client credentials):
    SECRET=\$(node -p "require('./infra/local/demo-clients.json').clients.find(c => c.clientId === '$first_client').clientSecret")
    curl -s -X POST http://127.0.0.1:3002/oauth/token \\
      -d grant_type=client_credentials -d client_id=$first_client -d client_secret="\$SECRET"

  Demo people         infra/local/oidc/demo-people.json (password $(node -p "require('./infra/local/oidc/demo-people.json').password"); docs/identity.md)
                      ada.link, ben.link (link workers), cara.lead (team lead) at the PCN; one worker per VCS
  Sign in as a person (authorization code + PKCE at the local provider) and call an API:
    TOKEN=\$(npm run -s oidc:token -- cara.lead)
    curl -s http://127.0.0.1:3001/v1/referrals -H "authorization: Bearer \$TOKEN"

  Stop everything:    bash scripts/stop.sh
INFO
