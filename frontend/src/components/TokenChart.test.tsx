import { render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import TokenChart, { BarChart, shortDay, summary } from "./TokenChart";

const api = vi.hoisted(() => ({ getDailyTokens: vi.fn() }));
vi.mock("../api/dashboard", () => api);

const days = (values: number[]) =>
  values.map((value, i) => ({ date: `2025-01-${String(i + 1).padStart(2, "0")}`, value }));

beforeEach(() => api.getDailyTokens.mockReset());

describe("BarChart", () => {
  it("draws a bar per day, as tall as its share of the busiest day", () => {
    const { container } = render(<BarChart title="Your tokens" values={days([0, 50, 100])} />);
    const bars = [...container.querySelectorAll("rect")];
    expect(bars.map((b) => Number(b.getAttribute("height")))).toEqual([0, 40, 80]);
    expect(bars[1].querySelector("title")!.textContent).toBe(`${shortDay("2025-01-02")}: 50 tokens`);
    expect(bars[2].getAttribute("class")).toContain("today");
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe(
      `Your tokens: 150 in the last 3 days, the most on ${shortDay("2025-01-03")} (100).`,
    );
  });

  it("draws the daily target only when it is near the bars", () => {
    const near = render(<BarChart title="Everyone" values={days([400, 900])} target={1000} />);
    expect(near.container.querySelector(".token-chart-target")).not.toBeNull();
    near.unmount();
    const far = render(<BarChart title="Everyone" values={days([4, 9])} target={1_000_000} />);
    expect(far.container.querySelector(".token-chart-target")).toBeNull();
  });

  it("says so when there were no tokens", () => {
    expect(summary({ title: "Your tokens", values: days([0, 0]) })).toBe("Your tokens: none in the last 2 days.");
  });
});

describe("TokenChart", () => {
  it("charts one's tokens and everyone's for the last 30 days", async () => {
    api.getDailyTokens.mockResolvedValue({
      days: 2,
      global_daily_target: 1000,
      daily: [
        { date: "2025-01-01", tokens: 5, global_tokens: 700 },
        { date: "2025-01-02", tokens: 10, global_tokens: 900 },
      ],
    });
    render(<TokenChart />);
    await waitFor(() => expect(screen.getAllByRole("img")).toHaveLength(2));
    expect(api.getDailyTokens).toHaveBeenCalledWith(30);
    const [mine, everyone] = screen.getAllByRole("img");
    expect(mine.getAttribute("aria-label")).toContain("Your tokens: 15");
    expect(everyone.getAttribute("aria-label")).toContain("1,600");
  });
});
