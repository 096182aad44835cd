import { expect } from '@esm-bundle/chai';
import {
  BAD_PASSWORD,
  BAD_ROOM_ID,
  isRoomId,
  newRoomId,
  parseRoomInput,
  parseRoute,
  roomLink,
  routePath,
} from './RoomLink';

describe('RoomLink', () => {
  it('makes room ids of 22 base64url characters, all different', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRoomId()));
    expect(ids.size).to.equal(50);
    for (const id of ids) expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
  });

  it('accepts 8-64 characters of [A-Za-z0-9_-] only', () => {
    expect(isRoomId('abcdefgh')).to.equal(true);
    expect(isRoomId('a'.repeat(64))).to.equal(true);
    expect(isRoomId('abcdefg')).to.equal(false);
    expect(isRoomId('a'.repeat(65))).to.equal(false);
    expect(isRoomId('abc/defgh')).to.equal(false);
    expect(isRoomId('<script>x')).to.equal(false);
  });

  it('reads /r/<id>#k=<password> and writes it back', () => {
    const route = parseRoute({ pathname: '/r/room-1234', hash: '#k=secret_1' });
    expect(route).to.deep.equal({ kind: 'room', roomId: 'room-1234', password: 'secret_1' });
    expect(routePath(route)).to.equal('/r/room-1234#k=secret_1');
    expect(parseRoute({ pathname: '/r/room-1234', hash: '' })).to.deep.equal({
      kind: 'room',
      roomId: 'room-1234',
    });
  });

  it('treats paths outside /r/ as home', () => {
    expect(parseRoute({ pathname: '/', hash: '' })).to.deep.equal({ kind: 'home' });
    expect(parseRoute({ pathname: '/x/room-1234', hash: '' })).to.deep.equal({ kind: 'home' });
  });

  it('says what is wrong with a room link instead of going home or dropping its password', () => {
    for (const pathname of ['/r/short', '/r/', '/r', '/r/bad%20id!']) {
      expect(parseRoute({ pathname, hash: '' })).to.deep.equal({
        kind: 'bad-link',
        problem: BAD_ROOM_ID,
      });
    }
    for (const hash of ['#k=', '#k=!!!', '#k=a%20b']) {
      expect(parseRoute({ pathname: '/r/room-1234', hash })).to.deep.equal({
        kind: 'bad-link',
        problem: BAD_PASSWORD,
      });
    }
    expect(parseRoomInput('https://x.example/r/room-1234#k=')).to.deep.equal({
      kind: 'bad-link',
      problem: BAD_PASSWORD,
    });
  });

  it('puts the password only in the fragment of a link', () => {
    const link = roomLink('https://chat.example', 'room-1234', 'pw');
    expect(link).to.equal('https://chat.example/r/room-1234#k=pw');
    expect(new URL(link).search).to.equal('');
  });

  it('reads pasted links and bare ids, and refuses other text', () => {
    expect(parseRoomInput(' https://other.example/r/room-1234#k=pw ')).to.deep.equal({
      kind: 'room',
      roomId: 'room-1234',
      password: 'pw',
    });
    expect(parseRoomInput('room-1234')).to.deep.equal({ kind: 'room', roomId: 'room-1234' });
    expect(parseRoomInput('hello there')).to.equal(undefined);
    expect(parseRoomInput('https://example.com/')).to.equal(undefined);
  });
});
