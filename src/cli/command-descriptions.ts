/**
 * The one-line descriptions of the commands whose modules are loaded only when run: the top-level
 * `--help` lists them without loading the cluster launcher or the load lab (seconds of imports).
 */
export const DESCRIPTIONS = {
  cluster: 'The replicated topology as real local processes on loopback ports',
  load: 'Simulate shopaholics against the store and report each operation’s latency',
  bench: 'Run a matrix of cluster configurations through `bazaar load` and write the report with charts',
} as const;
