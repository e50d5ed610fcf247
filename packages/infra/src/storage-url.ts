/**
 * `STORAGE_URL`: where files live when they are not in the local directory. One form for now,
 * an S3-compatible bucket (decision 0058):
 *
 *   s3://<bucket>?endpoint=<http(s) URL>&region=<region>&force_path_style=true|false
 *
 * Every part but the bucket is optional: without `endpoint` the SDK's AWS endpoint for the region
 * is used; `region` defaults to us-east-1 (MinIO's and s3rver's; R2 takes `auto`). Credentials never
 * go in the URL: the settings STORAGE_S3_ACCESS_KEY_ID/STORAGE_S3_SECRET_ACCESS_KEY, else the AWS
 * SDK's usual chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). Anything else is refused at
 * start-up with a message saying what is wrong, so a typo never silently writes elsewhere.
 */

export interface S3Location {
  bucket: string;
  /** The store's base URL (MinIO, R2…); unset: AWS S3 for the region. */
  endpoint?: string;
  region: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, s3rver). */
  forcePathStyle: boolean;
}

const PARAMETERS = ["endpoint", "region", "force_path_style"];
/** S3's bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens, a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,40}$/;

/** The bucket and options a STORAGE_URL names; throws an Error saying what is wrong with it. */
export function parseStorageUrl(value: string): S3Location {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("is not a URL (expected s3://<bucket>?endpoint=…&region=…)");
  }
  if (url.protocol !== "s3:") throw new Error(`uses ${url.protocol} (only s3://<bucket> is supported)`);
  if (url.username || url.password) {
    throw new Error(
      "must not carry credentials: set STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID…)",
    );
  }
  const bucket = url.hostname;
  if (!BUCKET.test(bucket) || bucket.includes("..")) {
    throw new Error(`names the bucket "${bucket}" (3–63 lower-case letters, digits, dots and hyphens)`);
  }
  if (url.port) throw new Error("has a port after the bucket (put the store's address in ?endpoint=)");
  if (url.pathname !== "" && url.pathname !== "/") throw new Error("has a path after the bucket (not supported)");
  if (url.hash) throw new Error("has a #fragment");

  const unknown = [...url.searchParams.keys()].filter((name) => !PARAMETERS.includes(name));
  if (unknown.length > 0)
    throw new Error(`has unknown parameters ${unknown.join(", ")} (known: ${PARAMETERS.join(", ")})`);
  for (const name of PARAMETERS) {
    if (url.searchParams.getAll(name).length > 1) throw new Error(`gives ${name} more than once`);
  }

  const endpoint = url.searchParams.get("endpoint") ?? undefined;
  if (endpoint !== undefined) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(endpoint);
    } catch {
      // reported below
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.search || parsed.hash) {
      throw new Error(`has endpoint=${endpoint}, which is not an http(s) URL`);
    }
    if (parsed.pathname !== "/") throw new Error(`has endpoint=${endpoint} with a path (give the store's base URL)`);
  }
  const region = url.searchParams.get("region") ?? "us-east-1";
  if (!REGION.test(region)) throw new Error(`has region=${region} (lower-case letters, digits and hyphens)`);
  const style = url.searchParams.get("force_path_style") ?? "false";
  if (style !== "true" && style !== "false") throw new Error(`has force_path_style=${style} (true or false)`);

  return {
    bucket,
    ...(endpoint ? { endpoint: endpoint.replace(/\/$/, "") } : {}),
    region,
    forcePathStyle: style === "true",
  };
}
