// The shell: who is logged in, the navigation, and which screen the hash asks for.
import { useEffect, useState } from "react";
import { logout, me } from "./api/auth";
import { ApiError, messageOf, setUnauthorizedHandler } from "./api/client";
import AdminPage from "./components/AdminPage";
import AuthScreen from "./components/AuthScreen";
import Dashboard from "./components/Dashboard";
import EntryView from "./components/EntryView";
import ErrorMessage from "./components/ErrorMessage";
import Feed from "./components/Feed";
import NavBar from "./components/NavBar";
import ProfilePage from "./components/ProfilePage";
import SettingsPage from "./components/SettingsPage";
import { DraftOwner, clearDrafts, sendDrafts } from "./hooks/useDraft";
import { useLiveMode } from "./hooks/useEvents";
import { liveEvents } from "./live/events";
import { PlayerProvider } from "./player/PlayerProvider";
import { player } from "./player/player";
import { href, useRoute } from "./router";
import type { User } from "./types";

type Session = { state: "checking" } | { state: "out"; error?: string } | { state: "in"; user: User };

export default function App() {
  const [session, setSession] = useState<Session>({ state: "checking" });
  const route = useRoute();
  const loggedIn = session.state === "in";
  const liveMode = useLiveMode();

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
    return (
      <>
        {session.error && <ErrorMessage message={session.error} />}
        <AuthScreen onLoggedIn={(user) => setSession({ state: "in", user })} />
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
    setSession({ state: "out" });
  };
  const loggedOut = () => {
    forgetAccount();
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
      screen = <SettingsPage user={user} onLoggedOut={loggedOut} />;
      break;
    case "admin":
      screen = <AdminPage me={user} />;
      break;
    case "node":
      screen = <EntryView key={route.id} id={route.id} me={user} />;
      break;
    default:
      screen = (
        <main className="page">
          <h1 className="page-title">Not found</h1>
          <p>
            Nothing lives at “{route.path}”. <a href={href.dashboard}>Back to your journal</a>
          </p>
        </main>
      );
  }

  return (
    <DraftOwner value={user.id}>
      <PlayerProvider>
        <NavBar user={user} route={route} onLogout={logOut} />
        {user.approved === false && !user.is_admin && (
          <p className="notice banner">Your account is waiting for approval by an administrator.</p>
        )}
        {screen}
      </PlayerProvider>
    </DraftOwner>
  );
}
