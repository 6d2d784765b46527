// Parsers never throw. They return what they could read; callers that care about what they could not
// read pass an array here and get one short line per problem (capped, so garbage cannot flood memory).
export type ParseIssues = string[];

const MAX_ISSUES = 50;

export function note(issues: ParseIssues | undefined, message: string): void {
  if (!issues || issues.length >= MAX_ISSUES) return;
  issues.push(message.length > 200 ? `${message.slice(0, 200)}…` : message);
}
