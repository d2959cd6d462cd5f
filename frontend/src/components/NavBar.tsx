// The header: the brand, the page links, the Write button, the jobs menu and the account. On a
// phone the page links and the account fold into a "Menu" disclosure (styles.css), so that the
// header stays one row with Write and the jobs menu always in it.
import { useEffect, useRef, useState } from "react";
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
const MENU_ID = "nav-menu";

export default function NavBar({ user, route, onLogout }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const key = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    const press = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("keydown", key);
    document.addEventListener("pointerdown", press);
    return () => {
      document.removeEventListener("keydown", key);
      document.removeEventListener("pointerdown", press);
    };
  }, [open]);

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
        <button
          type="button"
          ref={button}
          className="link-button nav-menu-button"
          aria-expanded={open}
          aria-controls={MENU_ID}
          onClick={() => setOpen(!open)}
        >
          Menu
        </button>
        {/* Choosing a link closes the menu (on wide screens it is never shut). */}
        <div
          id={MENU_ID}
          ref={menu}
          className={open ? "nav-menu open" : "nav-menu"}
          onClick={(event) => (event.target as Element).closest("a, button") && setOpen(false)}
        >
          <nav aria-label="Pages">
            {link(href.dashboard, "dashboard", "Journal")}
            {link(href.feed, "feed", "Feed")}
            {link(href.profile, "profile", "Profile & export")}
            {link(href.settings, "settings", "Settings")}
            {user.is_admin && link(href.admin, "admin", "Admin")}
          </nav>
          <div className="nav-menu-account">
            <a href={href.writer(user.username)} className="nav-link">
              Your public page ({user.username})
            </a>
            <button type="button" className="link-button" onClick={onLogout}>
              Log out
            </button>
          </div>
        </div>
        <button type="button" className="write-button" onClick={() => navigate(href.dashboard, { focus: NEW_ENTRY })}>
          Write
        </button>
        <div className="nav-user">
          <JobsMenu />
          <a href={href.writer(user.username)} className="nav-link nav-account" title="Your public page">
            {user.username}
          </a>
          <button type="button" className="link-button nav-account" onClick={onLogout}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
