/**
 * Query parameters whose values are credentials (API keys, tokens, signatures): matched on the
 * lower-cased name, so `?api_key=`, `?apiKey=`, `?access_token=`, `?X-Amz-Signature=` are all caught.
 */
const secretParameter = /(^|[_-])(api[_-]?key|apikey|key|token|access[_-]?token|secret|password|passwd|pwd|auth|authorization|sig|signature|credential|session)$/;

/** The placeholder written where a secret query value was (URL-safe, so it is not percent-encoded). */
export const redactedQueryValue = "REDACTED";

/** True when a query parameter of this name carries a credential. */
export const isSecretParameter = (name: string): boolean => secretParameter.test(name.toLowerCase().replace(/^x-amz-/, ""));

/**
 * A URL as it may be printed or stored: user name and password dropped, the value of every query
 * parameter that names a credential replaced by "REDACTED". The one function every site that
 * prints or stores a target URL uses (bench, experiment run, the lab store). Text that is not a
 * URL is returned with any `user:password@` part cut out, never echoed whole.
 */
export function redactUrl(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return target.replace(/\/\/[^/@\s]*@/, "//");
  }
  url.username = "";
  url.password = "";
  for (const name of [...new Set(url.searchParams.keys())]) {
    if (isSecretParameter(name)) url.searchParams.set(name, redactedQueryValue);
  }
  return url.toString();
}
