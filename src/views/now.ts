import { createContext, createElement, Fragment, useContext } from 'react';
import { since } from './format.js';

// The grid's clock, handed to the ages on the cards through context rather than as a prop: when only the time
// moved, the cards are not rendered again (their props did not change), only the ages in them.

export const NowContext = createContext(0);

/** Time since `at` (see format.since) as of the grid's clock; render it inside a <Text>. */
export function Since({ at }: { at: string | number | null | undefined }) {
  return createElement(Fragment, null, since(at, useContext(NowContext)));
}
