// What `cluster status` and `cluster verify` answer.

export interface ComponentStatus {
  name: string;
  kind: string;
  index: number;
  /** `loopback`, or the simulated host (its network namespace) in host placement. */
  host: string;
  pid: number | null;
  address: string;
  state: 'up' | 'down';
  /**
   * For kinds with roles (PostgreSQL backends): `primary`/`standby` (streaming) or `main`/`replica`
   * (native) as pgpool-II sees it, and whether pgpool-II sends it statements; absent otherwise.
   */
  role?: string;
  attached?: boolean;
}

export interface ClusterStatus {
  entrypoints: string[];
  components: ComponentStatus[];
}

/** `cluster verify`: every part agrees, else the differences; each kind's details under its key. */
export interface VerifyResult {
  ok: boolean;
  differences: string[];
  summaries: string[];
  [part: string]: unknown;
}
