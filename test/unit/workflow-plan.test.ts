import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/core/workflow-definition.ts';
import { stepsAfter } from '../../src/workflows/plan.ts';
import type { RunRow } from '../../src/workflows/run-store.ts';
import type { StepRow } from '../../src/workflows/step-rows.ts';

// stepsAfter decides, without reading the run again, what starts after a step of a sequence succeeds. It
// must give up (null) whenever that decision could depend on something the claim-time snapshot does not
// show: another step of the run still open, a phase ending, a cancel already asked for.
const definition = defineWorkflow<{ big: boolean }>({
  id: 'test.plan',
  skill: 'test',
  parseInput: (input) => input as { big: boolean },
  title: () => 'Plan',
  steps: [
    { kind: 'step', name: 'measure', label: 'Measure', run: async () => 0 },
    {
      kind: 'step',
      name: 'grow',
      label: 'Grow',
      when: (state) => (state.outputs.measure as number) > 10,
      inputOf: (state) => ({ from: state.outputs.measure }),
      run: async () => null,
    },
    {
      kind: 'parallel',
      name: 'both',
      label: 'Both',
      steps: [
        { kind: 'step', name: 'left', label: 'Left', run: async () => null },
        { kind: 'step', name: 'right', label: 'Right', run: async () => null },
      ],
    },
  ],
  finally: [{ kind: 'step', name: 'tidy', label: 'Tidy', run: async () => null }],
});

const run = (change: Partial<RunRow> = {}): RunRow => ({
  id: '00000000-0000-7000-8000-000000000001',
  tenantId: 'default',
  definition: 'test.plan',
  skill: 'test',
  title: 'Plan',
  status: 'running',
  phase: 'forward',
  outcome: null,
  input: { big: true },
  origin: {} as RunRow['origin'],
  startKey: 'k',
  requestedBy: 'api:alice',
  error: null,
  compensable: false,
  cancelRequestedBy: null,
  progressMessageId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  finishedAt: null,
  ...change,
});

const step = (
  name: string,
  status: StepRow['status'],
  output: unknown = null,
  phase = 'forward',
): StepRow => ({
  runId: run().id,
  phase,
  name,
  kind: 'step',
  status,
  position: 0,
  attempts: status === 'queued' ? 0 : 1,
  maxAttempts: 1,
  critical: true,
  input: null,
  output,
  error: null,
  detail: null,
  waitKey: null,
  deadline: null,
  nextAttemptAt: null,
  createdAt: new Date(0),
  startedAt: null,
  finishedAt: null,
  updatedAt: new Date(0),
});

const measure = { phase: 'forward', name: 'measure' };

describe('stepsAfter', () => {
  it('starts the next step from the output just produced (its condition and input see it)', () => {
    const next = stepsAfter(definition, run(), [step('measure', 'queued')], measure, 42);
    expect(next?.map((s) => [s.name, s.status, s.input])).toEqual([['grow', 'queued', { from: 42 }]]);
    const skipped = stepsAfter(definition, run(), [step('measure', 'running')], measure, 3);
    expect(skipped?.map((s) => [s.name, s.status])).toEqual([['grow', 'skipped']]);
  });

  it('starts a whole parallel group after a step', () => {
    const next = stepsAfter(
      definition,
      run(),
      [step('measure', 'succeeded', 42), step('grow', 'running')],
      { phase: 'forward', name: 'grow' },
      null,
    );
    expect(next?.map((s) => s.name)).toEqual(['left', 'right']);
  });

  it('gives up while another step of the run is open (a parallel sibling may end at the same time)', () => {
    const steps = [
      step('measure', 'succeeded', 42),
      step('grow', 'succeeded'),
      step('left', 'running'),
      step('right', 'running'),
    ];
    expect(stepsAfter(definition, run(), steps, { phase: 'forward', name: 'left' }, null)).toBeNull();
  });

  it('gives up at the end of a phase, when a cancel was asked for, and for a step it does not see', () => {
    const last = [
      step('measure', 'succeeded', 42),
      step('grow', 'succeeded'),
      step('left', 'succeeded'),
      step('right', 'running'),
    ];
    expect(stepsAfter(definition, run(), last, { phase: 'forward', name: 'right' }, null)).toBeNull();
    const cancelled = run({ cancelRequestedBy: 'api:bob' });
    expect(stepsAfter(definition, cancelled, [step('measure', 'running')], measure, 42)).toBeNull();
    expect(stepsAfter(definition, run(), [], measure, 42)).toBeNull();
  });
});
