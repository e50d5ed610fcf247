/**
 * docker-compose.yml stays honest: the production profile runs the production image's compiled
 * bundles after one migration job, the dev profile runs the sources with the demo data on its own
 * database, every variable given to our containers is a real setting, and the demo data never
 * reaches the production services.
 */
import { readFileSync } from "node:fs";
import { configSchema, parseConfig } from "@sira/infra/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BUNDLES } from "../scripts/lib/bundle.ts";

interface Service {
  image?: string;
  build?: { context: string; target: string };
  command?: string[] | string;
  working_dir?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean; test?: string[] };
}

const compose = parse(readFileSync(new URL("../docker-compose.yml", import.meta.url), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const withImage = (image: string) =>
  Object.entries(services)
    .filter(([, s]) => s.image === image)
    .sort(([a], [b]) => a.localeCompare(b));
const production = withImage("sira-backend:local");
const development = withImage("sira-backend:dev");
const settings = new Set(Object.keys(configSchema.shape));
const commandOf = (service: Service) => [service.command ?? []].flat().join(" ");
/** Compose's `${NAME:-fallback}`: the variable from the shell or .env, else the fallback. */
const fromShell = (name: string, fallback = "") => `\${${name}:-${fallback}}`;

describe("docker-compose.yml", () => {
  it("runs the API, the worker and the migration job from the production image, in the production profile", () => {
    expect(production.map(([name]) => name)).toEqual(["api", "migrate", "worker"]);
    for (const [name, service] of production) {
      expect(service.build, name).toEqual({ context: ".", target: "runtime" });
      expect(service.profiles, name).toEqual(["production"]);
      expect(service.environment?.NODE_ENV, name).toBe("production");
    }
  });

  it("starts node on the bundles the production tree holds: no package manager, no tsx, no seed", () => {
    const bundle = (name: keyof typeof BUNDLES, entry: string) => `${BUNDLES[name].dir}/${entry}.js`;
    const expected: Record<string, string> = {
      api: `node --enable-source-maps ${bundle("api", "index")}`,
      worker: `node --enable-source-maps ${bundle("worker", "index")}`,
      migrate: `node --enable-source-maps ${bundle("migrate", "migrate")}`,
    };
    for (const [name, service] of production) {
      expect(service.working_dir, name).toBe("/app");
      expect(commandOf(service), name).toBe(expected[name]);
    }
  });

  it("migrates once before the API and the worker start, and checks the health only of what serves HTTP", () => {
    expect(services.migrate?.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    for (const name of ["api", "worker"]) {
      expect(services[name]?.depends_on?.migrate, name).toEqual({ condition: "service_completed_successfully" });
      expect(services[name]?.depends_on?.["minio-init"], name).toEqual({ condition: "service_completed_successfully" });
    }
    // The API keeps the image's /health check; the others serve no HTTP.
    expect(services.api?.healthcheck).toBeUndefined();
    expect(services.worker?.healthcheck).toEqual({ disable: true });
    expect(services.migrate?.healthcheck).toEqual({ disable: true });
  });

  it("gives production PostgreSQL with pgvector, Redis that keeps its keys, and MinIO with a versioned bucket", () => {
    expect(services.postgres?.image).toMatch(/^pgvector\/pgvector:pg1\d$/);
    expect(commandOf(services.redis as Service)).toContain("--maxmemory-policy noeviction");
    expect(services.minio?.image).toMatch(/^minio\/minio:RELEASE\./);
    expect(services.minio?.profiles).toEqual(["production"]);
    expect(services["minio-init"]?.profiles).toEqual(["production"]);
    const init = commandOf(services["minio-init"] as Service);
    expect(init).toContain('mc mb --ignore-existing "store/$$BUCKET"');
    expect(init).toContain('mc version enable "store/$$BUCKET"');
    // Shared by both profiles.
    expect(services.postgres?.profiles).toBeUndefined();
    expect(services.redis?.profiles).toBeUndefined();
  });

  it("keeps production files in MinIO's bucket under the application's own user, with a valid STORAGE_URL", () => {
    const bucketOf = (value = "") => value.replace(fromShell("STORAGE_BUCKET", "sira"), "sira");
    for (const [name, service] of production) {
      const env = service.environment ?? {};
      expect(env.STORAGE_DIR, name).toBeUndefined();
      // The settings the processes parse at start-up, with compose's defaults filled in.
      const parsed = parseConfig({
        NODE_ENV: "test",
        STORAGE_URL: bucketOf(env.STORAGE_URL),
        STORAGE_S3_ACCESS_KEY_ID: "sira-app",
        STORAGE_S3_SECRET_ACCESS_KEY: "a-secret-of-the-operator",
      });
      expect(parsed.STORAGE_URL, name).toBe(
        "s3://sira?endpoint=http://minio:9000&region=us-east-1&force_path_style=true",
      );
      expect(env.STORAGE_S3_ACCESS_KEY_ID, name).toBe(fromShell("STORAGE_S3_ACCESS_KEY_ID", "sira-app"));
      expect(env.STORAGE_S3_SECRET_ACCESS_KEY, name).toBe(fromShell("STORAGE_S3_SECRET_ACCESS_KEY"));
    }
    // minio-init makes that user, with a policy on that bucket only.
    const init = services["minio-init"] as Service;
    expect(init.environment).toMatchObject({
      BUCKET: fromShell("STORAGE_BUCKET", "sira"),
      APP_KEY: fromShell("STORAGE_S3_ACCESS_KEY_ID", "sira-app"),
      APP_SECRET: fromShell("STORAGE_S3_SECRET_ACCESS_KEY"),
    });
    const script = commandOf(init);
    expect(script).toContain('mc admin user add store "$$APP_KEY" "$$APP_SECRET"');
    expect(script).toContain('"Resource": ["arn:aws:s3:::$$BUCKET/*"]');
    expect(script).toContain("mc admin policy attach store sira-app --user");
  });

  it("runs the sources, the migration and the demo seed from the development image, in the dev profile", () => {
    expect(development.map(([name]) => name)).toEqual(["dev-api", "dev-migrate", "dev-worker", "seed-demo"]);
    for (const [name, service] of development) {
      expect(service.build, name).toEqual({ context: ".", target: "build" });
      expect(service.profiles, name).toEqual(["dev"]);
      expect(service.environment?.NODE_ENV, name).toBe("development");
    }
    expect(commandOf(services["seed-demo"] as Service)).toBe("pnpm seed:demo");
    expect(commandOf(services["dev-api"] as Service)).toBe("node --import tsx src/index.ts");
  });

  it("keeps the demo data away from production: its own database and Redis database, seeded only in dev", () => {
    const prodEnv = services.api?.environment ?? {};
    for (const [name, service] of development) {
      expect(service.environment?.DATABASE_URL, name).toMatch(/@postgres:5432\/sira_dev$/);
      expect(service.environment?.DATABASE_URL, name).not.toBe(prodEnv.DATABASE_URL);
      expect(service.environment?.REDIS_URL, name).not.toBe(prodEnv.REDIS_URL);
      expect(service.environment?.QUEUE_PREFIX, name).not.toBe(prodEnv.QUEUE_PREFIX);
    }
    for (const [name, service] of production) expect(commandOf(service), name).not.toContain("seed");
  });

  it("sets only real settings on our containers, and passes production the three secrets", () => {
    for (const [name, service] of [...production, ...development]) {
      const unknown = Object.keys(service.environment ?? {}).filter((key) => !settings.has(key));
      expect(unknown, `${name} sets variables that no code reads`).toEqual([]);
    }
    for (const [name, service] of production) {
      for (const secret of ["JWT_SECRET", "TOTP_ENCRYPTION_KEYS", "HASH_PEPPER"]) {
        expect(service.environment?.[secret], `${name} passes ${secret}`).toBe(fromShell(secret));
      }
    }
  });
});
