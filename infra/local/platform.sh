#!/usr/bin/env bash
# Real local infrastructure for development, tests and CI, without Docker:
#   Kafka 3.9.1 (KRaft, single node)      127.0.0.1:9092  (controller 9093)
#   SecantusDB 0.5.3-beta.196            127.0.0.1:27017 (MongoDB wire protocol on WiredTiger,
#                                         a single-node replica set: transactions, change streams)
#   Redis 7 (AOF, noeviction)             127.0.0.1:6379
#   FHIR validator (HAPI FHIR 8.6.5)      127.0.0.1:8095  (test tool: R4 core + pinned Gravity
#                                         terminology; the test suite validates what we emit)
#   OpenID Connect provider (oidc-provider) 127.0.0.1:8096 (local people sign in to portals; its
#                                         tokens are trusted through OIDC_ISSUERS; infra/local/oidc)
#   Mailpit 1.33.1 (SMTP sink)            127.0.0.1:1025  SMTP (any credentials accepted)
#                                         127.0.0.1:8025  web UI and API: every email the platform sends
#   Fake GOV.UK Notify                    127.0.0.1:8097  (test server enforcing Notify's API;
#                                         infra/local/notify-fake)
#
# Usage: infra/local/platform.sh provision|start|stop|reset|status|logs [kafka|secantus|redis|fhir-validator|oidc|mailpit|notify-fake] [-f]
#        infra/local/platform.sh start mailpit   (Mailpit alone, e.g. onto a rebuilt binary)
#
# State (data, logs, pid files) lives in infra/local/.state/ (gitignored). Downloaded and built
# artefacts are cached in ${SP_INFRA_CACHE:-$HOME/.cache/sp-infra} and shared across clones; the
# cache is reused when present and rebuilt from the registries (apt, Maven Central, crates.io, the
# Go module proxy) when not.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="$ROOT/infra/local"
STATE="${SP_INFRA_STATE:-$LOCAL_DIR/.state}"
CACHE="${SP_INFRA_CACHE:-$HOME/.cache/sp-infra}"
LOGS="$STATE/logs"
RUN="$STATE/run"

KAFKA_VERSION=3.9.1
# SecantusDB: pinned (a beta; an upgrade is a reviewed change: test/infra.int-spec.ts pins the
# behaviour we rely on and the gaps we work around).
SECANTUS_VERSION=0.5.3-beta.196
KAFKA_LIBS="$CACHE/kafka-libs-$KAFKA_VERSION"
SECANTUS_ROOT="$CACHE/secantus-$SECANTUS_VERSION"
SECANTUS_BIN="$SECANTUS_ROOT/bin/secantusd-rs"
SECANTUS_DATA="$STATE/secantus/data"
# Measured on a 2-core machine with a cold cargo registry (2026-12-03: 5m53s, 210 crates); a busy
# machine takes longer.
SECANTUS_BUILD_SECONDS=360
SECANTUS_BUILD_UNITS=210
# The FHIR validator is built from infra/local/fhir-validator (a Maven project); the cache key is a
# hash of its sources, so a change to them builds a new one.
FHIR_VALIDATOR_SRC="$LOCAL_DIR/fhir-validator"
FHIR_VALIDATOR_DEFINITIONS="$ROOT/standards/gravity"
# Mailpit: built from its Go module source (Go module proxy) with its web UI compiled from npm
# packages (npm registry) and embedded; the cache key is the version. See provision_mailpit.
MAILPIT_VERSION=1.33.1
MAILPIT_ROOT="$CACHE/mailpit-$MAILPIT_VERSION"
MAILPIT_BIN="$MAILPIT_ROOT/bin/mailpit"
# What the cached binary holds: "embedded ..." or "missing: <why>" (written by provision_mailpit).
MAILPIT_UI_STAMP="$MAILPIT_ROOT/ui-build"
# The UI's npm dependencies are upstream's package-lock.json except where the npm registry reachable
# here lacks the locked version: sass-embedded 1.108.1 -> 1.108.2 (patch release), rapidoc 12.1.0 ->
# 9.3.8 (the newest it serves; rapidoc only renders the API docs page /api/v1/).
MAILPIT_UI_PINS='{"dependencies":{"rapidoc":"9.3.8"},"overrides":{"sass-embedded":"1.108.2"}}'
# Measured on a 2-core machine shared with other builds (2026-12-03): npm install 33 s, esbuild 13 s,
# go build ~60 s with the Go build cache warm (~320 s cold); ~2 min in all on a warm machine.
MAILPIT_BUILD_SECONDS=120

HOST=127.0.0.1
KAFKA_PORT="${SP_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${SP_KAFKA_CONTROLLER_PORT:-9093}"
# SASL_PLAINTEXT (SCRAM) listener for partner event streams: ACLs decide what each partner reads
KAFKA_SASL_PORT="${SP_KAFKA_SASL_PORT:-9094}"
MONGO_PORT="${SP_MONGO_PORT:-27017}"
REDIS_PORT="${SP_REDIS_PORT:-6379}"
FHIR_VALIDATOR_PORT="${SP_FHIR_VALIDATOR_PORT:-8095}"
OIDC_PORT="${SP_OIDC_PORT:-8096}"
SMTP_PORT="${SP_SMTP_PORT:-1025}"
MAILPIT_PORT="${SP_MAILPIT_PORT:-8025}"
NOTIFY_FAKE_PORT="${SP_NOTIFY_FAKE_PORT:-8097}"

KAFKA_READY_TIMEOUT="${SP_KAFKA_READY_TIMEOUT:-90}"
MONGO_READY_TIMEOUT="${SP_MONGO_READY_TIMEOUT:-60}"
REDIS_READY_TIMEOUT="${SP_REDIS_READY_TIMEOUT:-30}"
FHIR_VALIDATOR_READY_TIMEOUT="${SP_FHIR_VALIDATOR_READY_TIMEOUT:-180}"
OIDC_READY_TIMEOUT="${SP_OIDC_READY_TIMEOUT:-30}"
MAILPIT_READY_TIMEOUT="${SP_MAILPIT_READY_TIMEOUT:-30}"
NOTIFY_FAKE_READY_TIMEOUT="${SP_NOTIFY_FAKE_READY_TIMEOUT:-30}"
STOP_TIMEOUT="${SP_STOP_TIMEOUT:-30}"

# Every process we start carries this marker in its environment, so a port held by one of our
# processes (this checkout or another clone sharing the machine) can be told from a stranger's.
OWNER_MARK="SP_INFRA_OWNER=$STATE"

log() { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

# ------------------------------------------------------------------------------------------------
# helpers

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

port_open() {
  # true when something accepts TCP connections on 127.0.0.1:$1
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

read_pid() {
  local f="$RUN/$1.pid"
  if [ -s "$f" ]; then tr -dc '0-9' <"$f"; fi
}

our_pid() {
  # pid of component $1 when our pid file points to a live process started by this checkout
  local pid
  pid="$(read_pid "$1")"
  if pid_alive "$pid" && [ "$(owner_of_pid "$pid")" = "$STATE" ]; then
    echo "$pid"
  fi
}

owner_of_pid() {
  # prints the SP_INFRA_OWNER of a process (empty when it is not one of ours)
  if grep -q '^redis-server' "/proc/$1/cmdline" 2>/dev/null; then
    # redis overwrites its environment block with its process title; ask it for its data dir
    redis_owner "$(tr '\0' ' ' <"/proc/$1/cmdline" | sed -n 's/.*:\([0-9][0-9]*\).*/\1/p')"
    return 0
  fi
  [ -r "/proc/$1/environ" ] || return 0
  tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | sed -n 's/^SP_INFRA_OWNER=//p' | head -n1 || true
}

listener_pid() {
  # pid of the process listening on TCP port $1 (empty when unknown)
  local port="$1" inode hexport
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1 || true
    return 0
  fi
  hexport="$(printf '%04X' "$port")"
  inode="$(awk -v p=":$hexport" '$2 ~ p"$" && $4 == "0A" { print $10; exit }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
  [ -n "$inode" ] || return 0
  for fd in /proc/[0-9]*/fd/*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then
      echo "$fd" | cut -d/ -f3
      return 0
    fi
  done
}

describe_listener() {
  local pid
  pid="$(listener_pid "$1")"
  if [ -n "$pid" ]; then
    echo "pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120))"
  else
    echo "an unknown process"
  fi
}

# Decides what to do with a component whose port is open but whose pid file is not ours.
# Prints "foreign-owner:<state dir>" when another checkout's platform.sh owns it, fails otherwise.
claim_port() {
  local name="$1" port="$2" pid owner
  pid="$(listener_pid "$port")"
  owner=""
  [ -n "$pid" ] && owner="$(owner_of_pid "$pid")"
  if [ -n "$owner" ] && [ "$owner" != "$STATE" ]; then
    echo "foreign-owner:$owner"
    return 0
  fi
  die "$name: port $port is already in use by $(describe_listener "$port"), which was not started by this script. Stop it or free the port (override with SP_${name^^}_PORT)."
}

wait_until() {
  # wait_until <description> <timeout s> <log file> <command...>: bounded polling
  local what="$1" limit="$2" logfile="$3"
  shift 3
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      warn "$what not ready after ${limit}s"
      if [ -n "$logfile" ] && [ -f "$logfile" ]; then
        warn "last lines of $logfile:"
        tail -n 40 "$logfile" >&2 || true
      fi
      return 1
    fi
    sleep 1
  done
  log "$what ready after $((SECONDS - start))s"
}

start_detached() {
  # start_detached <name> <log file> <command...>: own session (survives the caller), pid file
  local name="$1" logfile="$2"
  shift 2
  mkdir -p "$RUN" "$LOGS"
  env "$OWNER_MARK" setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$name.pid" "$@" \
    </dev/null >>"$logfile" 2>&1 &
  # the pid file is written by the child; wait (bounded) until it is there
  local _
  for _ in $(seq 1 50); do
    [ -s "$RUN/$name.pid" ] && return 0
    sleep 0.1
  done
  die "$name: failed to launch (see $logfile)"
}

stop_pid() {
  # stop_pid <name> <pid>: SIGTERM, bounded wait, then SIGKILL
  local name="$1" pid="$2" start=$SECONDS
  kill -TERM "$pid" 2>/dev/null || return 0
  while pid_alive "$pid"; do
    if [ $((SECONDS - start)) -ge "$STOP_TIMEOUT" ]; then
      warn "$name (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  log "$name stopped"
}

# ------------------------------------------------------------------------------------------------
# provisioning

require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20+ is required (node not found on PATH)"
}

kafka_libs_complete() {
  [ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ] &&
    [ -f "$KAFKA_LIBS/kafka-tools-$KAFKA_VERSION.jar" ] &&
    [ -f "$KAFKA_LIBS/slf4j-reload4j-1.7.36.jar" ] &&
    [ -f "$KAFKA_LIBS/reload4j-1.2.25.jar" ]
}

provision_kafka() {
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
  if kafka_libs_complete; then
    log "kafka $KAFKA_VERSION: jars cached in $KAFKA_LIBS"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "kafka $KAFKA_VERSION: resolving jars from Maven Central (first run only)"
  mkdir -p "$CACHE"
  local tmp="$CACHE/.kafka-libs.tmp.$$"
  rm -rf "$tmp"
  mvn -q -B -Dstyle.color=never -f "$LOCAL_DIR/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS" # atomic: a half-finished download never looks complete
  kafka_libs_complete || die "kafka jars incomplete in $KAFKA_LIBS"
  log "kafka $KAFKA_VERSION: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS"
}


# SecantusDB: built from its crates.io source with cargo (Rust + CMake + a C compiler; the crate
# compiles WiredTiger from bundled source). The cache key is the version: bump SECANTUS_VERSION
# and the next start builds the new one and restarts a running server on it.
secantus_ok() {
  # capture first: `binary | grep -q` fails under pipefail when grep exits early (SIGPIPE)
  local out
  [ -x "$SECANTUS_BIN" ] && out="$("$SECANTUS_BIN" --version 2>/dev/null)" && [[ "$out" == *"$SECANTUS_VERSION"* ]]
}

require_rust() {
  if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 ||
    die "Rust (cargo) is required to build SecantusDB; install it with rustup (https://rustup.rs) and re-run"
  command -v cmake >/dev/null 2>&1 || apt_install cmake
  command -v cc >/dev/null 2>&1 || apt_install build-essential
}

# Prints a progress line every 30 s while cargo runs: crates compiled so far out of the crates the
# build compiles (measured), elapsed time and an estimate from the measured build time. WiredTiger
# is one crate whose C build takes several minutes, so the count pauses there; the estimate says so.
secantus_build_progress() {
  local buildlog="$1" start=$SECONDS n elapsed left
  while sleep 30; do
    n="$(grep -c '^ *Compiling ' "$buildlog" 2>/dev/null || true)"
    elapsed=$((SECONDS - start))
    left=$((SECANTUS_BUILD_SECONDS - elapsed))
    if [ "$left" -gt 60 ]; then
      left="about $((left / 60)) min left at the measured pace"
    else
      left="nearly done (slower machines take longer)"
    fi
    log "secantusdb: building, $n of ~$SECANTUS_BUILD_UNITS crates compiled, $((elapsed / 60))m$((elapsed % 60))s elapsed, $left; last: $(grep '^ *Compiling ' "$buildlog" | tail -n1 | awk '{ print $2 }')"
  done
}

provision_secantus() {
  if secantus_ok; then
    log "secantusdb $SECANTUS_VERSION: binary cached at $SECANTUS_BIN"
    return 0
  fi
  require_rust
  mkdir -p "$CACHE" "$LOGS"
  local buildlog="$LOGS/secantus-build.log" tmp="$CACHE/.secantus-$SECANTUS_VERSION.tmp.$$"
  log "secantusdb $SECANTUS_VERSION: building from crates.io with cargo (first run only)."
  log "secantusdb: measured about $((SECANTUS_BUILD_SECONDS / 60)) min on 2 idle cores (the WiredTiger C build is most of it); progress every 30 s, full log: $buildlog"
  rm -rf "$tmp"
  secantus_build_progress "$buildlog" &
  local progress=$! rc=0
  # --locked: the crate's own Cargo.lock, so every machine builds the same dependency versions.
  # --ignore-rust-version: the crate declares Rust 1.98; 1.95 builds it (verified). The target dir
  # lives in the cache so an interrupted build resumes where it stopped.
  CARGO_TARGET_DIR="$CACHE/secantus-target" cargo install secantus-mdb --version "$SECANTUS_VERSION" \
    --locked --ignore-rust-version --root "$tmp" >"$buildlog" 2>&1 || rc=$?
  kill "$progress" 2>/dev/null || true
  wait "$progress" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$buildlog" >&2
    rm -rf "$tmp"
    die "secantusdb: cargo install failed (exit $rc; full log: $buildlog)"
  fi
  rm -rf "$SECANTUS_ROOT"
  mv "$tmp" "$SECANTUS_ROOT" # atomic: a half-finished build never looks complete
  rm -rf "$CACHE/secantus-target"
  secantus_ok || die "built SecantusDB binary does not report $SECANTUS_VERSION"
  log "secantusdb $SECANTUS_VERSION: built $SECANTUS_BIN"
}

provision_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server
    # The package may start a system-wide instance on 6379 (systemd machines). We installed it
    # just now, so it is ours to stop; platform.sh runs its own instance with its own config.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
      log "redis: stopping and disabling the system redis-server service installed by apt"
      as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
    elif [ -x /etc/init.d/redis-server ] && port_open 6379; then
      # no systemd (containers): the package's init script may have started it
      log "redis: stopping the system redis-server started by the package's init script"
      as_root /etc/init.d/redis-server stop >/dev/null 2>&1 || true
      as_root update-rc.d redis-server disable >/dev/null 2>&1 || true
    fi
  fi
  log "redis: $(redis-server --version | awk '{ print $3 }' | sed 's/^v=//') installed"
}


# ------------------------------------------------------------------------------------------------
# secantusdb (MongoDB wire protocol on WiredTiger; a single-node replica set)

probe_mongo() { node "$LOCAL_DIR/probe.mjs" mongo "$HOST" "$MONGO_PORT"; }

start_secantus() {
  local running
  running="$(our_pid secantus)"
  if [ -n "$running" ] && [ "$(readlink "/proc/$running/exe" 2>/dev/null)" != "$SECANTUS_BIN" ]; then
    log "secantusdb: running another build; restarting it with $SECANTUS_VERSION"
    stop_pid secantus "$running"
    rm -f "$RUN/secantus.pid"
  fi
  if [ -n "$(our_pid secantus)" ]; then
    log "secantusdb: already running (pid $(our_pid secantus))"
  elif port_open "$MONGO_PORT"; then
    local owner
    owner="$(claim_port mongo "$MONGO_PORT")"
    log "secantusdb: port $MONGO_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
  else
    log "secantusdb: starting $SECANTUS_VERSION on $HOST:$MONGO_PORT (data in ${SECANTUS_DATA#"$ROOT"/})"
    mkdir -p "$SECANTUS_DATA"
    # An explicit (empty) config file turns off the server's auto-discovery of ./secantusd.toml and
    # ~/.secantus/secantusd.toml: every setting is on this command line.
    : >"$STATE/secantus/secantusd.toml"
    # Durability: without --sync-on-commit an acknowledged write can be lost when the server is
    # killed (measured: kill -9 after 1,000 acknowledged inserts, 35-44 missing on restart; the
    # write concern's j:true is not honoured). With it, none are lost, at about a third of the
    # write throughput under concurrency. Every accepted write must be durable, so it is on.
    local sync=(--sync-on-commit)
    [ "${SP_SECANTUS_SYNC_ON_COMMIT:-1}" = 0 ] && sync=()
    start_detached secantus "$LOGS/secantus.log" "$SECANTUS_BIN" \
      --config "$STATE/secantus/secantusd.toml" \
      --host "$HOST" \
      --port "$MONGO_PORT" \
      --storage-path "$SECANTUS_DATA" \
      --cache-size "${SP_SECANTUS_CACHE_SIZE:-512M}" \
      --log-level "${SP_SECANTUS_LOG_LEVEL:-WARNING}" \
      --log-file-max 32MB \
      "${sync[@]}"
  fi
}

# ------------------------------------------------------------------------------------------------
# redis

write_redis_conf() {
  mkdir -p "$STATE/redis"
  cat >"$STATE/redis/redis.conf" <<EOF
# generated by infra/local/platform.sh; edits are overwritten on start
port $REDIS_PORT
bind $HOST
protected-mode yes
daemonize yes
pidfile $RUN/redis.pid
logfile $LOGS/redis.log
dir $STATE/redis
# BullMQ: jobs must survive a restart and must never be evicted
appendonly yes
appendfsync everysec
maxmemory-policy noeviction
EOF
}

redis_owner() {
  # state dir of the platform.sh instance serving redis on port $1 (empty if not one of ours)
  local dir
  dir="$(redis-cli -h "$HOST" -p "$1" config get dir 2>/dev/null | sed -n 2p)"
  case "$dir" in */redis) [ -f "$dir/redis.conf" ] && echo "${dir%/redis}" ;; esac
}

redis_ping() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

start_redis() {
  if [ -n "$(our_pid redis)" ]; then
    log "redis: already running (pid $(our_pid redis))"
  elif port_open "$REDIS_PORT"; then
    local owner
    owner="$(claim_port redis "$REDIS_PORT")"
    log "redis: port $REDIS_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
  else
    log "redis: starting on $HOST:$REDIS_PORT"
    write_redis_conf
    rm -f "$RUN/redis.pid"
    env "$OWNER_MARK" redis-server "$STATE/redis/redis.conf"
  fi
}

# ------------------------------------------------------------------------------------------------
# kafka

kafka_cp() { echo "$KAFKA_LIBS/*"; }

write_kafka_conf() {
  mkdir -p "$STATE/kafka/data"
  cat >"$STATE/kafka/server.properties" <<EOF
# generated by infra/local/platform.sh; edits are overwritten on start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT,PARTNER://$HOST:$KAFKA_SASL_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,PARTNER://$HOST:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PARTNER:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$STATE/kafka/data
num.partitions=6
auto.create.topics.enable=false
delete.topic.enable=true
# single node: internal topics cannot have more replicas than brokers, or consumer groups hang
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
# tests join groups often; do not wait for more members
group.initial.rebalance.delay.ms=0
# Partner event streams: partners connect to PARTNER (SASL_PLAINTEXT, SCRAM users made through the
# admin API by the notifications service) and ACLs let each read only its own topics and groups.
# Locally the internal services and the controller stay on PLAINTEXT as ANONYMOUS, a super user;
# production puts internal services on SASL with their own users (docs/notifications/partner-streams.md).
listener.name.partner.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
listener.name.partner.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.partner.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
allow.everyone.if.no.acl.found=false
EOF
  cat >"$STATE/kafka/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOGS/kafka.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.log=WARN
EOF
  cat >"$STATE/kafka/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
EOF
}

kafka_tool() {
  java -Xmx256m -Dlog4j.configuration="file:$STATE/kafka/tools-log4j.properties" -cp "$(kafka_cp)" "$@"
}

format_kafka_storage() {
  if [ -f "$STATE/kafka/data/meta.properties" ]; then
    return 0
  fi
  local uuid
  uuid="$(kafka_tool kafka.tools.StorageTool random-uuid | tail -n1)"
  log "kafka: formatting storage (cluster id $uuid)"
  kafka_tool kafka.tools.StorageTool format -t "$uuid" -c "$STATE/kafka/server.properties" >/dev/null
}

kafka_conf_hash() { sha256sum <"$STATE/kafka/server.properties" | cut -c1-16; }

start_kafka() {
  local running owner hash
  # The broker reads its configuration once, at start: a running broker of ours whose generated
  # configuration changed (e.g. a new listener) is restarted on it. Its data is kept: topics,
  # offsets, SCRAM users and ACLs live in the log dirs and the metadata log.
  write_kafka_conf
  hash="$(kafka_conf_hash)"
  running="$(our_pid kafka)"
  if [ -n "$running" ] && [ "$(cat "$RUN/kafka.conf.hash" 2>/dev/null)" != "$hash" ]; then
    log "kafka: its configuration changed; restarting it (data kept)"
    stop_pid kafka "$running"
    rm -f "$RUN/kafka.pid"
  fi
  if [ -n "$(our_pid kafka)" ]; then
    log "kafka: already running (pid $(our_pid kafka))"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    owner="$(claim_port kafka "$KAFKA_PORT")"
    log "kafka: port $KAFKA_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
    return 0
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    owner="$(claim_port kafka "$KAFKA_CONTROLLER_PORT")"
    die "kafka: controller port $KAFKA_CONTROLLER_PORT is held by another checkout's broker but $KAFKA_PORT is not; stop that broker first"
  fi
  format_kafka_storage
  log "kafka: starting $KAFKA_VERSION (KRaft) on $HOST:$KAFKA_PORT (partners: SASL_PLAINTEXT $HOST:$KAFKA_SASL_PORT)"
  echo "$hash" >"$RUN/kafka.conf.hash"
  start_detached kafka "$LOGS/kafka.out" java -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$STATE/kafka/log4j.properties" \
    -Dkafka.logs.dir="$LOGS" \
    -cp "$(kafka_cp)" kafka.Kafka "$STATE/kafka/server.properties"
}

probe_kafka() { node "$LOCAL_DIR/probe.mjs" kafka "$HOST" "$KAFKA_PORT"; }


# ------------------------------------------------------------------------------------------------
# FHIR validator (HAPI FHIR's instance validator over HTTP; see infra/local/fhir-validator)

fhir_validator_home() {
  local hash
  hash="$( (cat "$FHIR_VALIDATOR_SRC/pom.xml"; find "$FHIR_VALIDATOR_SRC/src" -type f -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-12)"
  echo "$CACHE/fhir-validator-$hash"
}

provision_fhir_validator() {
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
  command -v javac >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
  local home
  home="$(fhir_validator_home)"
  if [ -f "$home/fhir-validator.jar" ] && [ -d "$home/lib" ]; then
    log "fhir-validator: built in $home"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "fhir-validator: building with Maven (HAPI FHIR from Maven Central; first run only)"
  local tmp="$CACHE/.fhir-validator.tmp.$$" t0=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp -r "$FHIR_VALIDATOR_SRC/pom.xml" "$FHIR_VALIDATOR_SRC/src" "$tmp/"
  mvn -q -B -Dstyle.color=never -f "$tmp/pom.xml" package
  mkdir -p "$tmp/out"
  mv "$tmp/target/fhir-validator-1.0.0.jar" "$tmp/out/fhir-validator.jar"
  mv "$tmp/target/lib" "$tmp/out/lib"
  rm -rf "$home"
  mv "$tmp/out" "$home" # atomic: a half-finished build never looks complete
  rm -rf "$tmp"
  log "fhir-validator: built in $((SECONDS - t0))s ($(find "$home/lib" -name '*.jar' | wc -l) jars)"
}

probe_fhir_validator() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://$HOST:$FHIR_VALIDATOR_PORT/health"
}

start_fhir_validator() {
  if [ -n "$(our_pid fhir-validator)" ]; then
    log "fhir-validator: already running (pid $(our_pid fhir-validator))"
    return 0
  fi
  local owner home
  if port_open "$FHIR_VALIDATOR_PORT"; then
    owner="$(claim_port fhir_validator "$FHIR_VALIDATOR_PORT")"
    log "fhir-validator: port $FHIR_VALIDATOR_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
    return 0
  fi
  home="$(fhir_validator_home)"
  log "fhir-validator: starting on $HOST:$FHIR_VALIDATOR_PORT (loads the R4 core definitions: ~30-40 s)"
  FHIR_VALIDATOR_HOST="$HOST" FHIR_VALIDATOR_PORT="$FHIR_VALIDATOR_PORT" \
    start_detached fhir-validator "$LOGS/fhir-validator.log" java -Xms256m -Xmx1g -Djava.awt.headless=true \
    -cp "$home/fhir-validator.jar:$home/lib/*" org.socialprescribing.fhirvalidator.ValidatorServer \
    "$FHIR_VALIDATOR_DEFINITIONS"
}

# ------------------------------------------------------------------------------------------------
# OpenID Connect provider (oidc-provider from npm; infra/local/oidc/server.mjs). People, sessions
# and grants live in its memory; its signing and cookie keys in $STATE/oidc/keys.json (made at the
# first start, reused after). It runs the checkout's code: `start` restarts it when its sources or
# the installed oidc-provider changed.

OIDC_DIR="$LOCAL_DIR/oidc"
OIDC_ISSUER="http://$HOST:$OIDC_PORT"

provision_oidc() {
  [ -f "$ROOT/node_modules/oidc-provider/package.json" ] && [ -f "$ROOT/node_modules/tsx/package.json" ] ||
    die "oidc: the npm packages are not installed (oidc-provider, tsx); run \`npm install\` in $ROOT first"
}

oidc_code_hash() {
  (cat "$OIDC_DIR"/*.mjs "$OIDC_DIR"/*.json "$ROOT/node_modules/oidc-provider/package.json") | sha256sum | cut -c1-16
}

probe_oidc() {
  # the discovery document answers, for the issuer we expect
  node -e '
    fetch(process.argv[1] + "/.well-known/openid-configuration", { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((d) => process.exit(d.issuer === process.argv[1] ? 0 : 1), () => process.exit(1));' "$OIDC_ISSUER"
}

start_oidc() {
  local running owner hash
  hash="$(oidc_code_hash)"
  running="$(our_pid oidc)"
  if [ -n "$running" ] && [ "$(cat "$RUN/oidc.hash" 2>/dev/null)" != "$hash" ]; then
    log "oidc: its code changed; restarting it (people created through /dev/people are forgotten)"
    stop_pid oidc "$running"
    rm -f "$RUN/oidc.pid"
  fi
  if [ -n "$(our_pid oidc)" ]; then
    log "oidc: already running (pid $(our_pid oidc))"
    return 0
  fi
  if port_open "$OIDC_PORT"; then
    owner="$(claim_port oidc "$OIDC_PORT")"
    log "oidc: port $OIDC_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
    return 0
  fi
  log "oidc: starting the local OpenID Connect provider on $OIDC_ISSUER (keys in ${STATE#"$ROOT"/}/oidc)"
  echo "$hash" >"$RUN/oidc.hash"
  SP_OIDC_PORT="$OIDC_PORT" SP_OIDC_HOST="$HOST" SP_OIDC_ISSUER="$OIDC_ISSUER" SP_OIDC_STATE_DIR="$STATE/oidc" \
    start_detached oidc "$LOGS/oidc.log" node "$OIDC_DIR/server.mjs"
}

# ------------------------------------------------------------------------------------------------
# Mailpit (SMTP sink with a web UI and an API; github.com/axllent/mailpit). Every email the
# platform sends locally lands here: a developer reads it at http://127.0.0.1:8025, tests read it
# through /api/v1/search. Messages live in $STATE/mailpit/mailpit.db (the newest
# SP_MAILPIT_MAX_MESSAGES are kept); `reset` deletes them.

MAILPIT_UI="http://$HOST:$MAILPIT_PORT"

mailpit_ok() {
  # the cached binary is the pinned version and was built by the UI-aware recipe (the stamp says
  # whether its UI is embedded; a stamp of "missing" is kept, not retried on every start)
  local out
  [ -x "$MAILPIT_BIN" ] && [ -s "$MAILPIT_UI_STAMP" ] &&
    out="$("$MAILPIT_BIN" version --no-release-check 2>/dev/null)" && [[ "$out" == *"v$MAILPIT_VERSION"* ]]
}

require_go() {
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || apt_install golang-go
  # Mailpit's go.mod asks for Go 1.26. A Go from 1.21 on fetches that toolchain from the Go module
  # proxy by itself (GOTOOLCHAIN=auto below); an older one (Debian 12's golang-go is 1.19) cannot.
  local minor
  minor="$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p')"
  if [ -z "$minor" ] || [ "$minor" -lt 21 ]; then
    die "mailpit: needs Go 1.21 or newer to build (found $(go env GOVERSION 2>/dev/null || echo none)); install Go from https://go.dev/dl into /usr/local/go and re-run"
  fi
}

build_mailpit_ui() {
  # build_mailpit_ui <mailpit source dir> <log>: compiles server/ui-src into server/ui/dist (app.js,
  # app.css, docs.js, fonts), which the Go build embeds. The Go module ships without it (upstream
  # builds it with npm + esbuild before a release). Returns non-zero, leaving no dist, on failure.
  local src="$1" buildlog="$2"
  # (commands chained with &&: errexit does not apply inside a function called from `if`)
  (
    cd "$src" &&
    # Only what the build needs: drop upstream's lint/e2e tooling (eslint, playwright, jsdom,
    # prettier) and apply MAILPIT_UI_PINS; the rest of package-lock.json is used as locked.
    node -e '
      const fs = require("fs");
      const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
      const pins = JSON.parse(process.argv[1]);
      const keep = ["esbuild", "esbuild-plugin-vue-next", "esbuild-sass-plugin", "@vue/compiler-sfc"];
      for (const name of Object.keys(pkg.devDependencies || {})) if (!keep.includes(name)) delete pkg.devDependencies[name];
      Object.assign(pkg.dependencies, pins.dependencies);
      pkg.overrides = pins.overrides;
      fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");' "$MAILPIT_UI_PINS" &&
      # --ignore-scripts: nothing the bundle needs runs an install script (esbuild and sass-embedded
      # ship their binaries as platform packages); it also skips native builds and telemetry.
      npm install --no-audit --no-fund --ignore-scripts --loglevel=warn &&
      npm run build &&
      [ -s server/ui/dist/app.js ] && [ -s server/ui/dist/app.css ]
  ) >"$buildlog" 2>&1 && return 0
  rm -rf "$src/server/ui/dist" "$src/node_modules"
  return 1
}

provision_mailpit() {
  if mailpit_ok; then
    log "mailpit $MAILPIT_VERSION: binary cached at $MAILPIT_BIN ($(cat "$MAILPIT_UI_STAMP"))"
    if ! grep -q '^embedded' "$MAILPIT_UI_STAMP"; then
      warn "mailpit: the cached binary has no web UI (the API works); to retry the UI build: rm -rf $MAILPIT_ROOT && infra/local/platform.sh provision"
    fi
    return 0
  fi
  require_go
  require_node
  mkdir -p "$CACHE" "$LOGS"
  local buildlog="$LOGS/mailpit-build.log" uilog="$LOGS/mailpit-ui-build.log" tmp="$CACHE/.mailpit-$MAILPIT_VERSION.tmp.$$"
  local t0=$SECONDS t1 dir ui rc=0
  log "mailpit $MAILPIT_VERSION: building with its web UI (first run only; measured ~$MAILPIT_BUILD_SECONDS s on 2 cores; logs: $uilog, $buildlog)"
  rm -rf "$tmp"
  mkdir -p "$tmp/bin"
  # 1. the module source from the Go module proxy (go.sum-checked, kept in GOMODCACHE), copied so
  #    the UI can be built inside it (the module cache is read-only)
  dir="$(cd "$tmp" && GOTOOLCHAIN=auto go mod download -json "github.com/axllent/mailpit@v$MAILPIT_VERSION" 2>>"$buildlog" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const m = JSON.parse(s); if (m.Error || !m.Dir) process.exit(1); console.log(m.Dir); });')" ||
    { tail -n 40 "$buildlog" >&2; rm -rf "$tmp"; die "mailpit: go mod download failed (log: $buildlog)"; }
  cp -R "$dir" "$tmp/src"
  chmod -R u+w "$tmp/src"
  # 2. the web UI (npm registry). A failure is not fatal: the binary still serves SMTP and the API.
  t1=$SECONDS
  if build_mailpit_ui "$tmp/src" "$uilog"; then
    ui="embedded (UI built with npm + esbuild in $((SECONDS - t1))s; pins $MAILPIT_UI_PINS)"
    log "mailpit: web UI built in $((SECONDS - t1))s"
  else
    ui="missing: the UI build failed (log: $uilog)"
    tail -n 20 "$uilog" >&2
    warn "mailpit: building the web UI failed (log: $uilog); building Mailpit without it: SMTP and the API work, http://$HOST:$MAILPIT_PORT/ shows a blank page"
  fi
  # 3. the binary, embedding server/ui/dist when present. The module and build caches (GOMODCACHE,
  #    GOCACHE) make a rebuild fast. -X ...config.Version: what the release build stamps (without
  #    it the binary reports "dev").
  t1=$SECONDS
  (cd "$tmp/src" && CGO_ENABLED=0 GOTOOLCHAIN=auto go build -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=v$MAILPIT_VERSION" \
    -o "$tmp/bin/mailpit" .) >>"$buildlog" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$buildlog" >&2
    rm -rf "$tmp"
    die "mailpit: go build failed (exit $rc; full log: $buildlog)"
  fi
  log "mailpit: go build took $((SECONDS - t1))s"
  rm -rf "$tmp/src"
  echo "$ui" >"$tmp/ui-build"
  rm -rf "$MAILPIT_ROOT"
  mv "$tmp" "$MAILPIT_ROOT" # atomic: a half-finished build never looks complete
  mailpit_ok || die "built Mailpit binary does not report v$MAILPIT_VERSION"
  log "mailpit $MAILPIT_VERSION: built $MAILPIT_BIN in $((SECONDS - t0))s ($ui)"
}

probe_mailpit() {
  # the API answers with its version, and the SMTP port accepts connections
  node -e '
    fetch(process.argv[1] + "/api/v1/info", { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((d) => { console.log("v" + String(d.Version).replace(/^v/, "") + ", " + d.Messages + " messages"); process.exit(d.Version ? 0 : 1); }, () => process.exit(1));' \
    "$MAILPIT_UI" && port_open "$SMTP_PORT"
}

start_mailpit() {
  local running owner
  running="$(our_pid mailpit)"
  if [ -n "$running" ] && [ "$(readlink "/proc/$running/exe" 2>/dev/null)" != "$MAILPIT_BIN" ]; then
    log "mailpit: running another build; restarting it with $MAILPIT_VERSION"
    stop_pid mailpit "$running"
    rm -f "$RUN/mailpit.pid"
  fi
  if [ -n "$(our_pid mailpit)" ]; then
    log "mailpit: already running (pid $(our_pid mailpit))"
    return 0
  fi
  if port_open "$MAILPIT_PORT"; then
    owner="$(claim_port mailpit "$MAILPIT_PORT")"
    log "mailpit: port $MAILPIT_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
    return 0
  fi
  if port_open "$SMTP_PORT"; then
    owner="$(claim_port smtp "$SMTP_PORT")"
    die "mailpit: SMTP port $SMTP_PORT is held by another checkout's Mailpit but $MAILPIT_PORT is not; stop it first"
  fi
  mkdir -p "$STATE/mailpit"
  log "mailpit: starting on smtp://$HOST:$SMTP_PORT (UI and API $MAILPIT_UI)"
  # --smtp-auth-accept-any + --smtp-auth-allow-insecure: an SMTP_URL with credentials (as a real
  # relay needs) works against it over plain SMTP. --disable-version-check: no call to GitHub.
  start_detached mailpit "$LOGS/mailpit.log" "$MAILPIT_BIN" \
    --smtp "$HOST:$SMTP_PORT" \
    --listen "$HOST:$MAILPIT_PORT" \
    --database "$STATE/mailpit/mailpit.db" \
    --max "${SP_MAILPIT_MAX_MESSAGES:-5000}" \
    --smtp-auth-accept-any \
    --smtp-auth-allow-insecure \
    --disable-version-check
}

# ------------------------------------------------------------------------------------------------
# Fake GOV.UK Notify (infra/local/notify-fake/server.mjs): a local HTTP server that enforces Notify's
# documented API (JWT bearer auth, request bodies, error shapes, rate limiting) and lets tests read
# what it received. GOV.UK Notify itself cannot run locally. Like the OIDC provider, `start`
# restarts it when its code changed.

NOTIFY_FAKE_DIR="$LOCAL_DIR/notify-fake"
NOTIFY_FAKE_URL="http://$HOST:$NOTIFY_FAKE_PORT"

notify_fake_present() { [ -f "$NOTIFY_FAKE_DIR/server.mjs" ]; }

notify_fake_code_hash() {
  find "$NOTIFY_FAKE_DIR" -maxdepth 2 -type f \( -name '*.mjs' -o -name '*.json' \) -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16
}

probe_notify_fake() {
  # its health route (server.mjs: GET /_fake/health -> 200 {"status":"ok"})
  node -e '
    fetch(process.argv[1] + "/_fake/health", { signal: AbortSignal.timeout(2000) })
      .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));' "$NOTIFY_FAKE_URL"
}

start_notify_fake() {
  local running owner hash
  if ! notify_fake_present; then
    log "notify-fake: $NOTIFY_FAKE_DIR/server.mjs not in this checkout; not starting it"
    return 0
  fi
  hash="$(notify_fake_code_hash)"
  running="$(our_pid notify-fake)"
  if [ -n "$running" ] && [ "$(cat "$RUN/notify-fake.hash" 2>/dev/null)" != "$hash" ]; then
    log "notify-fake: its code changed; restarting it (what it received so far is forgotten)"
    stop_pid notify-fake "$running"
    rm -f "$RUN/notify-fake.pid"
  fi
  if [ -n "$(our_pid notify-fake)" ]; then
    log "notify-fake: already running (pid $(our_pid notify-fake))"
    return 0
  fi
  if port_open "$NOTIFY_FAKE_PORT"; then
    owner="$(claim_port notify_fake "$NOTIFY_FAKE_PORT")"
    log "notify-fake: port $NOTIFY_FAKE_PORT served by another checkout (${owner#foreign-owner:}); reusing it"
    return 0
  fi
  log "notify-fake: starting the fake GOV.UK Notify API on $NOTIFY_FAKE_URL"
  echo "$hash" >"$RUN/notify-fake.hash"
  SP_NOTIFY_FAKE_PORT="$NOTIFY_FAKE_PORT" SP_NOTIFY_FAKE_HOST="$HOST" SP_NOTIFY_FAKE_STATE_DIR="$STATE/notify-fake" \
    start_detached notify-fake "$LOGS/notify-fake.log" node "$NOTIFY_FAKE_DIR/server.mjs"
}

# ------------------------------------------------------------------------------------------------
# commands

# The dashboard's browser test drives Debian's chromium through puppeteer-core (never a browser
# download); it fails, not skips, without one, so the platform installs it.
provision_chromium() {
  command -v chromium >/dev/null 2>&1 || apt_install chromium
}

cmd_provision() {
  require_node
  mkdir -p "$STATE" "$LOGS" "$RUN" "$CACHE"
  provision_chromium
  provision_redis
  provision_kafka
  provision_secantus
  provision_fhir_validator
  provision_oidc
  provision_mailpit
}

# Earlier versions of this script ran FerretDB on PostgreSQL. A checkout that still has one of ours
# running gets it stopped (its port is the one SecantusDB needs); PostgreSQL is left alone.
retire_ferretdb() {
  local pid
  pid="$(our_pid ferretdb)"
  if [ -n "$pid" ]; then
    log "ferretdb: stopping the FerretDB this checkout started before the move to SecantusDB (pid $pid)"
    stop_pid ferretdb "$pid"
  fi
  rm -f "$RUN/ferretdb.pid"
}

cmd_start_mailpit() {
  # `start mailpit`: provision and (re)start Mailpit alone, e.g. onto a newly built binary, leaving
  # the other components as they are (a running Mailpit on an older binary is restarted; its
  # messages are kept).
  require_node
  mkdir -p "$STATE" "$LOGS" "$RUN" "$CACHE"
  provision_mailpit
  start_mailpit
  wait_until "mailpit" "$MAILPIT_READY_TIMEOUT" "$LOGS/mailpit.log" probe_mailpit || die "mailpit did not become ready (logs: infra/local/platform.sh logs mailpit)"
  log "mailpit up: SMTP smtp://$HOST:$SMTP_PORT, UI and API $MAILPIT_UI ($(cat "$MAILPIT_UI_STAMP"))"
}

cmd_start() {
  local t0=$SECONDS
  case "${1:-}" in
    "") ;;
    mailpit | mail)
      cmd_start_mailpit
      return 0
      ;;
    *) die "start takes no component or 'mailpit' (got '$1')" ;;
  esac
  cmd_provision
  retire_ferretdb
  # Kafka is the slowest to come up: launch it first, prepare the rest while it boots.
  start_kafka
  start_secantus
  start_redis
  start_fhir_validator
  start_oidc
  start_mailpit
  start_notify_fake
  local failed=0
  wait_until "redis" "$REDIS_READY_TIMEOUT" "$LOGS/redis.log" redis_ping || failed=1
  wait_until "secantusdb" "$MONGO_READY_TIMEOUT" "$LOGS/secantus.log" probe_mongo || failed=1
  wait_until "kafka" "$KAFKA_READY_TIMEOUT" "$LOGS/kafka.log" probe_kafka || failed=1
  wait_until "fhir-validator" "$FHIR_VALIDATOR_READY_TIMEOUT" "$LOGS/fhir-validator.log" probe_fhir_validator || failed=1
  wait_until "oidc" "$OIDC_READY_TIMEOUT" "$LOGS/oidc.log" probe_oidc || failed=1
  wait_until "mailpit" "$MAILPIT_READY_TIMEOUT" "$LOGS/mailpit.log" probe_mailpit || failed=1
  if notify_fake_present; then
    wait_until "notify-fake" "$NOTIFY_FAKE_READY_TIMEOUT" "$LOGS/notify-fake.log" probe_notify_fake || failed=1
  fi
  [ "$failed" -eq 0 ] || die "infrastructure did not become ready (logs: infra/local/platform.sh logs <component>)"
  log "all up in $((SECONDS - t0))s: kafka $HOST:$KAFKA_PORT, mongodb://$HOST:$MONGO_PORT (SecantusDB), redis://$HOST:$REDIS_PORT, FHIR validator http://$HOST:$FHIR_VALIDATOR_PORT, OIDC provider $OIDC_ISSUER, SMTP smtp://$HOST:$SMTP_PORT (mail UI $MAILPIT_UI)$(notify_fake_present && echo ", fake GOV.UK Notify $NOTIFY_FAKE_URL")"
}

cmd_stop() {
  local name pid
  retire_ferretdb
  for name in kafka secantus redis fhir-validator oidc mailpit notify-fake; do
    pid="$(our_pid "$name")"
    if [ -n "$pid" ]; then
      log "$name: stopping (pid $pid)"
      stop_pid "$name" "$pid"
    else
      log "$name: not running (from this checkout)"
    fi
    rm -f "$RUN/$name.pid"
  done
}

cmd_reset() {
  # Throw away all data: Kafka topics, SecantusDB databases, Redis keys, mail. Caches are kept.
  cmd_stop
  rm -rf "$STATE/kafka" "$STATE/redis" "$STATE/secantus" "$STATE/ferretdb" "$STATE/oidc" "$STATE/mailpit" \
    "$STATE/notify-fake" "$LOGS" "$RUN"
  log "state removed; the next start begins from empty Kafka, SecantusDB, Redis and Mailpit, and new OIDC provider keys"
}

status_line() {
  # status_line <name> <endpoint> <check command...>
  local name="$1" endpoint="$2"
  shift 2
  local pid owner detail
  pid="$(our_pid "$name")"
  if [ -n "$pid" ]; then
    owner="pid $pid"
  elif port_open "${endpoint##*:}"; then
    owner="$(describe_listener "${endpoint##*:}")"
  else
    owner="not running"
  fi
  if detail="$("$@" 2>&1)"; then
    printf '[infra] %-14s UP    %-22s %s %s\n' "$name" "$endpoint" "$owner" "${detail:+($detail)}"
    return 0
  fi
  printf '[infra] %-14s DOWN  %-22s %s\n' "$name" "$endpoint" "$owner"
  return 1
}

cmd_status() {
  local rc=0
  status_line kafka "$HOST:$KAFKA_PORT" probe_kafka || rc=1
  status_line secantus "$HOST:$MONGO_PORT" probe_mongo || rc=1
  status_line redis "$HOST:$REDIS_PORT" redis_ping || rc=1
  status_line fhir-validator "$HOST:$FHIR_VALIDATOR_PORT" probe_fhir_validator || rc=1
  status_line oidc "$HOST:$OIDC_PORT" probe_oidc || rc=1
  status_line mailpit "$HOST:$MAILPIT_PORT" probe_mailpit || rc=1
  if notify_fake_present; then
    status_line notify-fake "$HOST:$NOTIFY_FAKE_PORT" probe_notify_fake || rc=1
  fi
  return "$rc"
}

cmd_logs() {
  local which="${1:-all}" lines="${SP_LOG_LINES:-100}" f follow=()
  [ "${2:-}" = "-f" ] && follow=(-f)
  case "$which" in
    kafka) f="$LOGS/kafka.log" ;;
    secantus | secantusdb | mongo) f="$LOGS/secantus.log" ;;
    redis) f="$LOGS/redis.log" ;;
    fhir-validator | validator) f="$LOGS/fhir-validator.log" ;;
    oidc) f="$LOGS/oidc.log" ;;
    mailpit | mail) f="$LOGS/mailpit.log" ;;
    notify-fake | notify) f="$LOGS/notify-fake.log" ;;
    all)
      for which in kafka secantus redis fhir-validator oidc mailpit notify-fake; do
        echo "==> $which"
        cmd_logs "$which" || true
      done
      return 0
      ;;
    *) die "unknown component '$which' (kafka|secantus|redis|fhir-validator|oidc|mailpit|notify-fake)" ;;
  esac
  [ -f "$f" ] || die "no log yet at $f"
  tail -n "$lines" "${follow[@]}" "$f"
  if [ "$which" = kafka ] && [ -s "$LOGS/kafka.out" ]; then
    echo "==> $LOGS/kafka.out (stdout/stderr)"
    tail -n 20 "$LOGS/kafka.out"
  fi
}

usage() {
  cat <<EOF
usage: infra/local/platform.sh <command>
  provision   install/build Kafka, SecantusDB, Redis, the FHIR validator, Mailpit; check the OIDC provider's npm packages (idempotent, cached in $CACHE)
  start       provision if needed, start everything, wait until usable (no-op when running)
  start mailpit   provision and (re)start Mailpit only (onto a rebuilt binary), leaving the rest running
  stop        stop what this checkout started
  reset       stop, then delete all data (Kafka log dirs, SecantusDB data, Redis AOF, OIDC provider keys, Mailpit messages)
  status      show each component; exit 0 only when all of them are up
  logs [kafka|secantus|redis|fhir-validator|oidc|mailpit|notify-fake] [-f]   tail the logs (SP_LOG_LINES, default 100)
EOF
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  mkdir -p "$STATE" "$LOGS" "$RUN"
  case "$cmd" in
    provision) cmd_provision ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    reset) cmd_reset ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

# `; exit` on the same line: bash reads a script while running it, so an edit to this file made
# while a copy runs (a long provision) must not make that copy execute whatever text follows.
main "$@"; exit
