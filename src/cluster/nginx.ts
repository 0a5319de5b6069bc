import { join } from 'node:path';
import { componentDir, hostPort, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { machineOf } from './machines/machine-of.js';
import { waitReadyOn } from './machines/daemons.js';
import { portAnswers } from '../platform/processes.js';
import { programOn } from './requirements.js';
import { traceSample } from './kinds/api.kind.js';
import { SECURITY_HEADERS } from '../platform/http/security-headers.js';

/**
 * nginx i balances over every API instance: upstream keepalive (kept below Node's 5 s so a reused
 * socket is never closed under a request), passive health checks, a retry on another instance when
 * a connection fails or times out (nginx never resends a non-idempotent request once it was sent),
 * the request id passed through (or made), and an access log with the upstream's time.
 * A 503 from an API instance is passed on, neither retried nor counted against the instance: it
 * means a store behind every instance is away (a failover in progress), and counting it made nginx
 * mark all instances failed and answer even catalogue reads with its own 503 while the Redis
 * primary failed over. max_fails=3 keeps one refused connection from taking an instance out.
 */
/** How nginx passes a request to the API instances (every location that proxies says the same). */
const TO_API = `      proxy_pass http://bazaar_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Request-Id $bazaar_request_id;
      proxy_set_header traceparent $bazaar_traceparent;
      proxy_next_upstream error timeout http_502;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
      # Keepalive probes on upstream connections: an idle one to an instance that went silent is
      # dropped in seconds (the hosts' kernel settings, ADR 21), not handed the next request.
      proxy_socket_keepalive on;
      # Above the API's own bounds on its stores (a statement 5 s, a connection 2 s: its 503 comes
      # first), and under the clients' 9 s (ADR 21): a request sent to an instance whose link was
      # cut ends here at the latest, and a retry elsewhere (an idempotent one, or one never sent)
      # only happens within the same 8 s.
      proxy_send_timeout 8s;
      proxy_read_timeout 8s;
      proxy_next_upstream_timeout 8s;`;

/**
 * A problem document nginx answers itself (the API is not asked), with the headers every API
 * response has: the request id, who served it, and the security headers.
 */
function ownProblem(
  i: number,
  name: string,
  status: number,
  code: string,
  title: string,
  detail: string,
  retry = false,
): string {
  const body = JSON.stringify({ type: `https://bazaar.dev/problems/${code}`, title, status, detail });
  const headers = [
    ...(retry ? [['Retry-After', '1']] : []),
    ['X-Request-Id', '$bazaar_request_id'],
    ['X-Served-By', `nginx:${i}`],
    ...Object.entries(SECURITY_HEADERS),
  ];
  return `    location @${name} {
      default_type application/problem+json;
${headers.map(([header, value]) => `      add_header ${header} "${value}" always;`).join('\n')}
      return ${status} '${body}';
    }`;
}

/** nginx's limit_conn per client address. */
export const NGINX_CONNECTIONS_PER_ADDRESS = 1000;

/** The API instances nginx balances over. */
function upstreamServers(t: Topology): string {
  const instances = Array.from({ length: countOf(t, 'api') }, (_, a) => hostPort(at(t, 'api', a)));
  // Each instance twice: as a peer that failures set aside for 5 s, and as a backup that nothing
  // sets aside. When every peer is set aside, the usual cause is nginx's own link, not every
  // instance at once (a cut nginx counts its own timeouts against all of them); without the
  // backups it refused every request for up to 5 s after its link came back ("no live upstreams"),
  // with them the first request after the link is back is served.
  return [
    ...instances.map((address) => `    server ${address} max_fails=3 fail_timeout=5s;`),
    ...instances.map((address) => `    server ${address} backup max_fails=0;`),
  ].join('\n');
}

export function nginxConf(t: Topology, i: number): string {
  const dir = componentDir(t, 'nginx', i);
  const upstreams = upstreamServers(t);
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  map $http_x_request_id $bazaar_request_id { default $http_x_request_id; "" $request_id; }
${traceContext(traceSample(t))}
  log_format bazaar '$remote_addr [$time_iso8601] "$request" $status $body_bytes_sent '
                    'rt=$request_time urt=$upstream_response_time ua=$upstream_addr rid=$bazaar_request_id '
                    'trace=$bazaar_trace_id';
  access_log ${dir}/access.log bazaar buffer=64k flush=1s;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  # The API's limit (1 MiB), enforced here: an instance that refuses a body while nginx is still
  # sending it breaks the upstream connection, so nginx answers first, with the same problem.
  client_max_body_size 1m;
  # No version in the Server header or on nginx's own pages.
  server_tokens off;
  # Slow clients (a header or body trickled in, a response never read) lose their connection
  # instead of holding it: a slowloris costs nginx a socket for 10 s, never an API instance.
  client_header_timeout 10s;
  client_body_timeout 10s;
  send_timeout 10s;
  keepalive_timeout 30s;
  # At most ${NGINX_CONNECTIONS_PER_ADDRESS} connections from one client address: far above what a
  # browser or the load lab opens, far below what exhausts the workers (4096).
  limit_conn_zone $binary_remote_addr zone=bazaar_per_address:10m;
  limit_conn bazaar_per_address ${NGINX_CONNECTIONS_PER_ADDRESS};
  limit_conn_status 429;
  upstream bazaar_api {
${upstreams}
    keepalive 64;
    keepalive_timeout 4s;
  }
${
  t.observability
    ? `  # Its status page, for the exporter beside it: a listener of its own, never the entrypoint.
  server {
    listen ${hostPort(at(t, 'nginxStatus', i))};
    access_log off;
    location = /stub_status { stub_status; }
    location / { return 404; }
  }
`
    : ''
}  server {
    listen ${hostPort(at(t, 'nginx', i))};
    # What nginx answers itself is a problem document too, never an HTML page.
    error_page 413 = @too_large;
    error_page 429 = @too_many;
    # nginx refuses TRACE itself (405, without Allow); the API knows each path's methods, so the
    # refusal is its: 405 with Allow, as a problem document, like any other method a path lacks.
    error_page 405 = @api;
    error_page 502 503 504 = @unavailable;
${ownProblem(i, 'too_large', 413, 'payload-too-large', 'Payload too large', 'The request body is larger than the limit')}
${ownProblem(i, 'too_many', 429, 'too-many-requests', 'Too many requests', 'Too many connections from this address', true)}
${ownProblem(i, 'unavailable', 503, 'unavailable', 'Service unavailable', 'No API instance could answer; try again shortly', true)}
    location / {
${TO_API}
    }
    location @api {
${TO_API}
    }
  }
}
`;
}

/**
 * W3C trace context: a client's \`traceparent\` passes through untouched; without one, nginx starts
 * the trace, with its request id as the trace id and the cluster's share sampled (split_clients
 * on that id), so the API follows nginx's decision. The trace id goes to the access log.
 */
function traceContext(sample: number): string {
  const percent = Math.round(sample * 10_000) / 100;
  const sampled = percent >= 100 ? '  * 01;' : percent > 0 ? `  ${percent}% 01;\n    * 00;` : '  * 00;';
  return `  split_clients "$request_id" $bazaar_trace_flags {
  ${sampled}
  }
  map $request_id $bazaar_parent_id { "~^(?<head>[0-9a-f]{16})" $head; }
  map $http_traceparent $bazaar_traceparent {
    "" "00-$request_id-$bazaar_parent_id-$bazaar_trace_flags";
    default $http_traceparent;
  }
  map $bazaar_traceparent $bazaar_trace_id { "~^[0-9a-f]{2}-(?<id>[0-9a-f]{32})-" $id; default -; }`;
}

export async function writeNginxConfig(t: Topology, i: number): Promise<void> {
  const dir = componentDir(t, 'nginx', i);
  const machine = machineOf(t, 'nginx', i);
  await machine.remove(dir);
  // Workers run as nobody when the master is root: they need their temp folder.
  await machine.mkdir(join(dir, 'tmp'), process.getuid?.() === 0 ? { owner: NOBODY } : {});
  await machine.writeFile(join(dir, 'nginx.conf'), nginxConf(t, i));
}

const NOBODY = { uid: 65534, gid: 65534, name: 'nobody' };

export async function startNginx(t: Topology, i: number): Promise<number> {
  const dir = componentDir(t, 'nginx', i);
  const machine = machineOf(t, 'nginx', i);
  const pid = await machine.startDaemon(
    await programOn(machine, 'nginx'),
    ['-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-p', dir],
    { logFile: join(dir, 'nginx.out') },
  );
  const { host, port } = at(t, 'nginx', i);
  await waitReadyOn(machine, pid, () => portAnswers(port, host), 30_000, `nginx:${i} listening`);
  return pid;
}
