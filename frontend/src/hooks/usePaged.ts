import { useCallback, useEffect, useRef, useState } from "react";
import { messageOf } from "../api/client";
import type { Page, PageQuery } from "../types";

export const PER_PAGE = 20;

export interface PagedList<T> {
  items: T[];
  error: string | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A list the API answers page by page (the {items, page, per_page, has_more} envelope): the first
 * page at once, the next one appended on `loadMore`, page one again on `reload`. An answer that
 * arrives after a newer request was made is dropped. `load` is called again whenever it changes,
 * so pass a stable function (a module's, or one made with useCallback).
 */
export function usePaged<T>(load: (query: Required<PageQuery>) => Promise<Page<T>>, perPage = PER_PAGE): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [page, setPage] = useState(1);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);

  const fetchPage = useCallback(
    (n: number) => {
      const id = ++latest.current;
      setLoading(true);
      load({ page: n, per_page: perPage }).then(
        (answer) => {
          if (id !== latest.current) return;
          setItems((old) => (n === 1 ? answer.items : [...old, ...answer.items]));
          setHasMore(answer.has_more);
          setPage(n);
          setError(null);
          setLoading(false);
        },
        (err) => {
          if (id !== latest.current) return;
          setError(messageOf(err));
          setLoading(false);
        },
      );
    },
    [load, perPage],
  );

  useEffect(() => fetchPage(1), [fetchPage]);

  return {
    items,
    error,
    loading,
    hasMore,
    loadMore: () => fetchPage(page + 1),
    reload: () => fetchPage(1),
  };
}
