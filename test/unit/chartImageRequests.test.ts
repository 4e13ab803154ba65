import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChartImageRequests, pngFromDataUrl } from '../../src/views/chartImageRequests.ts';
import { NO_SAMPLES, type ToWebview } from '../../src/webview/protocol.ts';

// The 8-byte PNG signature and an IHDR chunk's start: enough to be told from anything else.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const dataUrl = `data:image/png;base64,${PNG.toString('base64')}`;

test('only a PNG data URL is decoded', () => {
  assert.deepEqual(pngFromDataUrl(dataUrl), new Uint8Array(PNG));
  assert.equal(pngFromDataUrl(`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`), undefined);
  assert.equal(pngFromDataUrl(`data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}`), undefined);
  assert.equal(pngFromDataUrl(42), undefined);
});

test('asks again while the page is still drawing, and stops at once when there is nothing to draw', async () => {
  let asked = 0;
  const page = (answer: (id: number) => { dataUrl?: string; reason?: string }) => {
    const requests: ChartImageRequests = new ChartImageRequests((m: ToWebview) => {
      if (m.type !== 'chartImage') return;
      asked++;
      setTimeout(() => requests.onAnswer({ type: 'chartImage', id: m.id, ...answer(asked) }), 5);
    });
    return requests;
  };
  const drawn = await page((n) => (n < 3 ? { reason: 'the chart is not drawn yet' } : { dataUrl })).askUntil(5000);
  assert.equal(asked, 3);
  assert.deepEqual(drawn.png, new Uint8Array(PNG));
  asked = 0;
  const empty = await page(() => ({ reason: NO_SAMPLES })).askUntil(5000);
  assert.equal(asked, 1);
  assert.equal(empty.reason, NO_SAMPLES);
});

test('a page that never answers ends with a reason, not a hang', async () => {
  const silent = new ChartImageRequests(() => {});
  const started = Date.now();
  const answer = await silent.askUntil(400);
  assert.equal(answer.png, undefined);
  assert.equal(answer.reason, 'the trend panel did not answer');
  assert.ok(Date.now() - started < 2000);
});
