import { userRegex } from '../util/safe-regex.js';

// The grid's and the snapshot browser's filter (the log panes have their own, with match highlighting).

/** A filter as typed: a case-insensitive regex (RE2, linear time; a plain substring when it is not one), `!` inverts. */
export function filterMatcher(text: string): (s: string) => boolean {
  const invert = text.startsWith('!');
  const body = invert ? text.slice(1) : text;
  if (!body) return () => true;
  const user = userRegex(body, { ignoreCase: true });
  const test = (s: string) => user.test(s);
  return invert ? (s) => !test(s) : test;
}

/** Why a filter is matched as plain text (not a valid regex), ready to show; else undefined. */
export function filterProblem(text: string): string | undefined {
  const body = text.startsWith('!') ? text.slice(1) : text;
  return body ? userRegex(body, { ignoreCase: true }).error : undefined;
}
