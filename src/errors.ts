/**
 * The one user-facing error type. Every code is stable (scripts match on it) and every message
 * shows the bad value and the fix.
 */
export type GoodputErrorCode =
  | "BAD_USAGE"
  | "BAD_INPUT"
  | "BAD_FILE"
  | "FILE_NOT_FOUND"
  | "UNKNOWN_GPU"
  | "UNKNOWN_MODEL"
  | "UNKNOWN_PRICE_SNAPSHOT"
  | "UNKNOWN_CALIBRATION"
  | "MODEL_CONFIG_FIELD"
  | "MODEL_DOES_NOT_FIT"
  | "BAD_MEASUREMENTS"
  | "FIT_FAILED"
  | "STORE_BUSY";

/** Codes that mean "the user gave us something wrong" map to exit code 2; the rest to 1. */
const badInputCodes: ReadonlySet<GoodputErrorCode> = new Set<GoodputErrorCode>([
  "BAD_USAGE",
  "BAD_INPUT",
  "BAD_FILE",
  "FILE_NOT_FOUND",
  "UNKNOWN_GPU",
  "UNKNOWN_MODEL",
  "UNKNOWN_PRICE_SNAPSHOT",
  "UNKNOWN_CALIBRATION",
  "MODEL_CONFIG_FIELD",
  "MODEL_DOES_NOT_FIT",
  "BAD_MEASUREMENTS",
  "STORE_BUSY",
]);

export interface GoodputErrorDetails {
  /** Where the problem is: a file, file:line, a CLI flag or a field path. */
  readonly where?: string;
  /** Every individual problem found (validation collects all of them, not just the first). */
  readonly issues?: readonly string[];
}

/** A failure the user can act on: a stable code, the bad value, and the fix in the message. */
export class GoodputError extends Error {
  override readonly name = "GoodputError";
  readonly code: GoodputErrorCode;
  readonly where: string | undefined;
  readonly issues: readonly string[];

  constructor(code: GoodputErrorCode, message: string, details: GoodputErrorDetails = {}) {
    super(message);
    this.code = code;
    this.where = details.where;
    this.issues = details.issues ?? [];
  }

  /** 2 for bad usage or bad input, 1 for any other failure. */
  get exitCode(): 1 | 2 {
    return badInputCodes.has(this.code) ? 2 : 1;
  }
}

/** Type guard usable across module boundaries. */
export function isGoodputError(value: unknown): value is GoodputError {
  return value instanceof GoodputError;
}
