import { Box, Text } from 'ink';
import type { DialogState } from '../store/slices/ui.js';

/**
 * Filling the dialog's box hides what it is drawn over. Not a colour chalk knows, so Ink fills with plain
 * spaces: the terminal's own background, with or without colour.
 */
const OPAQUE = 'default';

/** Confirmation of a dangerous action: y/n, or typing a name for the most destructive ones. */
export function ConfirmDialog({ dialog, width }: { dialog: DialogState; width: number }) {
  const typed = dialog.typeToConfirm !== undefined || Boolean(dialog.secret);
  return (
    <Box flexDirection="column" width={Math.min(width, 76)} borderStyle="double" borderColor={dialog.danger ? 'red' : 'yellow'} backgroundColor={OPAQUE} paddingX={1}>
      <Text bold color={dialog.danger ? 'red' : 'yellow'} wrap="wrap">
        {dialog.title}
      </Text>
      {dialog.commands?.map((cmd, i) => (
        <Text key={`c${i}`} wrap="wrap">
          $ {cmd}
        </Text>
      ))}
      {dialog.lines.map((l, i) => (
        <Text key={i} wrap="wrap">
          {l}
        </Text>
      ))}
      {dialog.secret ? (
        <Text>
          Type it and press enter (not shown; esc cancels){dialog.input ? <Text dimColor> · typing</Text> : null}
        </Text>
      ) : typed ? (
        <Text>
          Type <Text bold>{dialog.typeToConfirm}</Text> and press enter (esc cancels): <Text inverse>{dialog.input || ' '}</Text>
        </Text>
      ) : dialog.answers ? (
        <Text wrap="wrap">
          <Text bold>y</Text> {dialog.answers.yes} · <Text bold>n</Text>/esc/enter {dialog.answers.no}
        </Text>
      ) : (
        <Text>
          <Text bold>y</Text> confirm · <Text bold>n</Text>/esc/enter cancel
        </Text>
      )}
      {dialog.error ? <Text color="red">{dialog.error}</Text> : null}
    </Box>
  );
}
