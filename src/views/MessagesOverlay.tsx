import { Box, Text } from 'ink';
import { useStore } from '../hooks/context.js';
import type { StatusKind, StatusMessage } from '../store/slices/ui.js';
import { STATUS_COLOR } from './theme.js';
import { wrapText } from './wrap.js';

// `M` / `:messages`: every message the status line has shown this session, whole and wrapped, oldest first.

export interface MessageLine {
  key: string;
  /** The time of day on a message's first line, blank on its continuation lines. */
  time: string;
  text: string;
  kind: StatusKind;
}

const TIME = 9; // "HH:MM:SS "

function timeOfDay(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The history as drawn in `width` columns (the overlay's inner width). */
export function messageLines(log: readonly StatusMessage[], width: number): MessageLine[] {
  const out: MessageLine[] = [];
  log.forEach((m, i) => {
    wrapText(m.text, Math.max(1, width - TIME)).forEach((text, j) => out.push({ key: `${i}-${j}`, time: j ? '' : timeOfDay(m.at), text, kind: m.kind }));
  });
  return out;
}

/** Inner width of a full-screen overlay: its border and padding take 4 columns. */
export const overlayInner = (width: number) => Math.max(1, width - 4);

export function MessagesOverlay({ width, height }: { width: number; height: number }) {
  const log = useStore((s) => s.messages.log);
  const top = useStore((s) => s.messages.top);
  const lines = messageLines(log, overlayInner(width));
  const room = Math.max(1, height - 3);
  const first = Math.min(top, Math.max(0, lines.length - room));
  const below = Math.max(0, lines.length - first - room);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold wrap="truncate-end">
        Messages{' '}
        <Text dimColor>
          · {log.length} this session · esc closes · j/k g/G scroll
          {first ? ` · ${first} lines above` : ''}
          {below ? ` · ${below} below` : ''}
        </Text>
      </Text>
      {lines.length ? (
        lines.slice(first, first + room).map((l) => (
          <Text key={l.key} wrap="truncate-end">
            <Text dimColor>{l.time.padEnd(TIME)}</Text>
            <Text color={STATUS_COLOR[l.kind]}>{l.text}</Text>
          </Text>
        ))
      ) : (
        <Text dimColor>no messages yet</Text>
      )}
    </Box>
  );
}
