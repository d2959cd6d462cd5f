import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the app on :5173 and forwards the API to the Flask server (make run).
const backend = process.env.WOP_BACKEND ?? "http://127.0.0.1:5000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      "/api": backend,
      "/auth": backend,
    },
  },
});
