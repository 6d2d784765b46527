import { Box, Text } from 'ink';
import { MIN_COLS, MIN_ROWS } from '../store/layout.js';

export function TooSmall({ cols, rows }: { cols: number; rows: number }) {
  return (
    <Box flexDirection="column">
      <Text color="yellow" bold>
        Terminal too small: {cols}x{rows}
      </Text>
      <Text>
        mvm-tui needs at least {MIN_COLS}x{MIN_ROWS}. Enlarge the window (q quits).
      </Text>
    </Box>
  );
}
