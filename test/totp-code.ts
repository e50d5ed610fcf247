/** TOTP codes as an authenticator app shows them, for tests that sign in. */
import { generate } from "otplib";

const STEP_SECONDS = 30;
/** Room left in the current step before a code for an earlier step is made. */
const MARGIN_SECONDS = 8;

/**
 * The code for the step `offsetSteps` away from now. The server accepts the current step ±1, so a
 * code for the previous step fails if a step boundary passes before the server checks it (a slow
 * runner did). Such a code is therefore made only with `MARGIN_SECONDS` left in the step, waiting
 * for the next step if need be.
 */
export async function codeAt(secret: string, offsetSteps = 0): Promise<string> {
  if (offsetSteps < 0) {
    const intoStep = (Date.now() / 1000) % STEP_SECONDS;
    if (intoStep > STEP_SECONDS - MARGIN_SECONDS) {
      await new Promise((resolve) => setTimeout(resolve, (STEP_SECONDS - intoStep) * 1000 + 50));
    }
  }
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * STEP_SECONDS });
}
