import { useInput, useStdin } from 'ink';

/**
 * Typing into a text field (filter, palette, typed confirmation). Only printable text and backspace are
 * handled here; enter/escape/arrows are commands and go through the key router.
 */
export function useTextInput(get: () => string, onChange: (v: string) => void, isActive: boolean): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      // read the current value (not a render's copy): keys typed faster than frames must not be lost
      const value = get();
      if (key.backspace || key.delete) return onChange(value.slice(0, -1));
      if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow) return;
      // drop control characters a paste may carry
      const text = [...input].filter((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127).join('');
      if (text) onChange(value + text);
    },
    { isActive: isActive && Boolean(isRawModeSupported) },
  );
}
