/** Environment variables read for the API key, in order. */
export const apiKeyVariables = ["GOODPUT_API_KEY", "OPENAI_API_KEY"] as const;

/** The API key from GOODPUT_API_KEY or OPENAI_API_KEY (sent as a Bearer token, never written anywhere). */
export function readApiKey(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const name of apiKeyVariables) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Removes every occurrence of the secret from a text (server error bodies may echo headers). */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4 || !text.includes(secret)) return text;
  return text.split(secret).join("[redacted]");
}
