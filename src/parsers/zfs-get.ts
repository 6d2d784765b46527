import { note, type ParseIssues } from './issues.js';
import { splitLines } from './lines.js';

/** `zfs get -H [-p] -o name,property,value[,source] ...` -> dataset or snapshot name -> property -> value. */
export function parseZfsGet(text: string, issues?: ParseIssues): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  if (typeof text !== 'string') return out;
  for (const line of splitLines(text)) {
    if (!line) continue;
    const f = line.split('\t');
    const [name, prop, value] = f;
    if (f.length < 3 || !name || !prop || value === undefined) {
      note(issues, `zfs get: unread line "${line.trim()}"`);
      continue;
    }
    let rec = out.get(name);
    if (!rec) out.set(name, (rec = {}));
    rec[prop] = value;
  }
  return out;
}
