// Run by bridge-proxy-env.test.ts in a child process whose environment asks Node to use a proxy.
// Prints what a plain http.get and the bridge each received.
import http from 'node:http';
import { createHttpBridge } from '../../src/network/index.ts';

const port = Number(process.env.TARGET_PORT);
const url = `http://127.0.0.1:${port}/`;
const viaNode = await new Promise<string>((resolve, reject) => {
  http
    .get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    })
    .on('error', reject);
});
const viaBridge = await createHttpBridge().request('lab', [{ host: '127.0.0.1', port }], { method: 'GET', url, headers: {} });
process.stdout.write(JSON.stringify({ viaNode, viaBridge: viaBridge.body }));
