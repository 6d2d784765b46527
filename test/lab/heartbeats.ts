import { expect } from 'vitest';
import { journalctlCommand } from '../../src/host/journal.js';
import { parseJournalJson, type JournalEntry } from '../../src/parsers/index.js';

// The lab runner logs "[vmX] heartbeat N": numbered lines let a test count what a log tail lost or repeated.

export const heartbeat = (e: JournalEntry): string | undefined => /heartbeat (\d+)$/.exec(e.message)?.[1];

/**
 * What a tail received, checked against the journal itself: no cursor twice, heartbeats consecutive within each
 * run of the runner (a crash restarts the numbering), and exactly the journal's entries from the first to the last.
 */
export async function checkAgainstJournal(got: JournalEntry[], unit: string, exec: (command: string) => Promise<{ stdout: string }>): Promise<{ beats: number }> {
  const cursors = got.map((e) => e.cursor);
  expect(new Set(cursors).size).toBe(cursors.length);
  // A run ends where the numbering starts again (the tail asks journalctl for only the fields a pane reads,
  // so there is no invocation id): a lost line is a gap, a repeated one a repeated cursor (checked above and
  // against the journal below).
  const runs: number[][] = [];
  for (const e of got) {
    const n = heartbeat(e);
    if (!n) continue;
    const run = runs.at(-1);
    if (run && Number(n) > run.at(-1)!) run.push(Number(n));
    else runs.push([Number(n)]);
  }
  for (const nums of runs) expect(nums).toEqual(nums.map((_, i) => nums[0]! + i));
  const r = await exec(journalctlCommand({ unit, afterCursor: cursors[0] }));
  const truth = r.stdout.split('\n').map(parseJournalJson).filter((e): e is JournalEntry => e !== null).map((e) => e.cursor);
  const upTo = truth.indexOf(cursors.at(-1)!);
  expect(upTo).toBeGreaterThanOrEqual(0);
  expect(cursors.slice(1)).toEqual(truth.slice(0, upTo + 1));
  return { beats: runs.flat().length };
}
