/** `pnpm demo:code`: the demo accounts' current TOTP codes (demo data only). */
import { DEMO_TOTP_SECRETS } from "@sira/demo/content";
import { generate } from "otplib";

for (const [email, secret] of Object.entries(DEMO_TOTP_SECRETS)) {
  console.log(`${email.padEnd(24)} ${await generate({ secret })}`);
}
