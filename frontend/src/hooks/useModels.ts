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

/** The model to preselect: the configured default when usable, else the first usable one. */
export function preferredModel(catalog: Catalog): string {
  const usable = catalog.models.filter((m) => m.usable);
  if (catalog.default && usable.some((m) => m.id === catalog.default)) return catalog.default;
  return usable[0]?.id ?? "";
}
