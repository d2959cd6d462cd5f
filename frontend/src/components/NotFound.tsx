// What a mistyped or outdated address shows: where the reader is, and ways on.
import { href } from "../router";

export default function NotFound({ path, visitor = false }: { path: string; visitor?: boolean }) {
  return (
    <main className="page not-found">
      <h1 className="page-title">Page not found</h1>
      <p>Nothing lives at “{path}”. The link may be mistyped, or the page has moved.</p>
      <p className="row">
        {visitor ? (
          <>
            <a href={href.feed}>Read the public feed</a>
            <a href={href.signup}>Create an account</a>
          </>
        ) : (
          <>
            <a href={href.dashboard}>Back to your journal</a>
            <a href={href.feed}>Read the public feed</a>
          </>
        )}
      </p>
    </main>
  );
}
