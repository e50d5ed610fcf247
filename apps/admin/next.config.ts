import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

const config: NextConfig = {
  // Contracts export TypeScript sources (decision 0036); the API is imported for its types only.
  transpilePackages: ["@sira/contracts"],
  // `pnpm typecheck` checks the console with the rest of the workspace; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // The console is served from loopback in development and tests; its own build never phones home.
  devIndicators: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // The content security policy is set per request by src/proxy.ts (its connect-src needs
          // the API's address, known at start).
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
          // Browsers honour it over https only; a plain-http development server is unaffected.
          { key: "Strict-Transport-Security", value: "max-age=31536000" },
        ],
      },
    ];
  },
};

export default withNextIntl(config);
