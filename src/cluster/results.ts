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
