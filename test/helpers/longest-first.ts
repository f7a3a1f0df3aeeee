import { BaseSequencer, type TestSpecification } from 'vitest/node';

// On a fresh machine (CI's `npm ci` removes vitest's record of durations) vitest starts the largest files first; with
// two files at a time, a long one started last makes the whole run end late (startup.test.ts is the shortest browser
// test file but the longest to run). These go first in their project; the others keep vitest's order.
const LONGEST = [
  'test/e2e/startup.test.ts',
  'test/faults/billing-run-kill.test.ts',
  'test/faults/two-instances.test.ts',
];

function rank(spec: TestSpecification): number {
  const index = LONGEST.findIndex((file) => spec.moduleId.endsWith(file));
  return index === -1 ? LONGEST.length : index;
}

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const projects = new Map<string, TestSpecification[]>();
    for (const spec of await super.sort(files)) {
      projects.set(spec.project.name, [...(projects.get(spec.project.name) ?? []), spec]);
    }
    return [...projects.values()].flatMap((specs) => specs.sort((a, b) => rank(a) - rank(b)));
  }
}
