// The shell: who is logged in, the navigation, and which screen the address asks for. A visitor
// who is not logged in reads public pages (a writer's page, a public entry, the feed) and is
// offered sign-up; any other page asks them to sign up or log in.
import { useEffect, useState, type MouseEvent } from "react";
import { logout, me } from "./api/auth";
import { ApiError, messageOf, setUnauthorizedHandler } from "./api/client";
import AdminPage from "./components/AdminPage";
import AuthScreen from "./components/AuthScreen";
import Dashboard from "./components/Dashboard";
import EntryView from "./components/EntryView";
import ErrorMessage from "./components/ErrorMessage";
import Feed from "./components/Feed";
import NavBar from "./components/NavBar";
import NotFound from "./components/NotFound";
import ProfilePage from "./components/ProfilePage";
import QuickNav from "./components/QuickNav";
import SettingsPage from "./components/SettingsPage";
import { AccountTheme } from "./components/ThemePicker";
import VisitorBar from "./components/VisitorBar";
import WriterPage from "./components/WriterPage";
import { DraftOwner, clearDrafts, sendDrafts } from "./hooks/useDraft";
import { useLiveMode } from "./hooks/useEvents";
import { focusMainHeading, useHeadingFocus } from "./hooks/useHeadingFocus";
import { isQuickNavKey } from "./keyboard";
import { liveEvents } from "./live/events";
import { PlayerProvider } from "./player/PlayerProvider";
import { player } from "./player/player";
import { interceptLinks, navigate, useRoute, type Route } from "./router";
import type { User } from "./types";

/** The first link of every page: past the header, straight to the page's own content. */
function SkipLink() {
  const skip = (event: MouseEvent) => {
    event.preventDefault();
    if (!focusMainHeading()) focusMainHeading("main");
  };
  return (
    <a className="skip-link" href="#main" onClick={skip}>
      Skip to main content
    </a>
  );
}

/** Where a visitor who is not logged in may read without an account. */
function visitorScreen(route: Route) {
  switch (route.name) {
    case "writer":
      return <WriterPage key={route.username} username={route.username} visitor />;
    case "node":
      return <EntryView key={route.id} id={route.id} me={null} />;
    case "feed":
      return <Feed />;
    case "missing":
      return <NotFound path={route.path} visitor />;
    default:
      return null;
  }
}

function routeKey(route: Route): string {
  return JSON.stringify(route);
}

type Session = { state: "checking" } | { state: "out"; error?: string } | { state: "in"; user: User };

export default function App() {
  const [session, setSession] = useState<Session>({ state: "checking" });
  const route = useRoute();
  const loggedIn = session.state === "in";
  const liveMode = useLiveMode();
  const [quickNav, setQuickNav] = useState(false);
  useHeadingFocus(routeKey(route));

  useEffect(() => interceptLinks(), []);

  // Ctrl/Cmd+K: quick navigation to one's threads, from anywhere in the app.
  useEffect(() => {
    if (!loggedIn) return;
    const onKey = (event: KeyboardEvent) => {
      if (!isQuickNavKey(event)) return;
      event.preventDefault();
      setQuickNav(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [loggedIn]);

  // Logged in, the sign-up and login addresses lead to the journal.
  useEffect(() => {
    if (loggedIn && (route.name === "signup" || route.name === "login")) navigate("/", { replace: true });
  }, [loggedIn, route.name]);

  useEffect(() => {
    setUnauthorizedHandler(() => setSession({ state: "out" }));
    me().then(
      (user) => setSession({ state: "in", user }),
      (err) => setSession({ state: "out", error: err instanceof ApiError && err.code === "not_logged_in" ? undefined : messageOf(err) }),
    );
    return () => setUnauthorizedHandler(null);
  }, []);

  // One live-update stream for the page while someone is logged in.
  useEffect(() => {
    if (!loggedIn) return;
    liveEvents.start();
    return () => liveEvents.stop();
  }, [loggedIn]);

  // Whether the page follows the stream or polls, for whoever looks at the page (and its tests).
  useEffect(() => {
    document.documentElement.dataset.events = liveMode;
  }, [liveMode]);

  if (session.state === "checking") return <p className="muted page">Loading…</p>;
  if (session.state === "out") {
    const publicScreen = visitorScreen(route);
    if (publicScreen) {
      return (
        <PlayerProvider>
          <SkipLink />
          <VisitorBar />
          <div id="main" tabIndex={-1}>
            {publicScreen}
          </div>
        </PlayerProvider>
      );
    }
    return (
      <>
        {session.error && <ErrorMessage message={session.error} />}
        <AuthScreen route={route} onLoggedIn={(user) => setSession({ state: "in", user })} />
      </>
    );
  }

  const forgetAccount = () => {
    // Unsent drafts may be private: the next person on this browser must not find them.
    clearDrafts(session.user.id);
    liveEvents.stop(); // the stream is this account's
    player.close(); // and so is what it was playing
  };
  const logOut = async () => {
    await sendDrafts(); // the server keeps them for the writer's return, on any browser
    forgetAccount();
    await logout().catch(() => undefined);
    navigate("/login"); // not the page left, which may be a public one a visitor could read
    setSession({ state: "out" });
  };
  const loggedOut = () => {
    forgetAccount();
    navigate("/login");
    setSession({ state: "out" });
  };

  const user = session.user;
  let screen;
  switch (route.name) {
    case "dashboard":
      screen = <Dashboard />;
      break;
    case "feed":
      screen = <Feed />;
      break;
    case "profile":
      screen = <ProfilePage />;
      break;
    case "settings":
      screen = <SettingsPage user={user} onLoggedOut={loggedOut} onUserChanged={(changed) => setSession({ state: "in", user: changed })} />;
      break;
    case "admin":
      screen = <AdminPage me={user} />;
      break;
    case "node":
      screen = <EntryView key={route.id} id={route.id} me={user} />;
      break;
    case "writer":
      screen = <WriterPage key={route.username} username={route.username} />;
      break;
    case "signup":
    case "login":
      screen = <Dashboard />; // on its way to "/" (the effect above)
      break;
    default:
      screen = <NotFound path={route.path} />;
  }

  return (
    <DraftOwner value={user.id}>
      <AccountTheme />
      <PlayerProvider>
        <SkipLink />
        <NavBar user={user} route={route} onLogout={logOut} />
        {user.approved === false && !user.is_admin && (
          <p className="notice banner">Your account is waiting for approval by an administrator.</p>
        )}
        <div id="main" tabIndex={-1}>
          {screen}
        </div>
        {quickNav && <QuickNav onClose={() => setQuickNav(false)} />}
      </PlayerProvider>
    </DraftOwner>
  );
}
