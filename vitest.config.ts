import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["apps/*/{src,test}/**/*.test.ts", "packages/*/{src,test}/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/worker-env.ts"],
    pool: "forks",
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
