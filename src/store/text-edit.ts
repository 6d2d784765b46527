// Editing a one-line field that has a cursor: its text, the cursor, and whether the whole text is selected (a
// field reopened on an existing value starts selected: typing replaces it, an arrow or backspace edits it
// instead). Pure, so the slices keep fields in their state, the key router maps keys to edits, the views draw.

export interface EditableText {
  text: string;
  /** Between 0 and text.length (a code-unit index on a grapheme boundary of what was typed). */
  cursor: number;
  selected: boolean;
}

export type TextEdit =
  | { kind: 'insert'; text: string }
  | { kind: 'backspace' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'home' }
  | { kind: 'end' };

/** A field opened on `text`: all of it selected (nothing to select when empty), the cursor at its end. */
export function openField(text: string): EditableText {
  return { text, cursor: text.length, selected: text.length > 0 };
}

/** The previous / next code point boundary (a surrogate pair moves as one). */
function stepBack(text: string, i: number): number {
  if (i <= 0) return 0;
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}
function stepForward(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 2 <= text.length ? i + 2 : i + 1;
}

export function editField(f: EditableText, e: TextEdit): EditableText {
  const cursor = Math.max(0, Math.min(f.cursor, f.text.length));
  switch (e.kind) {
    case 'insert':
      if (!e.text) return f;
      if (f.selected) return { text: e.text, cursor: e.text.length, selected: false };
      return { text: f.text.slice(0, cursor) + e.text + f.text.slice(cursor), cursor: cursor + e.text.length, selected: false };
    case 'backspace':
      if (f.selected) return { text: '', cursor: 0, selected: false };
      if (cursor === 0) return f;
      return { text: f.text.slice(0, stepBack(f.text, cursor)) + f.text.slice(cursor), cursor: stepBack(f.text, cursor), selected: false };
    case 'left':
      return { ...f, cursor: f.selected ? 0 : stepBack(f.text, cursor), selected: false };
    case 'right':
      return { ...f, cursor: f.selected ? f.text.length : stepForward(f.text, cursor), selected: false };
    case 'home':
      return { ...f, cursor: 0, selected: false };
    case 'end':
      return { ...f, cursor: f.text.length, selected: false };
  }
}

/** The edit a key makes in a field with a cursor (key names as src/input/keys.ts writes them), or null. */
export function keyEdit(name: string | null, text: string): TextEdit | null {
  switch (name) {
    case 'backspace':
    case 'delete':
      return { kind: 'backspace' };
    case 'left':
      return { kind: 'left' };
    case 'right':
      return { kind: 'right' };
    case 'home':
    case 'ctrl-a':
      return { kind: 'home' };
    case 'end':
    case 'ctrl-e':
      return { kind: 'end' };
  }
  return text ? { kind: 'insert', text } : null;
}
