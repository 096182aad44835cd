// Per-address limits count IPv4 addresses one by one and IPv6 clients per /64 prefix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from './addressKey.js';

describe('addressKey', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('::ffff:c000:207'), '192.0.2.7');
  });

  it('gives every address of one IPv6 /64 the same key, and other prefixes another', () => {
    const key = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:abcd::9',
      '2001:DB8:1:2::1%eth0',
    ]) {
      assert.equal(addressKey(address), key, address);
    }
    assert.equal(addressKey('2001:db8:1:3::1'), '2001:db8:1:3::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('2001:db8::'), '2001:db8:0:0::/64');
  });

  it('leaves anything else as it is', () => {
    assert.equal(addressKey('unknown'), 'unknown');
    assert.equal(addressKey(''), '');
  });
});
