import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { MeshNode } from './MeshNode';
import type { MeshEnv, MeshLink } from './ports';
import { decodeMessage, encodeMessage } from './wire';

/** A manual clock: timers run only when the test advances time. */
class ManualEnv implements MeshEnv {
  time = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  private seed = 1;
  now = (): number => this.time;
  random = (): number => {
    this.seed = (this.seed * 16807) % 2147483647;
    return this.seed / 2147483647;
  };
  timer = (ms: number, fn: () => void): (() => void) => {
    const t = { at: this.time + ms, fn, live: true };
    this.timers.push(t);
    return () => {
      t.live = false;
    };
  };
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.time = due.at;
      due.fn();
    }
    this.time = end;
  }
}

/** In-memory links: frames are queued and delivered when `pump` runs. */
function connect(a: MeshNode, b: MeshNode, queue: (() => void)[]): { cut: () => void } {
  let open = true;
  let silent = false;
  const link = (from: MeshNode, to: MeshNode): MeshLink => ({
    remote: to.self,
    bufferedAmount: 0,
    send: (bytes) => {
      if (!open) throw new Error('closed');
      if (!silent) queue.push(() => to.receive(from.self, bytes));
    },
    close: () => {
      open = false;
      a.linkClosed(b.self);
      b.linkClosed(a.self);
    },
  });
  a.linkOpened(link(a, b));
  b.linkOpened(link(b, a));
  return {
    cut: () => {
      silent = true;
    },
  };
}

const pump = (queue: (() => void)[]): void => {
  while (queue.length > 0) queue.shift()?.();
};

const noDiscovery = { announce: () => undefined, dial: () => undefined };

describe('MeshNode over in-memory links', () => {
  it('spreads an update to every peer of a line, each getting it once', () => {
    const env = new ManualEnv();
    const queue: (() => void)[] = [];
    const docs = [0, 1, 2, 3].map(() => new Y.Doc());
    const nodes = docs.map((doc, i) => new MeshNode(`n${i}`, doc, env, noDiscovery));
    for (let i = 0; i < 3; i += 1) connect(nodes[i] as MeshNode, nodes[i + 1] as MeshNode, queue);
    pump(queue);
    (docs[0] as Y.Doc).getMap('m').set('k', 'hello');
    for (let step = 0; step < 10; step += 1) {
      env.advance(50);
      pump(queue);
    }
    for (const doc of docs) expect(doc.getMap('m').get('k')).to.equal('hello');
    const duplicates = nodes.reduce((s, n) => s + n.dissemination.counts.duplicateUnits, 0);
    expect(duplicates).to.equal(0);
  });

  it('never holds more links than its cap, incoming ones included', () => {
    const env = new ManualEnv();
    const queue: (() => void)[] = [];
    const hub = new MeshNode('hub', new Y.Doc(), env, noDiscovery);
    for (let i = 0; i < 12; i += 1) {
      connect(hub, new MeshNode(`p${i}`, new Y.Doc(), env, noDiscovery), queue);
      pump(queue);
    }
    expect(hub.neighbours().length).to.be.at.most(8);
  });

  it('closes a link that stops answering, so it can be rebuilt', () => {
    const env = new ManualEnv();
    const queue: (() => void)[] = [];
    const a = new MeshNode('a', new Y.Doc(), env, noDiscovery);
    const b = new MeshNode('b', new Y.Doc(), env, noDiscovery);
    const link = connect(a, b, queue);
    pump(queue);
    link.cut();
    for (let s = 0; s < 20; s += 1) {
      env.advance(1000);
      a.tick();
      b.tick();
      pump(queue);
    }
    expect(a.neighbours()).to.deep.equal([]);
    expect(a.liveness.dead + b.liveness.dead).to.be.greaterThan(0);
  });

  it('keeps a link that answers pings, however quiet', () => {
    const env = new ManualEnv();
    const queue: (() => void)[] = [];
    const a = new MeshNode('a', new Y.Doc(), env, noDiscovery);
    const b = new MeshNode('b', new Y.Doc(), env, noDiscovery);
    connect(a, b, queue);
    for (let s = 0; s < 60; s += 1) {
      env.advance(1000);
      a.tick();
      b.tick();
      pump(queue);
    }
    expect(a.neighbours()).to.deep.equal(['b']);
    expect(a.liveness.dead).to.equal(0);
  });
});

describe('mesh wire format', () => {
  it('round-trips every message and refuses malformed frames', () => {
    const message = { type: 'ihave', entries: [{ client: 7, clock: 42 }] } as const;
    expect(decodeMessage(encodeMessage(message))).to.deep.equal(message);
    expect(decodeMessage(new Uint8Array([]))).to.equal(undefined);
    expect(decodeMessage(new Uint8Array([250]))).to.equal(undefined);
    const trailing = new Uint8Array([...encodeMessage({ type: 'prune' }), 1]);
    expect(decodeMessage(trailing)).to.equal(undefined);
  });
});
