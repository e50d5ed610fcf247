/**
 * docker-compose.yml stays honest: every variable it gives our own containers is a real setting,
 * the production services never load the demo data, and only the `dev` profile does.
 */
import { readFileSync } from "node:fs";
import { configSchema } from "@sira/infra/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  profiles?: string[];
  environment?: Record<string, string>;
}

const compose = parse(readFileSync(new URL("../docker-compose.yml", import.meta.url), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const ours = Object.entries(compose.services).filter(([, s]) => s.image === "sira-backend:local");
const settings = new Set(Object.keys(configSchema.shape));

describe("docker-compose.yml", () => {
  it("runs the API, the worker, the migration and the demo seed from our image", () => {
    expect(ours.map(([name]) => name).sort()).toEqual(["api", "migrate", "seed-demo", "worker"]);
  });

  it("sets only real settings on our containers, the three secrets included", () => {
    for (const [name, service] of ours) {
      const unknown = Object.keys(service.environment ?? {}).filter((key) => !settings.has(key));
      expect(unknown, `${name} sets variables that no code reads`).toEqual([]);
      for (const secret of ["JWT_SECRET", "TOTP_ENCRYPTION_KEYS", "HASH_PEPPER"]) {
        expect(service.environment?.[secret], `${name} passes ${secret}`).toBe(`\${${secret}:-}`);
      }
    }
  });

  it("runs production services with NODE_ENV=production, and seeds demo data only in the dev profile", () => {
    for (const [name, service] of ours) {
      const command = [service.command ?? []].flat().join(" ");
      if (name === "seed-demo") {
        expect(service.profiles).toEqual(["dev"]);
        expect(service.environment?.NODE_ENV).toBe("development");
        expect(command).toContain("seed:demo");
      } else {
        expect(service.profiles).toBeUndefined();
        expect(service.environment?.NODE_ENV).toBe("production");
        expect(command).not.toContain("seed");
      }
    }
  });
});
