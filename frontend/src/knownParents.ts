// Which entry each entry shown on this page replies to, so an entry found deleted later can still
// point back to its thread (the API's answer for a deleted entry may not say).
import type { NodeDetail } from "./types";

const parents = new Map<number, number | null>();

export function rememberParents(node: NodeDetail): void {
  parents.set(node.id, node.parent_id);
  for (const child of node.children) parents.set(child.id, node.id);
}

export function knownParent(id: number): number | null {
  return parents.get(id) ?? null;
}
