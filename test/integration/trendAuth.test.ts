import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { PrometheusAuthError } from '../../src/prometheus/errors.ts';
import { UrlTransport, type PrometheusAuth } from '../../src/prometheus/urlTransport.ts';
import { startLocalPrometheus, type LocalPrometheus } from './localPrometheus.ts';
import { trendHistory } from './trendHistory.ts';

// A Prometheus behind basic auth (its own --web.config.file), as a Thanos or Mimir gateway often
// is: the stored credentials reach it, missing or wrong ones are said as an auth problem.

// bcrypt of "triage-test" (cost 10), made once with Python's crypt module
const WEB_CONFIG = 'basic_auth_users:\n  oncall: $2b$10$nPWei6ayg5VHvnDHmW1y2Oxau2j9OBxlAnISTXpVJqQlztYh84AkK\n';
let prom: LocalPrometheus;

before(async () => {
  prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)), WEB_CONFIG);
});
after(async () => {
  await prom?.stop();
});

async function ask(auth: PrometheusAuth | undefined, url = prom.url): Promise<unknown> {
  const client = new PrometheusClient(new UrlTransport({ url, auth }));
  try {
    return await client.query('vector(1)');
  } finally {
    await client.transport.close();
  }
}

test('the right user and password get an answer', async () => {
  assert.equal(((await ask({ kind: 'basic', username: 'oncall', password: 'triage-test' })) as unknown[]).length, 1);
});

test('so do credentials written in the URL, which are then not shown', async () => {
  const url = prom.url.replace('http://', 'http://oncall:triage-test@');
  assert.equal(((await ask(undefined, url)) as unknown[]).length, 1);
  assert.doesNotMatch(new UrlTransport({ url }).where, /triage-test|oncall/);
});

test('no credentials, a wrong password or a bearer token: an auth error that says how to set them', async () => {
  for (const auth of [undefined, { kind: 'basic', username: 'oncall', password: 'wrong' }, { kind: 'bearer', token: 't0ken' }] as const) {
    await assert.rejects(ask(auth), (err: unknown) => {
      assert.ok(err instanceof PrometheusAuthError, `${JSON.stringify(auth)}: ${String(err)}`);
      assert.match(err.message, /HTTP 401/);
      assert.match(err.hint ?? '', /Set Prometheus Credentials/);
      assert.doesNotMatch(err.message, /wrong|t0ken/);
      return true;
    });
  }
});
