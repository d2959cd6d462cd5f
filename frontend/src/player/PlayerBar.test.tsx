import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PlayerProvider } from "./PlayerProvider";
import { AudioPlayer } from "./player";
import { clock } from "./PlayerBar";

function setup() {
  const player = new AudioPlayer();
  render(
    <PlayerProvider player={player}>
      <p>a page</p>
    </PlayerProvider>,
  );
  return player;
}

describe("PlayerBar", () => {
  it("shows nothing until something is loaded, keeping its audio element in the page", () => {
    const player = setup();
    expect(screen.queryByRole("region", { name: "Audio player" })).toBeNull();
    expect(player.element).toBeInstanceOf(HTMLAudioElement);
  });

  it("shows the track, its duration, a seek slider and the speed", () => {
    const player = setup();
    act(() => player.load({ id: "node:3", src: "/a.ogg", title: "Recording by bo", label: "Original recording", seconds: 75 }, { play: false }));
    expect(screen.getByRole("region", { name: "Audio player" })).toHaveProperty("textContent", expect.stringContaining("Recording by bo"));
    expect(screen.getByLabelText("Duration").textContent).toBe("1:15");
    expect(screen.getByLabelText("Original recording").tagName).toBe("AUDIO");

    const seek = screen.getByLabelText("Seek") as HTMLInputElement;
    fireEvent.change(seek, { target: { value: "30" } });
    expect(player.state.currentTime).toBe(30);
    expect(screen.getByLabelText("Elapsed").textContent).toBe("0:30");

    fireEvent.change(screen.getByLabelText("Speed"), { target: { value: "1.75" } });
    expect(player.state.rate).toBe(1.75);
    expect(player.element!.playbackRate).toBe(1.75);

    fireEvent.click(screen.getByRole("button", { name: "Close the player" }));
    expect(screen.queryByRole("region", { name: "Audio player" })).toBeNull();
  });

  it("writes times as people read them", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(61.9)).toBe("1:01");
    expect(clock(3725)).toBe("1:02:05");
    expect(clock(null)).toBe("–:––");
  });
});
