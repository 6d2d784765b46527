import { createContext, useContext, useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { Box, type DOMElement } from 'ink';

// Where a mouse click lands: views mark their clickable boxes (a card, a pane, a list line) with
// useClickTarget; the key router asks `hit(x, y)` and runs the innermost target's action.

interface Target {
  ref: RefObject<DOMElement | null>;
  onClick: () => void;
}

export class ClickTargets {
  private readonly targets = new Set<Target>();
  add(t: Target): () => void {
    this.targets.add(t);
    return () => this.targets.delete(t);
  }
  /** The action of the smallest target under cell (x, y), counted from 0 at the top left of the screen. */
  hit(x: number, y: number): (() => void) | undefined {
    let best: { area: number; onClick: () => void } | undefined;
    for (const t of this.targets) {
      const r = t.ref.current ? rect(t.ref.current) : null;
      if (!r || x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h) continue;
      const area = r.w * r.h;
      if (!best || area < best.area) best = { area, onClick: t.onClick };
    }
    return best?.onClick;
  }
}

/** The box's place on the screen, from the layout Ink computed (offsets summed up to the root). */
function rect(node: DOMElement): { x: number; y: number; w: number; h: number } | null {
  const own = node.yogaNode;
  if (!own) return null;
  let x = 0;
  let y = 0;
  for (let n: DOMElement | undefined = node; n; n = n.parentNode) {
    if (!n.yogaNode) continue;
    x += n.yogaNode.getComputedLeft();
    y += n.yogaNode.getComputedTop();
  }
  return { x, y, w: own.getComputedWidth(), h: own.getComputedHeight() };
}

const Ctx = createContext<ClickTargets | null>(null);

export function ClickProvider({ targets, children }: { targets: ClickTargets; children: ReactNode }) {
  return <Ctx.Provider value={targets}>{children}</Ctx.Provider>;
}

export function useClickTargets(): ClickTargets | null {
  return useContext(Ctx);
}

/** A box a mouse click on which runs `onClick`. */
export function Clickable({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  const ref = useClickTarget(onClick);
  return (
    <Box ref={ref} flexDirection="column" flexShrink={0}>
      {children}
    </Box>
  );
}

/** A ref for the <Box> a click on which runs `onClick`. */
export function useClickTarget(onClick: () => void): RefObject<DOMElement | null> {
  const targets = useContext(Ctx);
  const ref = useRef<DOMElement | null>(null);
  const action = useRef(onClick);
  action.current = onClick;
  useEffect(() => targets?.add({ ref, onClick: () => action.current() }), [targets]);
  return ref;
}
