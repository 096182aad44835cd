import { expect } from '@esm-bundle/chai';
import { nextPaint, paintedFrames } from './nextPaint';

/** Frames under the test's control: requestAnimationFrame callbacks run only when told. */
function heldFrames(): { frame(): void; restore(): void } {
  const real = window.requestAnimationFrame.bind(window);
  let queue: FrameRequestCallback[] = [];
  window.requestAnimationFrame = (callback) => {
    queue.push(callback);
    return queue.length;
  };
  return {
    frame() {
      const due = queue;
      queue = [];
      for (const callback of due) callback(performance.now());
    },
    restore() {
      window.requestAnimationFrame = real;
    },
  };
}

/** Lets every task queued so far run (a frame's follow-up task included). */
const tasks = (): Promise<void> =>
  new Promise((resolve) => setTimeout(() => setTimeout(resolve, 0), 0));

describe('nextPaint', () => {
  let frames: ReturnType<typeof heldFrames>;
  beforeEach(() => {
    frames = heldFrames();
  });
  afterEach(() => {
    frames.restore();
    delete (document as { hidden?: boolean }).hidden;
  });

  it('waits for a painted frame, however late it comes', async () => {
    let settled = false;
    void nextPaint().then(() => (settled = true));
    await tasks();
    expect(settled).to.equal(false);
    frames.frame();
    await tasks();
    expect(settled).to.equal(true);
  });

  it('paintedFrames counts frames, not time', async () => {
    let settled = false;
    void paintedFrames(3).then(() => (settled = true));
    for (let i = 0; i < 2; i += 1) {
      frames.frame();
      await tasks();
      expect(settled, `after frame ${i + 1}`).to.equal(false);
    }
    frames.frame();
    await tasks();
    expect(settled).to.equal(true);
  });

  it('settles in a hidden page, which gets no frames, and when the page is hidden', async () => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    await nextPaint();
    delete (document as { hidden?: boolean }).hidden;
    let settled = false;
    void paintedFrames(5).then(() => (settled = true));
    await tasks();
    expect(settled).to.equal(false);
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
    await tasks();
    expect(settled).to.equal(true);
  });
});
