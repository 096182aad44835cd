// Helpers for element tests (WTR, mocha globals): render a template into the page, wait for
// it, clean up, and check accessibility with axe-core.
import { render, type LitElement, type TemplateResult } from 'lit';

const containers: HTMLElement[] = [];

// Chromium reports a ResizeObserver that re-triggered within one frame as an error; the
// virtualizer's observers do that by design while rows are measured. It is harmless.
window.addEventListener('error', (event) => {
  if (event.message.includes('ResizeObserver loop')) event.stopImmediatePropagation();
});

/** Renders `template` into a fresh container and resolves to its first element, updated. */
export async function fixture<T extends Element>(template: TemplateResult): Promise<T> {
  const container = document.createElement('div');
  document.body.append(container);
  containers.push(container);
  render(template, container);
  const element = container.firstElementChild as T | null;
  if (!element) throw new Error('the template rendered no element');
  await (element as unknown as Partial<LitElement>).updateComplete;
  return element;
}

/** Removes everything fixture() rendered. */
export function cleanupFixtures(): void {
  for (const container of containers.splice(0)) {
    render(null, container);
    container.remove();
  }
}

/** The element inside `host`'s shadow root matching `selector`; throws if there is none. */
// The type parameter is the caller's claim about what the selector finds, as querySelector's.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function shadow<T extends Element = HTMLElement>(host: Element, selector: string): T {
  const found = host.shadowRoot?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector} in <${host.localName}>`);
  return found;
}

interface AxeResults {
  violations: { id: string; help: string; nodes: { target: unknown }[] }[];
}
interface Axe {
  run(context: Element, options: unknown): Promise<AxeResults>;
}

let loading: Promise<Axe> | undefined;

/** axe-core, loaded once as a classic script from node_modules (it is not an ES module). */
function loadAxe(): Promise<Axe> {
  loading ??= new Promise<Axe>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: Axe }).axe);
    script.onerror = () => reject(new Error('could not load axe-core'));
    document.head.append(script);
  });
  return loading;
}

/** Fails with the list of violations if axe-core (WCAG 2.1 A/AA) finds any in `element`. */
export async function expectAccessible(element: Element): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(element, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  });
  if (results.violations.length > 0) {
    const lines = results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`,
    );
    throw new Error(`accessibility violations:\n${lines.join('\n')}`);
  }
}

/** Resolves after the next animation frame (layout has run). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}
