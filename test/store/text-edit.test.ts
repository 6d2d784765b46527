import { describe, expect, it } from 'vitest';
import { editField, openField, type TextEdit, type EditableText } from '../../src/store/text-edit.js';

const keys = (f: EditableText, ...edits: TextEdit[]) => edits.reduce(editField, f);
const type = (text: string): TextEdit => ({ kind: 'insert', text });

describe('a text field reopened on its value', () => {
  it('starts with all of it selected: typing replaces it', () => {
    expect(openField('heartbeat [0-9]*0$')).toEqual({ text: 'heartbeat [0-9]*0$', cursor: 18, selected: true });
    expect(keys(openField('heartbeat [0-9]*0$'), type('!'), type('heartbeat'))).toEqual({ text: '!heartbeat', cursor: 10, selected: false });
  });

  it('backspace on the selection empties it; an arrow keeps the text and edits it where the cursor goes', () => {
    expect(keys(openField('heartbeat'), { kind: 'backspace' }).text).toBe('');
    expect(keys(openField('heartbeat'), { kind: 'left' }, type('!')).text).toBe('!heartbeat');
    expect(keys(openField('heartbeat'), { kind: 'right' }, type(' 1')).text).toBe('heartbeat 1');
    expect(keys(openField('heartbeat 10'), { kind: 'end' }, { kind: 'backspace' }, { kind: 'backspace' }, type('2')).text).toBe('heartbeat 2');
    expect(keys(openField('heart beat'), { kind: 'home' }, { kind: 'right' }, { kind: 'right' }, { kind: 'backspace' }, type('E')).text).toBe('hEart beat');
  });

  it('an empty field has nothing selected; the cursor stays inside the text and steps over a surrogate pair', () => {
    expect(openField('')).toEqual({ text: '', cursor: 0, selected: false });
    expect(keys(openField(''), { kind: 'left' }, { kind: 'backspace' }, type('a'))).toEqual({ text: 'a', cursor: 1, selected: false });
    expect(keys(openField('a😀b'), { kind: 'end' }, { kind: 'left' }, { kind: 'backspace' }).text).toBe('ab');
    expect(keys(openField('ab'), { kind: 'end' }, { kind: 'right' }, { kind: 'right' }).cursor).toBe(2);
  });
});
