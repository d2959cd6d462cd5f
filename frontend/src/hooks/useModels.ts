import { useEffect, useState } from "react";
import { api, messageOf } from "../api";
import type { ModelInfo } from "../types";

interface Catalog {
  models: ModelInfo[];
  default: string | null;
}

let cached: Promise<Catalog> | null = null;

/** The AI models on offer (GET /api/models), fetched once per page load. */
export function useModels(): { catalog: Catalog | null; error: string | null } {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    cached ??= api.get<Catalog>("/api/models");
    cached.then(
      (c) => live && setCatalog(c),
      (err) => {
        cached = null;
        if (live) setError(messageOf(err));
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return { catalog, error };
}

/** The catalog plus the model picked: the person's choice, else the preferred one. Derived on
 * every render rather than set by an effect, so a choice made just as the catalog arrives stands. */
export function useModelChoice() {
  const { catalog, error } = useModels();
  const [chosen, setModel] = useState("");
  const model = chosen || (catalog ? preferredModel(catalog) : "");
  return { catalog, error, model, setModel };
}

/** The model to preselect: the configured default when usable, else the first usable one. */
function preferredModel(catalog: Catalog): string {
  const usable = catalog.models.filter((m) => m.usable);
  if (catalog.default && usable.some((m) => m.id === catalog.default)) return catalog.default;
  return usable[0]?.id ?? "";
}
