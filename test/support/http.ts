export { Client, type CallOptions, type Reply } from '../../src/lab/history/json-client.js';
