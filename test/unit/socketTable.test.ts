import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAddress, describeSkips, establishedToDatabases, parseSocketLine, socketTable, unnamedDatabasePorts } from '../../src/triage/socketTable.ts';

// The python-api pod (10.244.1.7) as its /proc/net/tcp shows it: its server on :8080, the load
// generator's loopback requests, two pooled connections and one leaked one to postgres-0
// (10.244.1.5:5432), one to Redis in TIME_WAIT, a client of its own :8080 from another pod.
const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 291871 1 0000000031344502 100 0 0 10 0
   1: 0701F40A:B26E 0501F40A:1538 01 00000000:00000000 00:00000000 00000000  1000        0 291902 1 00000000bb90c1cd 20 4 30 10 -1
   2: 0701F40A:B270 0501F40A:1538 01 00000000:00000000 00:00000000 00000000  1000        0 291905 1 000000005bf6fa33 20 4 30 10 -1
   3: 0701F40A:C350 0501F40A:1538 01 00000000:00000000 00:00000000 00000000  1000        0 291999 1 00000000907e3668 20 4 30 10 -1
   4: 0100007F:93E4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 292011 1 0000000012f10c06 20 4 30 10 -1
   5: 0100007F:1F90 0100007F:93E4 01 00000000:00000000 00:00000000 00000000  1000        0 292012 1 00000000a5b2a3a5 20 4 30 10 -1
   6: 0701F40A:D431 0901F40A:18EB 06 00000000:00000000 03:00000F2A 00000000     0        0 0 3 0000000019be345f
   7: 0701F40A:1F90 0801F40A:E1A2 01 00000000:00000000 00:00000000 00000000  1000        0 292100 1 00000000792a8ecf 20 4 30 10 -1
`;
// tcp6 of the same pod: a listener on [::]:9090, an IPv4-mapped connection to the same
// PostgreSQL, one to MySQL over IPv6 being set up, ::1 to itself.
const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 291942 1 0000000031344502 100 0 0 10 0
   1: 0000000000000000FFFF00000701F40A:B3B5 0000000000000000FFFF00000501F40A:1538 01 00000000:00000000 00:00000000 00000000  1000        0 291943 1 00000000bb90c1cd 20 4 30 10 -1
   2: B80D0120000000000000000007000000:B3B6 B80D0120000000000000000005000000:0CEA 02 00000001:00000000 01:00000123 00000002  1000        0 291950 2 000000005bf6fa33 20 4 30 10 -1
   3: 00000000000000000000000001000000:8310 00000000000000000000000001000000:2382 01 00000000:00000000 00:00000000 00000000  1000        0 291944 2 00000000907e3668 20 0 0 10 -1
`;

test('addresses: IPv4 little-endian per word, IPv6 as four such words, IPv4-mapped shown as IPv4', () => {
  assert.equal(decodeAddress('0100007F'), '127.0.0.1');
  assert.equal(decodeAddress('0501F40A'), '10.244.1.5');
  assert.equal(decodeAddress('00000000000000000000000001000000'), '::1');
  assert.equal(decodeAddress('00000000000000000000000000000000'), '::');
  assert.equal(decodeAddress('0000000000000000FFFF00000501F40A'), '10.244.1.5');
  assert.equal(decodeAddress('B80D0120000000000000000005000000'), '2001:db8::5');
  // fe80::1:2:3:4 (RFC 5952: the longest zero run becomes ::, leading zeros dropped, lower case)
  assert.equal(decodeAddress('000080FE000000000200010004000300'), 'fe80::1:2:3:4');
  // 2001:db8:0:1:0:0:0:1 -> the later, longer run is the one compressed
  assert.equal(decodeAddress('B80D0120010000000000000001000000'), '2001:db8:0:1::1');
  assert.equal(decodeAddress('0100007'), undefined);
  assert.equal(decodeAddress('0100007G'), undefined);
});

test('a line: ports big-endian hex, the state by its code, anything else refused', () => {
  assert.deepEqual(parseSocketLine('   1: 0701F40A:B26E 0501F40A:1538 01 00000000:00000000 00:00000000 00000000  1000        0 291902 1'),
    { localAddress: '10.244.1.7', localPort: 45678, remoteAddress: '10.244.1.5', remotePort: 5432, state: 'ESTABLISHED' });
  const states = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '0A', '0B']
    .map((st) => parseSocketLine(`   0: 0701F40A:B26E 0501F40A:1538 ${st} 00000000:00000000 00:00000000 00000000 0 0 1 1`)?.state);
  assert.deepEqual(states, ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING']);
  assert.equal(parseSocketLine('   0: 0701F40A:B26E 0501F40A:1538 0C 00000000:00000000 00:00000000 00000000 0 0 1 1'), undefined);
  assert.equal(parseSocketLine('   0: 0701F40A:B26E 0501F40A:1538 00 00000000:00000000'), undefined);
  assert.equal(parseSocketLine('  sl  local_address rem_address   st tx_queue'), undefined);
  assert.equal(parseSocketLine('   0: 0701F40A:B26E 0501F40A 01 00000000:00000000'), undefined);
});

test('grouped by remote address, port and state, databases named and first; noise left out and counted', () => {
  const t = socketTable([tcp, tcp6]);
  assert.deepEqual(t.groups, [
    { remoteAddress: '10.244.1.5', remotePort: 5432, state: 'ESTABLISHED', count: 4, service: 'PostgreSQL' },
    { remoteAddress: '10.244.1.9', remotePort: 6379, state: 'TIME_WAIT', count: 1, service: 'Redis' },
    { remoteAddress: '2001:db8::5', remotePort: 3306, state: 'SYN_SENT', count: 1, service: 'MySQL' },
  ]);
  // 2 listeners; 127.0.0.1 both ways and ::1 one way (the server side of ::1 -> :9090 is loopback too);
  // the other pod's client of :8080 is inbound.
  assert.deepEqual(t.skipped, { listening: 2, unbound: 0, loopback: 3, inbound: 1, malformed: 0, truncated: false });
  assert.equal(describeSkips(t.skipped), 'listening 2, loopback 3, inbound 1');
  assert.equal(establishedToDatabases(t.groups), 4);
  assert.equal(establishedToDatabases(t.groups, 5432), 4);
  assert.equal(establishedToDatabases(t.groups, 3306), 0, 'SYN_SENT is not established');
});

test('a database on the loopback (a proxy sidecar) is kept: only its client side, the proxy\'s server side is loopback', () => {
  const sidecar = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1
   1: 0100007F:9C40 0100007F:1538 01 00000000:00000000 00:00000000 00000000  1000        0 2 1
   2: 0100007F:1538 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 3 1
`;
  const t = socketTable(sidecar);
  assert.deepEqual(t.groups, [{ remoteAddress: '127.0.0.1', remotePort: 5432, state: 'ESTABLISHED', count: 1, service: 'PostgreSQL' }]);
  assert.deepEqual([t.skipped.listening, t.skipped.loopback], [1, 1]);
});

test('configured database ports replace the defaults; an unconfigured port is a plain group without a name', () => {
  const t = socketTable(tcp, { dbPorts: { 6379: 'Redis', 6432: 'PgBouncer' } });
  assert.deepEqual(t.groups.map((g) => [g.remotePort, g.service, g.count]), [[6379, 'Redis', 1], [5432, undefined, 3]]);
  assert.equal(establishedToDatabases(t.groups), 0);
});

test('`head` headers, blank and broken lines; bounded by lines', () => {
  const headed = `==> /proc/1/net/tcp <==\n${tcp}\n==> /proc/1/net/tcp6 <==\n${tcp6}garbage line\n   9: 0701F40A:B26E\n`;
  const t = socketTable(headed);
  assert.equal(t.groups[0]!.count, 4);
  assert.equal(t.skipped.malformed, 2);
  const bounded = socketTable(headed, { maxLines: 3 });
  assert.equal(bounded.skipped.truncated, true);
  assert.deepEqual(bounded.groups, [{ remoteAddress: '10.244.1.5', remotePort: 5432, state: 'ESTABLISHED', count: 2, service: 'PostgreSQL' }]);
  assert.match(describeSkips(bounded.skipped), /truncated$/);
  assert.deepEqual(socketTable('').groups, []);
});

test("a pool's port that is not a configured database port is named, so the user can add it", () => {
  const urls = ['postgresql://app:***@pgbouncer:6432/orders', 'postgresql://app:***@postgres:5432/orders', 'mysql://u@[fd00::5]:3307/x', 'sqlite:////tmp/orders.db', 'postgresql://app:***@db/orders', undefined];
  assert.deepEqual(unnamedDatabasePorts(urls), [3307, 6432]);
  assert.deepEqual(unnamedDatabasePorts(urls, { 6432: 'PgBouncer', 3307: 'MySQL', 5432: 'PostgreSQL' }), []);
});
