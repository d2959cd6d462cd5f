import { useCallback, useEffect, useRef, useState } from "react";
import { api, messageOf } from "../api";
import type { NodePreview } from "../types";

const PER_PAGE = 20;

interface Paged<T> {
  first: T | null;
  nodes: NodePreview[];
  error: string | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** A paginated list of entries (`{nodes: [...]}` answers); the first page's whole answer is kept too. */
export function usePaged<T extends { nodes: NodePreview[] }>(url: string): Paged<T> {
  const [first, setFirst] = useState<T | null>(null);
  const [nodes, setNodes] = useState<NodePreview[]>([]);
  const [page, setPage] = useState(1);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const request = useRef(0);

  const fetchPage = useCallback(
    (n: number) => {
      const id = ++request.current;
      setLoading(true);
      const sep = url.includes("?") ? "&" : "?";
      api.get<T>(`${url}${sep}page=${n}&per_page=${PER_PAGE}`).then(
        (data) => {
          if (id !== request.current) return;
          if (n === 1) setFirst(data);
          setNodes((old) => (n === 1 ? data.nodes : [...old, ...data.nodes]));
          setHasMore(data.nodes.length === PER_PAGE);
          setPage(n);
          setError(null);
          setLoading(false);
        },
        (err) => {
          if (id !== request.current) return;
          setError(messageOf(err));
          setLoading(false);
        },
      );
    },
    [url],
  );

  useEffect(() => fetchPage(1), [fetchPage]);

  return {
    first,
    nodes,
    error,
    loading,
    hasMore,
    loadMore: () => fetchPage(page + 1),
    reload: () => fetchPage(1),
  };
}
