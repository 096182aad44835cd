import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLogger } from './log.js';
import { encodeRelayedPublish, MAX_SAMPLE, parseClientMessage, routeOf } from './protocol.js';

describe('parseClientMessage', () => {
  it('accepts the four messages a stock y-webrtc client sends', () => {
    for (const message of [
      { type: 'subscribe', topics: ['a', 'b'] },
      { type: 'unsubscribe', topics: ['a'] },
      { type: 'publish', topic: 'a', data: { type: 'announce', from: 'peer' } },
      { type: 'publish', topic: 'a', data: 'base64-ciphertext==' },
      { type: 'ping' },
    ]) {
      assert.deepEqual(parseClientMessage(JSON.stringify(message)), { ok: true, message });
    }
  });

  it('tells invalid JSON from a wrong shape from an unknown type', () => {
    const cases: [string, string][] = [
      ['not json', 'invalid_json'],
      ['', 'invalid_json'],
      ['{"type":"subscribe","topics":"abc"}', 'invalid_message'],
      ['{"type":"unsubscribe","topics":"abc"}', 'invalid_message'],
      ['{"type":"subscribe","topics":[1,2]}', 'invalid_message'],
      ['{"type":"subscribe"}', 'invalid_message'],
      ['{"type":"publish","data":{}}', 'invalid_message'],
      ['{"type":"publish","topic":7}', 'invalid_message'],
      ['null', 'invalid_message'],
      ['[]', 'invalid_message'],
      ['42', 'invalid_message'],
      ['{"topics":[]}', 'invalid_message'],
      ['{"type":"announce"}', 'unknown_type'],
    ];
    for (const [text, reason] of cases) {
      assert.deepEqual(parseClientMessage(text), { ok: false, reason }, text);
    }
  });
});

describe('publish routes', () => {
  const id = '2f1c8a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';

  it('accepts hello and publishes with from, to and sample', () => {
    for (const message of [
      { type: 'hello' },
      { type: 'publish', topic: 'a', data: 'x', from: id, to: 'b_1.c:d' },
      { type: 'publish', topic: 'a', data: 'x', from: id, sample: 8 },
      { type: 'publish', topic: 'a', from: id, sample: 0, secret: 'Zm9v-YmFy_MTIzNDU2Nzg' },
    ]) {
      assert.deepEqual(parseClientMessage(JSON.stringify(message)), { ok: true, message });
    }
  });

  it('refuses route fields that are not peer ids or counts', () => {
    for (const route of [
      { to: 5 },
      { from: '' },
      { from: 'x'.repeat(65) },
      { to: 'with space' },
      { to: 'semi;colon' },
      { from: ['a'] },
      { sample: -1 },
      { sample: 1.5 },
      { sample: '3' },
      { from: id, secret: 'too-short' },
      { from: id, secret: 'x'.repeat(65) },
      { from: id, secret: 'has space in it, long enough' },
      { secret: 'a secret with no from to be for' },
    ]) {
      const text = JSON.stringify({ type: 'publish', topic: 'a', data: 'x', ...route });
      assert.deepEqual(parseClientMessage(text), { ok: false, reason: 'invalid_message' }, text);
    }
  });

  it('takes the route apart from the data, with sample cut to its cap', () => {
    const parse = (message: object) => {
      const parsed = parseClientMessage(
        JSON.stringify({ type: 'publish', topic: 't', ...message }),
      );
      assert.ok(parsed.ok && parsed.message.type === 'publish');
      return routeOf(parsed.message);
    };
    assert.deepEqual(parse({ data: { from: id } }), {});
    assert.deepEqual(parse({ from: id, to: 'b' }), { from: id, to: 'b' });
    assert.deepEqual(parse({ sample: 10_000 }), { sample: MAX_SAMPLE });
    const secret = 'a'.repeat(32);
    assert.deepEqual(parse({ from: id, secret, sample: 0 }), { from: id, secret, sample: 0 });
  });
});

describe('encodeRelayedPublish', () => {
  it('relays exactly the stock server message shape', () => {
    assert.equal(
      encodeRelayedPublish('room', { to: 'b', from: 'a', type: 'signal' }, 3),
      '{"type":"publish","topic":"room","data":{"to":"b","from":"a","type":"signal"},"clients":3}',
    );
  });
});

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level and message first', () => {
    const lines: string[] = [];
    const logger = new JsonLogger({
      level: 'info',
      write: (line) => lines.push(line),
      now: () => 0,
    });
    logger.log('debug', 'hidden');
    logger.log('info', 'listening', { port: 8080, msg: 'cannot override' });
    assert.deepEqual(lines, [
      '{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"listening","port":8080}\n',
    ]);
  });

  it('caps lines per second and reports how many it suppressed', () => {
    const lines: string[] = [];
    let now = 0;
    const logger = new JsonLogger({
      level: 'info',
      maxLinesPerSecond: 2,
      write: (line) => lines.push(line),
      now: () => now,
    });
    for (let i = 0; i < 10; i += 1) logger.log('info', 'violation');
    assert.equal(lines.length, 2);
    now = 1000;
    logger.log('info', 'later');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      parsed.slice(2).map((p) => [p.msg, p.count]),
      [
        ['log lines suppressed', 8],
        ['later', undefined],
      ],
    );
  });
});
