import { render, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useHeadingFocus } from "./useHeadingFocus";

function Page({ title }: { title: string }) {
  useHeadingFocus(title);
  return (
    <>
      <button type="button">In the header</button>
      <main>
        <h1>{title}</h1>
        <textarea aria-label="Box" />
      </main>
    </>
  );
}

describe("useHeadingFocus", () => {
  it("leaves focus alone on the first page and moves it to the new page's heading on navigation", async () => {
    const { rerender, getByRole } = render(<Page title="Journal" />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(document.activeElement).toBe(document.body);

    rerender(<Page title="Settings" />);
    const heading = getByRole("heading", { name: "Settings" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(heading.getAttribute("tabindex")).toBe("-1");
  });

  it("does not take focus from where the reader already moved it", async () => {
    const { rerender, getByRole } = render(<Page title="Journal" />);
    rerender(<Page title="Feed" />);
    const box = getByRole("textbox", { name: "Box" });
    box.focus();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(document.activeElement).toBe(box);
  });
});
