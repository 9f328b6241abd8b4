import { defineConfig } from "vite";

// The built files are served by `jingban serve` under `/` (src/http/routes_static.cpp); during
// `npm run dev` the API is proxied to a server started separately on port 8080.
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, target: "es2020", sourcemap: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
