import { isHosts, isMachines, type Topology } from './layout.js';
import { at, hasOwnAddresses } from './addresses.js';
import { PG_USER, STANDBY_PREFIX, START_REQUEST } from './postgres-names.js';
import type { PostgresPaths } from './requirements.js';

/** Settings of a backend's own that a copy of another (base backup, rewind) must not keep. */
export const OWN_SETTINGS = (dir: string, port: string, node: string, listen = '127.0.0.1') =>
  `printf "port = %s\\nunix_socket_directories = '%s'\\nlisten_addresses = '%s'\\ncluster_name = '${STANDBY_PREFIX}%s'\\n" "${port}" "$(dirname "${dir}")" "${listen}" "${node}" >> "${dir}/postgresql.auto.conf"`;

/**
 * The scripts pgpool-II runs (inside the main backend, as postgres) for online recovery.
 * Arguments: $1 main PGDATA, $2 target host, $3 target PGDATA, $4 main port, $5 target node id,
 * $6 target port, $7 main host. Native replication copies everything in the second stage, while
 * clients are held. Streaming replication makes the target a standby of the primary in the
 * first: rewound when it has data (a former primary gives up what it wrote after the failover),
 * else a base backup; never a copy of a standby, which would leave nothing able to take writes.
 */
export function recoveryScripts(t: Topology, pg: PostgresPaths): Record<string, string> {
  const streaming = t.mode === 'streaming';
  const copying = streaming ? 'recovery_1st_stage' : 'recovery_2nd_stage';
  const idle = streaming ? 'recovery_2nd_stage' : 'recovery_1st_stage';
  if (isMachines(t))
    return {
      [copying]: launcherRequest('copy'),
      [idle]: '#!/bin/sh\nexit 0\n',
      pgpool_remote_start: remoteStartRequest(
        t,
        pg,
        `${OWN_FOLDER}/${START_REQUEST}-$(basename "$(dirname "$2")")`,
      ),
    };
  return {
    [copying]: copyScript(t, pg, '127.0.0.1'),
    [idle]: '#!/bin/sh\nexit 0\n',
    // On simulated hosts this script runs on the main node's host, which cannot start a server
    // on another: it asks the launcher to (START_REQUEST), which watches for the file.
    pgpool_remote_start: isHosts(t)
      ? remoteStartRequest(t, pg, `$(dirname "$2")/${START_REQUEST}`)
      : `#!/bin/sh
# $1 target host, $2 target PGDATA
exec ${pg.bin}/pg_ctl -D "$2" -l "$(dirname "$2")/postgres.log" -w -t 60 start > /dev/null
`,
  };
}

/**
 * The copy of the main node onto the target, with the recovery scripts' arguments; it reads the
 * main node at `source` (127.0.0.1 where the script runs beside it, "$7" from the target's own
 * machine).
 */
export function copyScript(t: Topology, pg: PostgresPaths, source: string): string {
  const listen = hasOwnAddresses(t) ? '$2,127.0.0.1' : '127.0.0.1';
  const main = `host=${source} port=$4 user=${PG_USER} dbname=postgres`;
  const copy = `rm -rf "$3"
${pg.bin}/pg_basebackup -h ${source} -p "$4" -U ${PG_USER} -D "$3" -X stream -c fast`;
  const ownSettings = `chmod 700 "$3"
${OWN_SETTINGS('$3', '$6', '$5', listen)}`;
  if (t.mode !== 'streaming') return `#!/bin/sh\nset -e\n${copy}\n${ownSettings}\n`;
  return `#!/bin/sh
set -e
if [ "$(${pg.bin}/psql -d "${main}" -qAtXc 'SELECT pg_is_in_recovery()')" != f ]; then
  echo "recovery: the main node (port $4) is not a primary; refusing to copy a standby" >&2
  exit 1
fi
# A promoted primary's control file names its new timeline only after a checkpoint.
${pg.bin}/psql -d "${main}" -qAtXc 'CHECKPOINT'
if [ -f "$3/PG_VERSION" ] && ${pg.bin}/pg_rewind -D "$3" --source-server="${main}"; then
  echo "recovery: $3 rewound to the primary's timeline"
else
  ${copy}
fi
${ownSettings}
printf "primary_conninfo = 'host=%s port=%s user=${PG_USER}'\\n" "$7" "$4" >> "$3/postgresql.auto.conf"
touch "$3/standby.signal"
`;
}

/** Leaves a request file for the launcher and returns once the target answers (it starts it). */
function remoteStartRequest(t: Topology, pg: PostgresPaths, request: string): string {
  return `#!/bin/sh
# $1 target host, $2 target PGDATA. Returns once it answers: pgpool-II gives a start 6 s.
touch "${request}"
for i in $(seq 1 240); do
  ${pg.bin}/pg_isready -q -h "$1" -p ${at(t, 'postgres', 0).port} -t 1 && exit 0
  sleep 0.25
done
exit 1
`;
}

/**
 * The folder of the backend whose data folder holds the script (the script's own path, as
 * pgpool_recovery runs it): a copy of another backend's data brings that one's scripts along, so
 * no script may name its backend.
 */
const OWN_FOLDER = '$(dirname "$(dirname "$0")")';

/**
 * On machines of their own, the main node's machine cannot write the target's files: the stage
 * leaves its arguments in a request beside the main node, the launcher runs the copy on the
 * target's machine (copyScript, reading the main node over the network) and answers with its exit
 * status, which the stage returns (machine-recovery.ts).
 */
function launcherRequest(stage: string): string {
  return `#!/bin/sh
# $5 target node id. Waits up to 5 minutes for the launcher's answer.
request="${OWN_FOLDER}/recovery-$5"
rm -f "$request.done"
{ echo "${stage} $*" > "$request.part" && mv "$request.part" "$request.request"; } || exit 1
for i in $(seq 1 3000); do
  if [ -f "$request.done" ]; then status=$(cat "$request.done"); rm -f "$request.done"; exit "$status"; fi
  sleep 0.1
done
rm -f "$request.request"
echo "recovery: no answer from the launcher" >&2
exit 1
`;
}
