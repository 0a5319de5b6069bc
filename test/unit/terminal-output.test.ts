import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger.js';
import { createProgress } from '../../src/platform/progress.js';

/** A stream that keeps what is written; `isTTY` as a terminal's would say. */
function capture(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  return { stream, text: () => text };
}

test('logs: JSON lines for a collector, readable lines on a terminal', () => {
  const json = capture(false);
  createLogger('info', 'bazaar', { terminal: false, destination: json.stream }).info({ port: 8080 }, 'up');
  const line = JSON.parse(json.text().trim());
  assert.equal(line.msg, 'up');
  assert.equal(line.port, 8080);
  assert.equal(line.level, 30);

  const readable = capture(true);
  createLogger('info', 'bazaar', { terminal: true, destination: readable.stream }).info({ port: 8080 }, 'up');
  assert.match(readable.text(), /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: up \{"port":8080\}\n$/);
});

test('progress: a bar with counts and rate on a terminal, one log line per step otherwise', () => {
  const logged = capture(false);
  const logger = createLogger('info', 'bazaar', { terminal: false, destination: logged.stream });
  const lines = createProgress(logger, false);
  lines.update('seeding products', 500, 1000);
  lines.update('seeding products', 1000, 1000);
  lines.stop();
  const events = logged
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    events.map((e) => [e.msg, e.done, e.of]),
    [
      ['seeding products', 500, 1000],
      ['seeding products', 1000, 1000],
    ],
  );

  const terminal = capture(true);
  const bar = createProgress(logger, true, terminal.stream as unknown as NodeJS.WriteStream);
  bar.update('seeding products', 0, 1000);
  bar.update('seeding products', 1000, 1000);
  assert.match(terminal.text(), /seeding products +█+ 1000\/1000/);
});
