import type { Route } from "../router";
import { href, navigate } from "../router";
import type { User } from "../types";
import JobsMenu from "./JobsMenu";

interface Props {
  user: User;
  route: Route;
  onLogout: () => void;
}

/** The new-entry box on the journal page. */
const NEW_ENTRY = 'textarea[aria-label="New entry"]';

export default function NavBar({ user, route, onLogout }: Props) {
  const link = (to: string, name: Route["name"], text: string) => (
    <a href={to} className={route.name === name ? "nav-link active" : "nav-link"} aria-current={route.name === name ? "page" : undefined}>
      {text}
    </a>
  );
  return (
    <header className="nav">
      <div className="nav-inner">
        <a href={href.dashboard} className="brand" aria-label="Write or Perish">
          <span className="brand-long">Write or Perish</span>
          <span className="brand-short" aria-hidden="true">W</span>
        </a>
        <nav>
          {link(href.dashboard, "dashboard", "Journal")}
          {link(href.feed, "feed", "Feed")}
          {link(href.profile, "profile", "Profile & export")}
          {link(href.settings, "settings", "Settings")}
          {user.is_admin && link(href.admin, "admin", "Admin")}
        </nav>
        <button type="button" className="write-button" onClick={() => navigate(href.dashboard, { focus: NEW_ENTRY })}>
          Write
        </button>
        <div className="nav-user">
          <JobsMenu />
          <a href={href.writer(user.username)} className="nav-link" title="Your public page">
            {user.username}
          </a>
          <button type="button" className="link-button" onClick={onLogout}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
