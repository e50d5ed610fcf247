/**
 * The session marker: a cookie beside the refresh cookie, with the same life, naming the learner
 * it belongs to. Unlike the tokens' cookies it is readable by script, so the service worker can
 * tell, even offline, whose session this browser holds (none once it was signed out, lapsed or
 * was refused) before it shows a kept page.
 */
export const SESSION_MARKER = "sira_session";
