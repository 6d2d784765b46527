import { Text } from 'ink';
import type { Span } from './fit.js';

/** One line of styled spans (a header's or a card's fitted line), cut at the end if the frame is narrower. */
export function SpanLine({ spans }: { spans: Span[] }) {
  return (
    <Text wrap="truncate-end">
      {spans.map((sp, i) => (
        <Text key={i} color={sp.color} bold={sp.bold} inverse={sp.inverse} dimColor={sp.dim}>
          {sp.text}
        </Text>
      ))}
    </Text>
  );
}
