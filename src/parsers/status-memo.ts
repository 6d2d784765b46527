// One host's parses from its last refresh. A hypervisor's output is mostly the same from one second to the
// next (pools, datasets, links, runner links; loadavg, meminfo and the units' CPU counters are not), so a
// section whose text is byte-identical to the last refresh's is not parsed again. Memory stays bounded: one
// entry per section name (and per derived value), each replaced by the next refresh's. Values handed out are
// shared between refreshes: nothing may mutate them (nothing in the status pipeline does).

interface Entry {
  inputs: readonly unknown[];
  value: unknown;
}

const sameInputs = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export class StatusMemo {
  private readonly entries = new Map<string, Entry>();

  /** `parse(text)`, or the last value under `name` when the text and the parser are the same as then. */
  parse<T>(name: string, text: string, parse: (text: string) => T): T {
    return this.derive(`section:${name}`, [text, parse], () => parse(text));
  }

  /** `make()`, or the last value under `name` when every one of `inputs` is the same value (or object) as then. */
  derive<T>(name: string, inputs: readonly unknown[], make: () => T): T {
    const hit = this.entries.get(name);
    if (hit && sameInputs(hit.inputs, inputs)) return hit.value as T;
    const value = make();
    this.entries.set(name, { inputs, value });
    return value;
  }

  /** How many values are held (for tests: bounded by the section names, not by the refreshes). */
  get size(): number {
    return this.entries.size;
  }
}

/** What the assembly calls when there is no memo: parse every time. */
export const NO_MEMO: Pick<StatusMemo, 'parse' | 'derive'> = {
  parse: (_name, text, parse) => parse(text),
  derive: (_name, _inputs, make) => make(),
};
