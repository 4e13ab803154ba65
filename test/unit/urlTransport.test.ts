import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrometheusError } from '../../src/prometheus/errors.ts';
import { UrlTransport } from '../../src/prometheus/urlTransport.ts';

// The message of a refused URL is shown and logged: it names the address, never its credentials.
function refusal(url: string): string {
  try {
    new UrlTransport({ url });
  } catch (err) {
    assert.ok(err instanceof PrometheusError, String(err));
    return err.message;
  }
  assert.fail(`"${url}" was taken for a URL`);
}

test('a URL that does not parse is quoted without its user and password', () => {
  assert.equal(refusal('https://admin:s3cret@thanos.example.com:90 90'), '"https://…@thanos.example.com:90 90" is not a URL.');
  // a raw "@" in the password: everything up to the last "@" goes
  assert.equal(refusal('https://admin:p@ss@thanos.example.com:90 90/prom'), '"https://…@thanos.example.com:90 90/prom" is not a URL.');
  // no scheme: "admin:" would be taken for one
  assert.equal(refusal('admin:s3cret@thanos.example.com:9090'), '"…@thanos.example.com:9090" is not an http or https URL.');
  assert.equal(refusal('ftp://thanos.example.com'), '"ftp://thanos.example.com" is not an http or https URL.');
});

test('a URL that does not parse is quoted without its query, which may hold a key', () => {
  assert.equal(refusal('https://thanos.example.com:90 90/prom?api_key=k3y#x'), '"https://thanos.example.com:90 90/prom…" is not a URL.');
});

test('`where` keeps the path of a datasource proxy and drops user, password and query', async () => {
  const t = new UrlTransport({ url: 'https://bob:s3cret@grafana.example.com/api/datasources/proxy/uid/abc?orgId=2&api_key=k3y' });
  assert.equal(t.where, 'https://grafana.example.com/api/datasources/proxy/uid/abc');
  await t.close();
});
