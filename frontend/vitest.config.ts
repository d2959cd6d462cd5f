// `npm test`: the components and hooks in a simulated DOM (happy-dom); the API modules they call
// are replaced in each test. The whole app against the real server is tests/test_ui.py.
import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: "happy-dom",
      include: ["src/**/*.test.{ts,tsx}"],
      setupFiles: ["src/test/setup.ts"],
      restoreMocks: true,
    },
  }),
);
