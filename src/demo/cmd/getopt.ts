// getopt_long, as the real tools parse their arguments: bundled short flags (-Hp), attached values
// (-n5, -ojson, --lines=5), separate values (-o json), `--` ending options. Unknown options are errors.

export interface OptSpec {
  /** Short options taking a value, e.g. 'onpu'. */
  shortArg?: string;
  /** Short flags, e.g. 'Hprf'. */
  shortFlag?: string;
  /** Long options taking a value (without --). */
  longArg?: string[];
  /** Long flags (without --). */
  longFlag?: string[];
  /** Long options whose value is optional (only --x=value form). */
  longOptional?: string[];
  /** Stop at the first non-option (like POSIXLY_CORRECT / ssh). */
  stopAtArg?: boolean;
}

export interface Parsed {
  /** Option name ('-x' or '--long') -> values ('' for flags), in order. */
  opts: Map<string, string[]>;
  args: string[];
}

export class OptError extends Error {}

export function getopt(argv: string[], spec: OptSpec): Parsed {
  const opts = new Map<string, string[]>();
  const args: string[] = [];
  const put = (k: string, v: string) => opts.set(k, [...(opts.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (spec.longArg?.includes(name)) {
        if (eq >= 0) put(`--${name}`, a.slice(eq + 1));
        else {
          const v = argv[++i];
          if (v === undefined) throw new OptError(`option '--${name}' requires an argument`);
          put(`--${name}`, v);
        }
      } else if (spec.longFlag?.includes(name) && eq < 0) put(`--${name}`, '');
      else if (spec.longOptional?.includes(name)) put(`--${name}`, eq < 0 ? '' : a.slice(eq + 1));
      else throw new OptError(`unrecognized option '--${name}'`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (spec.shortArg?.includes(c)) {
          const rest = a.slice(j + 1);
          const v = rest !== '' ? rest : argv[++i];
          if (v === undefined) throw new OptError(`option requires an argument -- '${c}'`);
          put(`-${c}`, v);
          break;
        }
        if (spec.shortFlag?.includes(c)) put(`-${c}`, '');
        else throw new OptError(`invalid option -- '${c}'`);
      }
      continue;
    }
    if (spec.stopAtArg) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(a);
  }
  return { opts, args };
}

export function last(p: Parsed, ...names: string[]): string | undefined {
  let v: string | undefined;
  for (const n of names) {
    const vs = p.opts.get(n);
    if (vs?.length) v = vs[vs.length - 1];
  }
  return v;
}

export function has(p: Parsed, ...names: string[]): boolean {
  return names.some((n) => p.opts.has(n));
}
