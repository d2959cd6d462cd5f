import type { Route } from "../router";
import { href } from "../router";
import type { User } from "../types";
import JobsMenu from "./JobsMenu";

interface Props {
  user: User;
  route: Route;
  onLogout: () => void;
}

export default function NavBar({ user, route, onLogout }: Props) {
  const link = (to: string, name: Route["name"], text: string) => (
    <a href={to} className={route.name === name ? "nav-link active" : "nav-link"} aria-current={route.name === name ? "page" : undefined}>
      {text}
    </a>
  );
  return (
    <header className="nav">
      <div className="nav-inner">
        <a href={href.dashboard} className="brand">
          Write or Perish
        </a>
        <nav>
          {link(href.dashboard, "dashboard", "Journal")}
          {link(href.feed, "feed", "Feed")}
          {link(href.profile, "profile", "Profile & export")}
          {link(href.settings, "settings", "Settings")}
          {user.is_admin && link(href.admin, "admin", "Admin")}
        </nav>
        <div className="nav-user">
          <JobsMenu />
          <span className="muted">{user.username}</span>
          <button type="button" className="link-button" onClick={onLogout}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
