import { Text } from 'ink';
import type { LogRow } from './rows.js';

const COLOR = { error: 'red', warning: 'yellow', normal: undefined } as const;

/** One screen row of a log pane; matches of the filter are shown inverse (readable without colour). */
export function LogLine({ row }: { row: LogRow }) {
  const color = COLOR[row.severity];
  return (
    <Text wrap="truncate" color={color}>
      <Text bold={row.severity !== 'normal'}>{row.marker}</Text> <Text dimColor>{row.time}</Text>
      {row.parts.map((p, i) =>
        p.match ? (
          <Text key={i} inverse>
            {p.text}
          </Text>
        ) : (
          <Text key={i}>{p.text}</Text>
        ),
      )}
    </Text>
  );
}
