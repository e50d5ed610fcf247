/** The request header through which proxy.ts hands a just-renewed access token to the render. */
export const SERVER_TOKEN_HEADER = "x-sira-server-token";
