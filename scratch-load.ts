import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { Client } from './test/support/http.js';
import { newCustomer, newProduct } from './test/support/app.js';
import { OrderLifecycleTraffic } from './test/support/traffic.js';
const entry = ['http://127.0.0.1:29080', 'http://127.0.0.1:29081'];
const pw = JSON.parse(await readFile('/tmp/k1/cluster.json', 'utf8')).adminPassword;
const admin = (await new Client(entry[0]).post('/api/v1/auth/token', { body: { email: 'admin@bazaar.local', password: pw } })).body.token;
const product = await newProduct(new Client(entry[0]), admin, { stock: 1_000_000 });
const shoppers = await Promise.all(Array.from({ length: 8 }, () => newCustomer(new Client(entry[0]))));
const traffic = new OrderLifecycleTraffic(entry, shoppers, admin, product.id);
traffic.start();
const metric = async (url: string, name: string) => { try { return (await (await fetch(url)).text()).split('\n').filter((l) => l.startsWith(name)).map((l) => l.replace(/bazaar_|_total|\{outcome="applied"\}/g, '')).join(' '); } catch { return 'down'; } };
const t0 = Date.now();
const kill = process.argv[2] ?? 'kafka:0';
setTimeout(() => { console.log('KILL', kill); execFileSync('node', ['bin/bazaar.js', 'cluster', 'kill', kill, '--dir', '/tmp/k1']); }, 6000);
setTimeout(() => { console.log('START'); execFileSync('node', ['bin/bazaar.js', 'cluster', 'start', kill, '--dir', '/tmp/k1']); console.log('STARTED', ((Date.now() - t0) / 1000).toFixed(1)); }, 11000);
for (let i = 0; i < 20; i++) {
  await new Promise((r) => setTimeout(r, 2000));
  console.log(((Date.now() - t0) / 1000).toFixed(0), traffic.statuses.size,
    await metric('http://127.0.0.1:29050/metrics', 'bazaar_order_events_'),
    await metric('http://127.0.0.1:29051/metrics', 'bazaar_order_events_published'),
    await metric('http://127.0.0.1:29720/metrics', 'bazaar_notifier_'),
    await metric('http://127.0.0.1:29721/metrics', 'bazaar_notifier_'));
}
await traffic.stop();
