// The kept shell's loop (ssh/rounds.ts runs it): it reads one line per run, a token and which of the script's
// lines to run, runs those lines with stdin from /dev/null, and ends the run's output with a marker that repeats
// the token:
//   while read -r mvm_round mvm_lines; do { for l in $mvm_lines; do case $l in 0) LINE0;; ...; esac; done } </dev/null
//   echo "@@mvm-end $mvm_round"; done

export const ROUND_END = '@@mvm-end ';

/** The script's lines (one command each), without the trailing empty ones. */
export const scriptLines = (script: string): string[] => script.replace(/\n+$/, '').split('\n');

/** The remote loop around `script` (a newline-separated list of commands, each run by its index). */
export function roundsCommand(script: string): string {
  const cases = scriptLines(script).map((line, i) => `${i}) ${line}\n;;`);
  return `while read -r mvm_round mvm_lines; do\n{\nfor mvm_l in $mvm_lines; do\ncase $mvm_l in\n${cases.join('\n')}\nesac\ndone\n} </dev/null\necho "${ROUND_END}$mvm_round"\ndone`;
}

/** `script` with only the lines at `lines` (in the script's order): what a run of those lines executes. */
export function selectLines(script: string, lines: readonly number[]): string {
  const want = new Set(lines);
  return scriptLines(script).filter((_, i) => want.has(i)).join('\n') + '\n';
}
