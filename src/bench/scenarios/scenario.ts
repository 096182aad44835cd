// The shape every benchmark scenario shares, and what their rows use to print figures.
import { join } from 'node:path';
import type { BenchRow } from '../report';
import type { BenchRig } from '../webrtcBench';

/** The repository's root: where the run writes its results and builds the app. */
export const root = join(import.meta.dirname, '..', '..', '..');

/** One scenario: its raw figures and the table rows they make. `rig` starts the browsers once. */
export type Scenario = (
  rig: () => Promise<BenchRig>,
) => Promise<{ raw: unknown; rows: BenchRow[] }>;

export const fmt = (n: number): string => n.toLocaleString('en-US');
