import { useState } from "react";
import { listModels } from "../api/models";
import type { ModelCatalog } from "../types";
import { usePreferences } from "./usePreferences";
import { sharedResource } from "./useShared";

/** The AI models on offer (GET /api/models), fetched once per page load. */
export const useModels = sharedResource(listModels);

/** The catalog plus the model picked: the person's choice, else the preferred one (their own
 * default first). Derived on every render rather than set by an effect, so a choice made just as
 * the catalog arrives stands. */
export function useModelChoice() {
  const { data: catalog, error } = useModels();
  const mine = usePreferences()?.default_model ?? null;
  const [chosen, setModel] = useState("");
  const model = chosen || (catalog ? preferredModel(catalog, mine) : "");
  return { catalog, error, model, setModel };
}

/** The model to preselect: the writer's default, else the configured one, when usable; else the
 * first usable one. */
export function preferredModel(catalog: ModelCatalog, mine: string | null = null): string {
  const usable = catalog.models.filter((m) => m.usable);
  if (mine && usable.some((m) => m.id === mine)) return mine;
  if (catalog.default && usable.some((m) => m.id === catalog.default)) return catalog.default;
  return usable[0]?.id ?? "";
}
