import type { ModelCatalog } from "../types";
import { get } from "./client";

/** The AI models on offer, whether each is set up, and the server's default. */
export const listModels = () => get<ModelCatalog>("/api/models");
