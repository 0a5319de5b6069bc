import { isHosts, type Topology } from './layout.js';
import { at } from './addresses.js';
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
  const listen = isHosts(t) ? '$2,127.0.0.1' : '127.0.0.1';
  const source = `host=127.0.0.1 port=$4 user=${PG_USER} dbname=postgres`;
  const copy = `rm -rf "$3"
${pg.bin}/pg_basebackup -h 127.0.0.1 -p "$4" -U ${PG_USER} -D "$3" -X stream -c fast`;
  const ownSettings = `chmod 700 "$3"
${OWN_SETTINGS('$3', '$6', '$5', listen)}`;
  const standby = `#!/bin/sh
set -e
if [ "$(${pg.bin}/psql -d "${source}" -qAtXc 'SELECT pg_is_in_recovery()')" != f ]; then
  echo "recovery: the main node (port $4) is not a primary; refusing to copy a standby" >&2
  exit 1
fi
# A promoted primary's control file names its new timeline only after a checkpoint.
${pg.bin}/psql -d "${source}" -qAtXc 'CHECKPOINT'
if [ -f "$3/PG_VERSION" ] && ${pg.bin}/pg_rewind -D "$3" --source-server="${source}"; then
  echo "recovery: $3 rewound to the primary's timeline"
else
  ${copy}
fi
${ownSettings}
printf "primary_conninfo = 'host=%s port=%s user=${PG_USER}'\\n" "$7" "$4" >> "$3/postgresql.auto.conf"
touch "$3/standby.signal"
`;
  const native = `#!/bin/sh
set -e
${copy}
${ownSettings}
`;
  const streaming = t.mode === 'streaming';
  return {
    recovery_1st_stage: streaming ? standby : '#!/bin/sh\nexit 0\n',
    recovery_2nd_stage: streaming ? '#!/bin/sh\nexit 0\n' : native,
    // On simulated hosts this script runs on the main node's host, which cannot start a server
    // on another: it asks the launcher to (START_REQUEST), which watches for the file.
    pgpool_remote_start: isHosts(t)
      ? `#!/bin/sh
# $1 target host, $2 target PGDATA. Returns once it answers: pgpool-II gives a start 6 s.
touch "$(dirname "$2")/${START_REQUEST}"
for i in $(seq 1 240); do
  ${pg.bin}/pg_isready -q -h "$1" -p ${at(t, 'postgres', 0).port} -t 1 && exit 0
  sleep 0.25
done
exit 1
`
      : `#!/bin/sh
# $1 target host, $2 target PGDATA
exec ${pg.bin}/pg_ctl -D "$2" -l "$(dirname "$2")/postgres.log" -w -t 60 start > /dev/null
`,
  };
}
