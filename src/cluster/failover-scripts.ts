import { join } from 'node:path';
import { componentDir, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { PG_USER, STANDBY_PREFIX } from './postgres-names.js';
import { range } from './kind.js';

// The scripts pgpool-II runs in streaming mode when it detaches a backend (failover_command),
// after a primary's failover for every other backend (follow_primary_command) and when it attaches
// one (failback_command). pgpool-II runs them on the watchdog's leader only, on its own host: they
// reach the backends over the network by SQL alone (pg_promote, ALTER SYSTEM), never through a
// backend's files, so they work the same on simulated hosts and on machines of their own (ADR 21).

/**
 * On the primary: every standby streaming from it except the one named `$3`, any one of which
 * must have a commit before it is acknowledged ('' when none is left, so a primary alone still
 * takes writes: ADR 21). The list is computed here and set by ALTER SYSTEM, which cannot run in
 * a transaction or a function.
 */
export const SYNC_STANDBYS_QUERY =
  "SELECT coalesce('ANY 1 (' || string_agg(application_name, ', ' ORDER BY application_name) || ')', '') " +
  `FROM pg_stat_replication WHERE state = 'streaming' AND application_name ~ '^${STANDBY_PREFIX}[0-9]+$' ` +
  'AND application_name <> ';

/** Shell functions every script shares: the backends, a bounded psql, the log and the sync set. */
export function scriptFunctions(t: Topology, psql: string, log: string): string {
  const cases = range(countOf(t, 'postgres'))
    .map((i) => `    ${i}) echo "${at(t, 'postgres', i).host} ${at(t, 'postgres', i).port}" ;;`)
    .join('\n');
  return `LOG="${log}"
PSQL="${psql}"
BACKENDS="${range(countOf(t, 'postgres')).join(' ')}"
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ) $SCRIPT: $*" >> "$LOG"; }
# backend ID: "host port"
backend() {
  case "$1" in
${cases}
    *) return 1 ;;
  esac
}
# q HOST PORT SQL: one statement, bounded (a silent backend is given up after 2 s), errors logged.
q() { PGCONNECT_TIMEOUT=2 PGOPTIONS='-c statement_timeout=5000' "$PSQL" -h "$1" -p "$2" -U ${PG_USER} -d postgres -qAtX -c "$3" 2>> "$LOG"; }
# sync_standbys HOST PORT [EXCLUDED]: the primary waits for any one of its other streaming standbys.
sync_standbys() {
  names=$(q "$1" "$2" "${SYNC_STANDBYS_QUERY}'$3'") || return 1
  q "$1" "$2" "ALTER SYSTEM SET synchronous_standby_names = '$names'" > /dev/null &&
    q "$1" "$2" "SELECT pg_reload_conf()" > /dev/null &&
    log "synchronous_standby_names on $1:$2 = '$names'"
}
# primary_of: the id of the backend that accepts writes, if one answers.
primary_of() {
  for id in $BACKENDS; do
    [ "$id" = "$1" ] && continue
    set -- "$1" $(backend "$id")
    [ "$(q "$2" "$3" "SELECT pg_is_in_recovery()")" = f ] && { echo "$id"; return 0; }
  done
  return 1
}
`;
}

/** failover_command: %d %h %p %D %m %H %M %P %r %R %N %S. */
function failoverScript(): string {
  return `failed=$1; old_primary=$8
log "backend $failed detached (primary was $old_primary)"
if [ "$old_primary" != -1 ] && [ "$failed" != "$old_primary" ]; then
  # A standby: the primary stops waiting for it, so writes go on without it.
  set -- $(backend "$old_primary")
  sync_standbys "$1" "$2" "${STANDBY_PREFIX}$failed"
  exit 0
fi
# The primary: the standby that received the most WAL holds every acknowledged commit (each
# waited for one of them, ADR 21); it is promoted. A backend already accepting writes is kept.
best=; best_lsn=-1
for id in $BACKENDS; do
  [ "$id" = "$failed" ] && continue
  set -- $(backend "$id")
  lsn=$(q "$1" "$2" "SELECT CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')::bigint ELSE -2 END") || continue
  [ -n "$lsn" ] || continue
  if [ "$lsn" = -2 ]; then log "postgres:$id already accepts writes"; sync_standbys "$1" "$2" ""; exit 0; fi
  log "postgres:$id received WAL up to byte $lsn"
  if [ "$lsn" -gt "$best_lsn" ]; then best=$id; best_lsn=$lsn; fi
done
if [ -z "$best" ]; then log "no standby answers: nothing to promote"; exit 0; fi
set -- $(backend "$best")
# Alone at first: the other standbys follow it (follow_primary) and are waited for once they stream.
q "$1" "$2" "ALTER SYSTEM SET synchronous_standby_names = ''" > /dev/null
q "$1" "$2" "SELECT pg_reload_conf()" > /dev/null
if [ "$(q "$1" "$2" "SELECT pg_promote(true, 30)")" = t ]; then
  log "postgres:$best promoted"
else
  log "promoting postgres:$best failed"
  exit 1
fi
`;
}

/** follow_primary_command: the same arguments, for each backend but the new primary. */
function followPrimaryScript(pcpAttach: string): string {
  return `node=$1; host=$2; port=$3; new_primary=$5; new_host=$6; new_port=$9
state=$(q "$host" "$port" "SELECT pg_is_in_recovery()")
if [ -z "$state" ]; then
  log "postgres:$node does not answer: it rejoins by online recovery (cluster start)"
  exit 0
fi
if [ "$state" = f ]; then
  # A former primary still running: fenced, so that nothing it is sent can be acknowledged.
  q "$host" "$port" "ALTER SYSTEM SET default_transaction_read_only = on" > /dev/null
  q "$host" "$port" "SELECT pg_reload_conf()" > /dev/null
  log "postgres:$node still accepted writes: made read-only; it rejoins by online recovery"
  exit 0
fi
q "$host" "$port" "ALTER SYSTEM SET primary_conninfo = 'host=$new_host port=$new_port user=${PG_USER}'" > /dev/null
q "$host" "$port" "SELECT pg_reload_conf()" > /dev/null
for i in $(seq 1 60); do
  if [ "$(q "$host" "$port" "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming' AND sender_host = '$new_host' AND sender_port = $new_port")" = 1 ]; then
    log "postgres:$node streams from postgres:$new_primary"
    ${pcpAttach} "$node" >> "$LOG" 2>&1 && log "postgres:$node attached" && exit 0
    log "attaching postgres:$node failed"
    exit 1
  fi
  sleep 0.5
done
log "postgres:$node did not follow postgres:$new_primary within 30 s: it stays detached"
exit 0
`;
}

/**
 * failback_command: a backend attached again; the primary waits for it once it streams. pgpool-II
 * runs this in its main process, which serves nothing meanwhile: the wait goes on in the background.
 */
function failbackScript(): string {
  return `node=$1
primary=$(primary_of "$node") || { log "postgres:$node attached; no primary answers"; exit 0; }
set -- $(backend "$primary")
(
  for i in $(seq 1 60); do
    [ "$(q "$1" "$2" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = '${STANDBY_PREFIX}$node'")" = 1 ] && break
    sleep 0.5
  done
  sync_standbys "$1" "$2" ""
) < /dev/null > /dev/null 2>&1 &
`;
}

export interface FailoverScripts {
  /** File name -> script, written into the pgpool-II instance's folder. */
  files: Record<string, string>;
  /** pgpool.conf settings that run them. */
  settings: Record<string, string>;
}

/** The three scripts of pgpool-II instance i, and the settings naming them. */
export function failoverScripts(
  t: Topology,
  i: number,
  tools: { psql: string; pcpAttach: string },
): FailoverScripts {
  const dir = componentDir(t, 'pgpool', i);
  const script = (name: string, body: string) =>
    `#!/bin/sh\n# Written by bazaar cluster up (ADR 21).\nSCRIPT=${name}\n${scriptFunctions(t, tools.psql, join(dir, 'failover.log'))}${body}`;
  const files = {
    'failover.sh': script('failover', failoverScript()),
    'follow_primary.sh': script('follow_primary', followPrimaryScript(tools.pcpAttach)),
    'failback.sh': script('failback', failbackScript()),
  };
  return { files, settings: failoverSettings(t, i) };
}

/** The settings naming pgpool i's scripts (they take every argument pgpool-II offers). */
export function failoverSettings(t: Topology, i: number): Record<string, string> {
  const dir = componentDir(t, 'pgpool', i);
  const args = '%d %h %p %D %m %H %M %P %r %R %N %S';
  return {
    failover_command: `${join(dir, 'failover.sh')} ${args}`,
    follow_primary_command: `${join(dir, 'follow_primary.sh')} ${args}`,
    failback_command: `${join(dir, 'failback.sh')} ${args}`,
  };
}

/**
 * Run once the standbys of a new streaming cluster are started: waits until every one streams
 * from the primary (postgres:0), then makes the primary wait for any one of them (ADR 21).
 */
export function syncStandbysAtStart(t: Topology, psql: string): string {
  const log = join(componentDir(t, 'postgres', 0), 'failover.log');
  return `SCRIPT=up\n${scriptFunctions(t, psql, log)}set -- $(backend 0)
for i in $(seq 1 120); do
  [ "$(q "$1" "$2" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = ${countOf(t, 'postgres') - 1} ] && break
  sleep 0.25
done
sync_standbys "$1" "$2" ""
`;
}
