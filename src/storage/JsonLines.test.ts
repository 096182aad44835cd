import { expect } from '@esm-bundle/chai';
import { makeEvent, type ChatEvent } from '../hub/events';
import { JsonLinesFormatError } from './errors';
import { exportJsonLines, HISTORY_FORMAT, MAX_REPORTED_ERRORS, parseJsonLines } from './JsonLines';

const events: ChatEvent[] = [
  makeEvent({
    id: 'r:join:u1:s1:1',
    chatroomId: 'r',
    type: 'join',
    userId: 'u1',
    sessionId: 's1',
    unixTime: 1,
  }),
  makeEvent({
    id: 'm1',
    chatroomId: 'r',
    type: 'message',
    userId: 'u1',
    message: 'hi "you"\n<b>',
    unixTime: 2,
  }),
  makeEvent({ id: 'm2', chatroomId: 'r', type: 'message', userId: 'u1', unixTime: 3 }),
  makeEvent({ id: 'r:close:x', chatroomId: 'r', type: 'close', unixTime: 4 }),
];

function formatError(text: string): unknown {
  try {
    parseJsonLines(text);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('JSON Lines export and import', () => {
  it('writes one event per line with exactly the event fields, in the original order', () => {
    const text = exportJsonLines(events);
    const lines = text.split('\n');
    expect(lines).to.have.length(5);
    expect(lines[4]).to.equal('');
    expect(lines[0]).to.equal(
      '{"id":"r:join:u1:s1:1","chatroomId":"r","type":"join","userId":"u1","sessionId":"s1","unixTime":1}',
    );
    expect(lines[2]).to.equal(
      '{"id":"m2","chatroomId":"r","type":"message","userId":"u1","unixTime":3}',
    );
    expect(lines[3]).to.equal('{"id":"r:close:x","chatroomId":"r","type":"close","unixTime":4}');
    expect(exportJsonLines([])).to.equal('');
  });

  it('round-trips events exactly', () => {
    expect(parseJsonLines(exportJsonLines(events))).to.deep.equal({
      events,
      badLines: 0,
      errors: [],
      otherRooms: new Map(),
    });
  });

  it('writes and reads a first line naming the room and the authors', () => {
    const names = new Map([['u1', 'Ann "the first"']]);
    const text = exportJsonLines(events, { roomId: 'r', names });
    expect(text.split('\n')[0]).to.equal(
      `{"format":"${HISTORY_FORMAT}","roomId":"r","names":{"u1":"Ann \\"the first\\""}}`,
    );
    const parsed = parseJsonLines(text, { chatroomId: 'r' });
    expect(parsed.header).to.deep.equal({ roomId: 'r', names });
    expect(parsed.events).to.deep.equal(events);
    expect(parsed.badLines).to.equal(0);
  });

  it('counts the events of other rooms, and reads a bad first line as a bad line', () => {
    const other = exportJsonLines(events, { roomId: 'r', names: new Map() });
    const parsed = parseJsonLines(other, { chatroomId: 'elsewhere' });
    expect(parsed.header?.roomId).to.equal('r');
    expect(parsed.events).to.deep.equal([]);
    expect(parsed.otherRooms).to.deep.equal(new Map([['r', 4]]));
    expect(parsed.badLines).to.equal(4);
    const body = exportJsonLines(events);
    for (const [first, reason] of [
      ['{"format":"meshchat-history/9","roomId":"r","names":{}}', /newer version/],
      ['{"format":"meshchat-history/1","names":{}}', /no valid roomId/],
      ['{"format":"meshchat-history/1","roomId":"r","names":[]}', /no names object/],
    ] as const) {
      const read = parseJsonLines(first + '\n' + body);
      expect(read.header).to.equal(undefined);
      expect(read.events).to.deep.equal(events);
      expect(read.errors).to.have.length(1);
      expect(read.errors[0]?.line).to.equal(1);
      expect(read.errors[0]?.reason).to.match(reason);
    }
    // Names that are not names are left out; the rest of the header stands.
    const odd = parseJsonLines(
      `{"format":"${HISTORY_FORMAT}","roomId":"r","names":{"u1":7,"u2":"Ben","":"x","u3":"${'y'.repeat(300)}"}}`,
    );
    expect(odd.header?.names).to.deep.equal(new Map([['u2', 'Ben']]));
    // A header line anywhere but first is no header.
    expect(parseJsonLines(body + '{"format":"meshchat-history/1"}').badLines).to.equal(1);
  });

  it('counts and reports bad lines with their numbers, importing the good ones', () => {
    const good = exportJsonLines(events).split('\n');
    const text = [
      '\uFEFF' + (good[0] ?? ''),
      '{"id":"x","chatroomId":"r","type":"shout","unixTime":1}',
      '',
      'not json at all',
      good[1],
      '{"id":"y","chatroomId":"r","type":"message","unixTime":1,"admin":true}',
      '{"id":"z","chatroomId":"r","type":"message","userId":"u","sessionId":"s","unixTime":1}',
      '[1,2]',
      (good[2] ?? '') + '\r',
      '{"id":"o","chatroomId":"other","type":"message","userId":"u","unixTime":1}',
    ].join('\n');
    const parsed = parseJsonLines(text, { chatroomId: 'r' });
    expect(parsed.events).to.deep.equal(events.slice(0, 3));
    expect(parsed.badLines).to.equal(6);
    expect(parsed.errors).to.deep.equal([
      { line: 2, reason: 'unknown type "shout"' },
      { line: 4, reason: 'not valid JSON' },
      { line: 6, reason: 'unknown field "admin"' },
      { line: 7, reason: 'a message has no sessionId' },
      { line: 8, reason: 'not an event object' },
      { line: 10, reason: 'belongs to room other, not r' },
    ]);
  });

  it('counts every bad line but reports only the first ones', () => {
    const text = Array.from({ length: 250 }, () => '{"id":1}').join('\n');
    const parsed = parseJsonLines(text);
    expect(parsed.badLines).to.equal(250);
    expect(parsed.errors).to.have.length(MAX_REPORTED_ERRORS);
  });

  it('refuses a file that is not JSON Lines at all, with a clear error', () => {
    const pretty = JSON.stringify(events, null, 2);
    for (const text of [
      pretty,
      JSON.stringify(events),
      'a,b,c\n1,2,3',
      '\u0089PNG\r\n\u001a\n\u0000\u0000',
    ]) {
      const error = formatError(text);
      expect(error, text.slice(0, 20)).to.be.instanceOf(JsonLinesFormatError);
      expect((error as Error).message).to.match(/not a JSON Lines chat export/);
    }
    expect(parseJsonLines('')).to.deep.equal({
      events: [],
      badLines: 0,
      errors: [],
      otherRooms: new Map(),
    });
  });
});
