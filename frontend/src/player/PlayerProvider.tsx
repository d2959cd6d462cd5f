// The player for the whole app: App mounts this once, around every page, so what plays goes on
// when the page changes. Components reach the player with `usePlayer()`.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import PlayerBar from "./PlayerBar";
import { player as pagePlayer, type AudioPlayer, type PlayerState } from "./player";

const PlayerContext = createContext<AudioPlayer>(pagePlayer);

export function PlayerProvider({ children, player = pagePlayer }: { children: ReactNode; player?: AudioPlayer }) {
  return (
    <PlayerContext.Provider value={player}>
      {children}
      <PlayerBar />
    </PlayerContext.Provider>
  );
}

/** The player and its state, kept current. */
export function usePlayer(): { player: AudioPlayer; state: PlayerState } {
  const player = useContext(PlayerContext);
  const state = useSyncExternalStore(player.subscribe, player.getState);
  return { player, state };
}
