import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import Markdown from "./Markdown";

describe("Markdown", () => {
  it("renders emphasis, tables, task lists and code", () => {
    const text = "Some **bold** words\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n- [x] done\n- [ ] not yet\n\n```\ncode()\n```";
    const { container } = render(<Markdown text={text} />);
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelectorAll("table td")).toHaveLength(2);
    expect(container.querySelectorAll("input[type=checkbox]")).toHaveLength(2);
    expect(container.querySelector("pre code")?.textContent).toBe("code()\n");
  });

  it("shows raw HTML as nothing, never as elements", () => {
    const { container } = render(<Markdown text={'before <img src=x onerror="alert(1)"> <script>alert(2)</script> after'} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.textContent).toContain("before");
    expect(container.textContent).toContain("after");
  });

  it("opens links in a new tab without telling the other site where from, and drops javascript: links", () => {
    const { container } = render(<Markdown text={"[site](https://example.com) and [bad](javascript:alert(1))"} />);
    const links = container.querySelectorAll("a");
    const site = [...links].find((a) => a.textContent === "site");
    expect(site?.getAttribute("href")).toBe("https://example.com");
    expect(site?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(site?.getAttribute("target")).toBe("_blank");
    const bad = [...links].find((a) => a.textContent === "bad");
    expect(bad?.getAttribute("href") ?? "").not.toContain("javascript");
  });

  it("shows links as text inside a card that is itself a link", () => {
    const { container } = render(<Markdown text={"see [site](https://example.com)"} inLink />);
    expect(container.querySelector("a")).toBeNull();
    expect(container.querySelector(".md-link")?.textContent).toBe("site");
  });
});
