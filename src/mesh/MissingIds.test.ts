import { expect } from '@esm-bundle/chai';
import { MissingIds } from './MissingIds';
import type { MeshEnv } from './ports';
import type { ClockEntry } from './wire';

/** A clock moved by hand, whose timers fire when it passes them (or later, if told). */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const env: MeshEnv = {
    now: () => now,
    timer: (ms, fn) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => (timers = timers.filter((t) => t !== timer));
    },
    random: () => 0.5,
  };
  /** Moves to `to`, firing the timers due by then at that time (as a busy event loop would). */
  const advance = (to: number): void => {
    now = to;
    const due = timers.filter((t) => t.at <= to);
    timers = timers.filter((t) => t.at > to);
    for (const t of due) t.fn();
  };
  return { env, advance };
}

function fetcher(env: MeshEnv) {
  const fetched: { peer: string; entries: ClockEntry[] }[] = [];
  const missing = new MissingIds(
    env,
    150,
    () => 0,
    () => true,
    (peer, entries) => fetched.push({ peer, entries }),
  );
  return { missing, fetched };
}

describe('MissingIds', () => {
  it('fetches an id still missing after graftMs from who announced it', () => {
    const { env, advance } = manualClock();
    const { missing, fetched } = fetcher(env);
    missing.heard('relay', [{ client: 7, clock: 3 }]);
    advance(149);
    expect(fetched).to.deep.equal([]);
    advance(150);
    expect(fetched).to.deep.equal([{ peer: 'relay', entries: [{ client: 7, clock: 0 }] }]);
  });

  it('waits longer on a peer whose timers fire late, as its pushes arrive late too', () => {
    const { env, advance } = manualClock();
    const { missing, fetched } = fetcher(env);
    // The event loop is a second behind: the timer set for 150 ms fires at 1,150 ms.
    missing.heard('relay', [{ client: 7, clock: 3 }]);
    advance(1150);
    expect(fetched, 'the first id is overdue, however late').to.have.length(1);
    missing.heard('relay', [{ client: 8, clock: 2 }]);
    advance(1150 + 151);
    expect(fetched, 'the next waits past graftMs, by the lateness seen').to.have.length(1);
    advance(1150 + 2000);
    expect(fetched).to.have.length(2);
    missing.destroy();
  });
});
