import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_LIMITS, loadConfig } from './config.js';

const nowhere = join(tmpdir(), 'meshchat-no-such-module-dir', 'a', 'b');

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({}, nowhere);
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.limits, DEFAULT_LIMITS);
    assert.deepEqual(config.clientConfig, { signalingUrls: [], iceServers: [] });
    assert.equal(config.logLevel, 'info');
    assert.ok(DEFAULT_LIMITS.maxFrameBytes <= 1024 * 1024, 'far below ws’s 100 MiB default');
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        MAX_FRAME_BYTES: '4096',
        MAX_TOPICS_PER_CONNECTION: '5',
        MAX_TOPIC_LENGTH: '32',
        MAX_CONNECTIONS: '100',
        MAX_CONNECTIONS_PER_IP: '7',
        PUBLISH_RATE: '3',
        PUBLISH_BURST: '9',
        PUBLISH_BYTES_RATE: '1000',
        PUBLISH_BYTES_BURST: '8000',
        ADDRESS_PUBLISH_RATE: '11',
        ADDRESS_PUBLISH_BYTES_RATE: '3000',
        HEARTBEAT_INTERVAL_MS: '1000',
        MAX_BUFFERED_BYTES: '2048',
        SLOW_READER_GRACE_MS: '250',
        HTTP_HEADERS_TIMEOUT_MS: '2000',
        NODE_ENV: 'development',
        ALLOWED_ORIGINS: 'https://chat.example, http://localhost:5173/',
        TRUST_PROXY: 'yes',
        LOG_LEVEL: 'DEBUG',
        SHUTDOWN_GRACE_MS: '100',
        SIGNALING_URLS: 'wss://a.example/signal,,ws://b.example',
        ICE_SERVERS: '[{"urls":"stun:stun.example:3478"}]',
      },
      nowhere,
    );
    assert.equal(config.port, 9000);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.limits, {
      maxFrameBytes: 4096,
      maxTopicsPerConnection: 5,
      maxTopicLength: 32,
      maxConnections: 100,
      maxConnectionsPerAddress: 7,
      publishRatePerSec: 3,
      publishBurst: 9,
      publishBytesPerSec: 1000,
      publishBytesBurst: 8000,
      addressPublishRatePerSec: 11,
      addressPublishBytesPerSec: 3000,
      heartbeatIntervalMs: 1000,
      maxBufferedBytes: 2048,
      slowReaderGraceMs: 250,
      allowedOrigins: ['https://chat.example', 'http://localhost:5173'],
      trustProxy: true,
    });
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.shutdownGraceMs, 100);
    assert.equal(config.httpHeadersTimeoutMs, 2000);
    assert.equal(config.development, true);
    // A byte burst below one accepted frame would make that frame unrelayable: raised to it.
    assert.equal(
      loadConfig({ MAX_FRAME_BYTES: '9000', PUBLISH_BYTES_BURST: '1000' }, nowhere).limits
        .publishBytesBurst,
      9000,
    );
    assert.deepEqual(config.clientConfig, {
      signalingUrls: ['wss://a.example/signal', 'ws://b.example'],
      iceServers: [{ urls: 'stun:stun.example:3478' }],
    });
  });

  it('throws a ConfigError naming the variable for every invalid value', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT must be an integer from 0 to 65535, got "eighty"/],
      [{ PORT: '70000' }, /PORT/],
      [{ MAX_FRAME_BYTES: '0' }, /MAX_FRAME_BYTES/],
      [{ MAX_FRAME_BYTES: '1.5' }, /MAX_FRAME_BYTES/],
      [{ MAX_TOPICS_PER_CONNECTION: '-1' }, /MAX_TOPICS_PER_CONNECTION/],
      [{ PUBLISH_RATE: 'fast' }, /PUBLISH_RATE/],
      [{ HEARTBEAT_INTERVAL_MS: '1' }, /HEARTBEAT_INTERVAL_MS/],
      [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY must be true or false/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of debug, info, warn, error/],
      [{ ALLOWED_ORIGINS: 'chat.example' }, /ALLOWED_ORIGINS: "chat.example" is not an origin/],
      [{ ALLOWED_ORIGINS: 'https://chat.example/app' }, /must be scheme:\/\/host\[:port\] only/],
      [
        { SIGNALING_URLS: 'https://signal.example' },
        /SIGNALING_URLS: .* must start with ws:\/\/ or wss:\/\//,
      ],
      [{ SIGNALING_URLS: 'not a url' }, /SIGNALING_URLS: "not a url" is not a URL/],
      [{ ICE_SERVERS: '{"urls":"stun:x"}' }, /ICE_SERVERS must be a JSON array/],
      [{ ICE_SERVERS: '[{"urls":' }, /ICE_SERVERS must be a JSON array, e.g./],
      [{ ICE_SERVERS: '["stun:x"]' }, /ICE_SERVERS\[0\] must be an object/],
      [
        { ICE_SERVERS: '[{"urls":"http://x"}]' },
        /ICE_SERVERS\[0\].urls: "http:\/\/x" must be a stun:/,
      ],
      [{ ICE_SERVERS: '[{"urls":[]}]' }, /ICE_SERVERS\[0\].urls is empty/],
      [
        { ICE_SERVERS: '[{"urls":"turn:x","username":1}]' },
        /ICE_SERVERS\[0\].username must be a string/,
      ],
      [{ ICE_SERVERS: '[{"url":"stun:x"}]' }, /ICE_SERVERS\[0\].urls/],
      [
        { ICE_SERVERS: '[{"urls":"stun:x","credentialType":"oauth"}]' },
        /unknown field\(s\): credentialType/,
      ],
      [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
      [{ REDIS_URL: 'redis://[' }, /REDIS_URL: "redis:\/\/\[" is not a URL/],
      [
        { STATIC_DIR: join(tmpdir(), 'meshchat-does-not-exist') },
        /STATIC_DIR: ".*" is not a directory/,
      ],
    ];
    for (const [env, message] of bad) {
      assert.throws(
        () => loadConfig(env, nowhere),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, JSON.stringify(env));
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });

  it('finds <repo>/dist two levels above the module, else none', () => {
    const repo = mkdtempSync(join(tmpdir(), 'meshchat-repo-'));
    try {
      const moduleDir = join(repo, 'dist-server', 'server');
      mkdirSync(moduleDir, { recursive: true });
      assert.equal(loadConfig({}, moduleDir).staticDir === join(repo, 'dist'), false);
      mkdirSync(join(repo, 'dist'));
      assert.equal(loadConfig({}, moduleDir).staticDir, join(repo, 'dist'));
      assert.equal(loadConfig({ STATIC_DIR: moduleDir }, moduleDir).staticDir, moduleDir);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
